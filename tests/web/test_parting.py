"""Parting: owners build a draft packet, preview and download it, then confirm; others may not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.app import Goodterms
from goodterms.ledger import models as m
from tests.web.conftest import HTMX, SAME_ORIGIN, TestClient


def _status(gt: Goodterms) -> str:
    with Session(gt.engine) as session:
        return str(session.scalar(select(m.Client.status).where(m.Client.ext_id == "c3")))


def test_owner_builds_a_draft_downloads_it_then_confirms(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("owner")
    assert "<html" in http.get("/clients/c3/parting", params={"lang": "et"}).text
    draft = http.post("/api/clients/c3/parting", data={"confirm": "false"}, headers=SAME_ORIGIN)
    assert draft.status_code == 200, draft.text
    body = draft.json()
    assert body["draft"] is True and "letter.pdf" in body["files"]
    assert _status(gt) == "active"
    pdf = http.get("/clients/c3/parting/letter.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert pdf.headers["content-disposition"].startswith("inline")
    fragment = http.post("/clients/c3/parting", data={"confirm": "true"}, headers={**SAME_ORIGIN, **HTMX})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert _status(gt) == "ended"
    actions = [e["action"] for e in http.get("/api/audit").json()["entries"]]
    assert {"parting.build", "parting.confirm", "export"} <= set(actions)


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_only_owners_may_part(gt: Goodterms, signed_in: Callable[[str], TestClient], role: str) -> None:
    http = signed_in(role)
    assert (
        http.post("/api/clients/c3/parting", data={"confirm": "true"}, headers=SAME_ORIGIN).status_code == 403
    )
    assert _status(gt) == "active"


def test_parting_refuses_outsiders_wrong_method_cross_site_and_odd_names(
    gt: Goodterms, web_app: TestClient, signed_in: Callable[[str], TestClient]
) -> None:
    assert (
        web_app.post("/api/clients/c3/parting", data={"confirm": "true"}, headers=SAME_ORIGIN).status_code
        == 401
    )
    http = signed_in("owner")
    assert http.request("PUT", "/api/clients/c3/parting", headers=SAME_ORIGIN).status_code == 405
    cross = {"Sec-Fetch-Site": "cross-site"}
    assert http.post("/clients/c3/parting", data={"confirm": "true"}, headers=cross).status_code == 403
    assert http.get("/clients/c3/parting/..%2F..%2Fgoodterms.db").status_code == 404
    assert http.get("/clients/..%2F..%2Fetc/parting").status_code == 404
    assert _status(gt) == "active"


def test_confirm_without_a_draft_is_refused_and_the_client_stays(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("owner")
    page = http.get("/clients/c3/parting", params={"lang": "en"}).text
    assert "Confirm parting" not in page  # no draft yet: nothing to confirm
    refused = http.post("/clients/c3/parting", data={"confirm": "true"}, headers={**SAME_ORIGIN, **HTMX})
    assert refused.status_code == 409
    assert "Build the draft packet and read it first; then confirm." in refused.text
    assert _status(gt) == "active"
    assert "parting.confirm" not in [e["action"] for e in http.get("/api/audit").json()["entries"]]


def test_parting_page_names_the_client_says_why_and_previews_the_letter_once_drafted(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("owner")
    page = http.get("/clients/c3/parting", params={"lang": "et"}).text
    assert "Õunapuu OÜ" in page and "Mida pakett sisaldab" in page
    assert 'hx-indicator="#building"' in page and "<progress" in page
    fragment = http.post("/clients/c3/parting", data={"confirm": "false"}, headers={**SAME_ORIGIN, **HTMX})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Kinnita lahkumine" in fragment.text
    files = http.get("/api/clients/c3/parting").json()["files"]
    letter = http.get("/clients/c3/parting/letter.txt").text
    assert "letter.txt" in files and letter.strip()
    first_line = letter.strip().splitlines()[0]
    assert '<pre class="preview letter" lang="et"' in fragment.text
    assert first_line.replace("&", "&amp;") in fragment.text
    assert 'name="confirm" value="true"' in fragment.text  # the confirm form comes with the draft
    assert _status(gt) == "active"
