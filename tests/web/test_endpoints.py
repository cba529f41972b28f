"""Every endpoint that changes data: happy path, wrong method, outsider, role, htmx fragment, cross-site."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodterms.app import Goodterms, stored_assess
from goodterms.ledger import models as m
from goodterms.web.template_store import override
from tests.web.conftest import HTMX, SAME_ORIGIN, TestClient


def _notes(gt: Goodterms) -> int:
    with Session(gt.engine) as session:
        return int(session.scalar(select(func.count()).select_from(m.StaffNote)) or 0)


def _mark(gt: Goodterms) -> str | None:
    with Session(gt.engine) as session:
        return session.scalar(select(m.Contact.staff_mark).where(m.Contact.ext_id == "c1-k1"))


def _views(gt: Goodterms) -> int:
    with Session(gt.engine) as session:
        return int(session.scalar(select(func.count()).select_from(m.SavedView)) or 0)


def _users(gt: Goodterms) -> int:
    with Session(gt.engine) as session:
        return int(session.scalar(select(func.count()).select_from(m.WebUser)) or 0)


def _live_tokens(gt: Goodterms) -> int:
    with Session(gt.engine) as session:
        query = select(func.count()).select_from(m.ApiToken).where(m.ApiToken.revoked_at.is_(None))
        return int(session.scalar(query) or 0)


def _staff_role(gt: Goodterms) -> str | None:
    with Session(gt.engine) as session:
        return session.scalar(select(m.WebUser.role).where(m.WebUser.email == "staff@biz.example"))


def _target_hours(gt: Goodterms) -> object:
    with Session(gt.engine) as session:
        return session.scalar(select(m.Business.response_target_hours))


def _assess_blob(gt: Goodterms) -> object:
    found = stored_assess(gt.engine)
    return found.weights["over_contact"] if found else None


def _ack_override(gt: Goodterms) -> str | None:
    return override(gt, "desk", "ack", "en")


def _replies(gt: Goodterms) -> int:
    with Session(gt.engine) as session:
        return int(session.scalar(select(func.count()).select_from(m.Reply)) or 0)


@dataclass(frozen=True)
class Endpoint:
    path: str
    data: dict[str, str]
    role: str
    state: Callable[[Goodterms], object]
    form: bool

    def __str__(self) -> str:
        return self.path


TEMPLATE_FORM = {
    "family": "desk",
    "template": "ack",
    "lang": "en",
    "text": "Dear {{ client_name }}, thank you.",
}
REPLY_FORM = {"template": "reply_done", "text": "Dear client, the layout is fixed.", "resolves": "true"}
ENDPOINTS = [
    Endpoint("/clients/c1/notes", {"text": "Called, all good"}, "staff", _notes, True),
    Endpoint("/api/clients/c1/notes", {"text": "Called, all good"}, "staff", _notes, False),
    Endpoint("/contacts/c1-k1/mark", {"rude": "true"}, "staff", _mark, True),
    Endpoint("/api/contacts/c1-k1/mark", {"rude": "true"}, "staff", _mark, False),
    Endpoint("/views", {"name": "Big debts", "query": "sort=amount_due&desc=true"}, "staff", _views, False),
    Endpoint("/users", {"email": "newbie@biz.example", "role": "staff"}, "owner", _users, True),
    Endpoint("/api/users", {"email": "newbie@biz.example", "role": "staff"}, "owner", _users, False),
    Endpoint("/users/staff@biz.example/role", {"role": "manager"}, "owner", _staff_role, True),
    Endpoint("/api/users/staff@biz.example/role", {"role": "manager"}, "owner", _staff_role, False),
    Endpoint("/users/manager@biz.example/remove", {}, "owner", _users, True),
    Endpoint("/api/users/manager@biz.example/remove", {}, "owner", _users, False),
    Endpoint("/users/staff@biz.example/tokens/revoke", {}, "owner", _live_tokens, True),
    Endpoint("/api/users/staff@biz.example/tokens/revoke", {}, "owner", _live_tokens, False),
    Endpoint("/api/tokens/1/revoke", {}, "owner", _live_tokens, False),
    Endpoint("/settings/business", {"response_target_hours": "6"}, "owner", _target_hours, True),
    Endpoint("/api/settings/business", {"response_target_hours": "6"}, "owner", _target_hours, False),
    Endpoint("/settings/assess", {"weights.over_contact": "9"}, "owner", _assess_blob, True),
    Endpoint("/api/settings/assess", {"weights.over_contact": "9"}, "owner", _assess_blob, False),
    Endpoint("/settings/templates", TEMPLATE_FORM, "owner", _ack_override, True),
    Endpoint("/api/settings/templates", TEMPLATE_FORM, "owner", _ack_override, False),
    Endpoint("/desk/requests/1/reply", REPLY_FORM, "staff", _replies, True),
    Endpoint("/api/desk/requests/1/reply", REPLY_FORM, "staff", _replies, False),
]
IDS = [e.path for e in ENDPOINTS]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_happy_path_changes_the_data(
    endpoint: Endpoint, gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    before = endpoint.state(gt)
    response = signed_in(endpoint.role).post(endpoint.path, data=endpoint.data, headers=SAME_ORIGIN)
    assert response.status_code in (200, 201, 303), response.text
    assert endpoint.state(gt) != before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_wrong_method_is_refused(
    endpoint: Endpoint, gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    before = endpoint.state(gt)
    http = signed_in("owner")
    assert http.request("PUT", endpoint.path, data=endpoint.data, headers=SAME_ORIGIN).status_code == 405
    assert http.request("DELETE", endpoint.path, headers=SAME_ORIGIN).status_code == 405
    assert endpoint.state(gt) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_outsider_is_refused(endpoint: Endpoint, gt: Goodterms, web_app: TestClient) -> None:
    before = endpoint.state(gt)
    response = web_app.post(endpoint.path, data=endpoint.data, headers=SAME_ORIGIN)
    assert response.status_code == 401
    bearer = web_app.post(endpoint.path, data=endpoint.data, headers={"Authorization": "Bearer gt_forged"})
    assert bearer.status_code == 401
    assert endpoint.state(gt) == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.role == "owner"], ids=str)
@pytest.mark.parametrize("role", ["staff", "manager"])
def test_insufficient_role_is_refused(
    endpoint: Endpoint, role: str, gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    before = endpoint.state(gt)
    response = signed_in(role).post(endpoint.path, data=endpoint.data, headers=SAME_ORIGIN)
    assert response.status_code == 403
    assert endpoint.state(gt) == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.form], ids=str)
def test_htmx_gets_a_fragment(
    endpoint: Endpoint, gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    before = endpoint.state(gt)
    response = signed_in(endpoint.role).post(
        endpoint.path, data=endpoint.data, headers={**SAME_ORIGIN, **HTMX}
    )
    assert response.status_code in (200, 201)
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" not in response.text
    assert response.text.strip()
    assert endpoint.state(gt) != before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_cross_site_request_is_refused(
    endpoint: Endpoint, gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    before = endpoint.state(gt)
    http = signed_in(endpoint.role)
    cross = {"Origin": "https://attacker.example", "Sec-Fetch-Site": "cross-site"}
    assert http.post(endpoint.path, data=endpoint.data, headers=cross).status_code == 403
    assert endpoint.state(gt) == before


def test_a_new_note_shows_on_the_client_page(signed_in: Callable[[str], TestClient]) -> None:
    http = signed_in("staff")
    fragment = http.post(
        "/clients/c1/notes", data={"text": "Wants Thai invoices ไทย"}, headers={**SAME_ORIGIN, **HTMX}
    )
    assert "Wants Thai invoices ไทย" in fragment.text
    assert "Wants Thai invoices ไทย" in http.get("/clients/c1").text


def test_empty_note_is_refused(signed_in: Callable[[str], TestClient]) -> None:
    response = signed_in("staff").post("/api/clients/c1/notes", data={"text": "   "}, headers=SAME_ORIGIN)
    assert response.status_code == 422


def test_marking_an_unknown_contact_is_a_404(signed_in: Callable[[str], TestClient]) -> None:
    response = signed_in("staff").post("/api/contacts/nope/mark", data={"rude": "false"}, headers=SAME_ORIGIN)
    assert response.status_code == 404


def test_saved_view_is_listed_and_links_to_its_query(signed_in: Callable[[str], TestClient]) -> None:
    http = signed_in("owner")
    http.post("/views", data={"name": "Big debts", "query": "sort=amount_due&desc=true"}, headers=SAME_ORIGIN)
    assert 'href="/?sort=amount_due&amp;desc=true">Big debts</a>' in http.get("/portfolio").text


def test_exports_are_audited_and_neutralise_formulas(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("owner")
    http.post("/api/clients/c1/notes", data={"text": '=HYPERLINK("http://x")'}, headers=SAME_ORIGIN)
    csv_text = http.get("/clients/c1/timeline.csv").text
    assert "'=HYPERLINK" in csv_text
    xlsx = http.get("/clients/c1/timeline.xlsx")
    assert xlsx.content[:2] == b"PK"
    actions = [e["action"] for e in http.get("/api/audit").json()["entries"]]
    assert actions.count("export") == 2


def test_staff_exports_hide_money(signed_in: Callable[[str], TestClient]) -> None:
    assert "12345" not in signed_in("staff").get("/clients/c1/timeline.csv").text
    assert "12345" in signed_in("owner").get("/clients/c1/timeline.csv").text
