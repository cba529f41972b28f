"""The follow-ups page: today's plan previewed in the client's language; managers approve and send."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodterms.app import Goodterms
from goodterms.ledger import models as m
from tests.web.conftest import HTMX, SAME_ORIGIN, Inbox, TestClient


def _outbox(gt: Goodterms) -> int:
    with Session(gt.engine) as session:
        return int(session.scalar(select(func.count()).select_from(m.Outbox)) or 0)


@pytest.mark.parametrize("lang", ["en", "th", "et"])
def test_plan_previews_each_notice(
    overdue: Goodterms, signed_in: Callable[[str], TestClient], lang: str
) -> None:
    http = signed_in("manager")
    data = http.get("/api/followups").json()
    assert data["notices"], data
    assert all(n["subject"] and n["body"] for n in data["notices"])
    page = http.get("/followups", params={"lang": lang})
    assert page.status_code == 200
    assert '<pre lang="th" class="preview">' in page.text


def test_staff_cannot_see_or_send_follow_ups(
    overdue: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("staff")
    assert http.get("/api/followups").status_code == 403
    assert http.post("/api/followups/send", headers=SAME_ORIGIN).status_code == 403
    assert _outbox(overdue) == 0


def test_sending_delivers_the_notices_through_the_relay_and_is_audited(
    overdue: Goodterms, relay: Inbox, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("owner")
    response = http.post("/followups/send", headers={**SAME_ORIGIN, **HTMX})
    assert response.status_code == 200, response.text
    assert "<html" not in response.text
    assert _outbox(overdue) >= 1
    assert relay.messages
    assert b"c2@example.com" in relay.messages[0]
    actions = [e["action"] for e in http.get("/api/audit").json()["entries"]]
    assert "message.send" in actions


def test_sending_refuses_wrong_method_outsiders_and_cross_site(
    overdue: Goodterms, web_app: TestClient, signed_in: Callable[[str], TestClient]
) -> None:
    assert web_app.post("/api/followups/send", headers=SAME_ORIGIN).status_code == 401
    http = signed_in("owner")
    assert http.request("PUT", "/api/followups/send", headers=SAME_ORIGIN).status_code == 405
    assert http.post("/followups/send", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert _outbox(overdue) == 0


def test_unreachable_relay_is_a_clear_error_and_notices_wait(
    overdue: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    overdue.settings.desk.relay_port = 9  # nothing listens on the discard port here
    response = signed_in("owner").post("/api/followups/send", headers=SAME_ORIGIN)
    assert response.status_code == 502
    assert "relay" in response.json()["detail"]
    assert _outbox(overdue) >= 1
