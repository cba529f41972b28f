"""What staff see when the outgoing relay refuses: the reason on the reply, the follow-ups and the desk pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.app import Goodterms
from goodterms.desk.health import write_beat
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from tests.desk.conftest import free_port
from tests.factories import at
from tests.web.conftest import HTMX, SAME_ORIGIN, TestClient

REFUSAL = "550 5.7.1 Relaying denied for this sender"


class Refusing:
    """A relay that refuses every message for good, counting how often it was asked."""

    def __init__(self) -> None:
        self.asked = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.asked += 1
        return REFUSAL


@pytest.fixture
def refusing(gt: Goodterms) -> Iterator[Refusing]:
    handler, port = Refusing(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    gt.settings.desk.relay_port = port
    yield handler
    controller.stop()


def test_a_refused_reply_shows_the_relays_reason(
    gt: Goodterms, signed_in: Callable[[str], TestClient], refusing: Refusing
) -> None:
    import_event_dicts(
        gt.engine, [{"type": "request", "id": "r9", "client": "c2", "at": at(5), "subject": "Q"}]
    )
    with Session(gt.engine) as session:
        request_id = session.scalar(select(m.Request.id).where(m.Request.ext_id == "r9"))
    response = signed_in("staff").post(
        f"/desk/requests/{request_id}/reply",
        data={"template": "reply_done", "text": "The invoice is corrected. Kind regards", "resolves": "true"},
        headers={**SAME_ORIGIN, **HTMX},
    )
    assert response.status_code == 200, response.text
    assert "was not sent" in response.text and "Relaying denied for this sender" in response.text
    assert refusing.asked == 1


def test_follow_ups_set_aside_are_listed_with_their_reason(
    overdue: Goodterms, signed_in: Callable[[str], TestClient], refusing: Refusing
) -> None:
    http = signed_in("owner")
    assert http.post("/api/followups/send", headers=SAME_ORIGIN).status_code == 200
    asked = refusing.asked
    assert asked >= 1
    not_sent = http.get("/api/followups").json()["not_sent"]
    assert not_sent and all("Relaying denied" in row["reason"] for row in not_sent)
    page = http.get("/followups").text
    assert "Follow-ups not sent" in page and "Relaying denied for this sender" in page
    assert "การติดตามทวงถามที่ส่งไม่ได้" in http.get("/followups?lang=th").text
    http.post("/api/followups/send", headers=SAME_ORIGIN)
    assert refusing.asked == asked  # a refusal for good is never tried again


def test_a_relay_setup_problem_shows_on_the_desk_and_healthz(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    detail = "relay smtp.example:587 (starttls TLS): the server refused the login of 'desk@biz.example'"
    write_beat(gt.engine, state="relay setup problem", detail=detail, interval_s=5.0)
    http = signed_in("staff")
    page = http.get("/desk").text
    assert "Outgoing mail is held up" in page and "refused the login" in page
    assert http.get("/api/desk").json()["sender_problem"]["state"] == "relay setup problem"
    health = http.get("/healthz")
    assert health.status_code == 503 and health.json()["desk_sender"]["state"] == "relay setup problem"
