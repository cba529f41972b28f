"""Desk replies: drafts from templates in the client's language, a courtesy check, the outbox and a Reply."""

from __future__ import annotations

from collections.abc import Callable
from email import message_from_bytes
from email.policy import default
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodterms.app import Goodterms
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from goodterms.web.context import StoredAssessments
from tests.factories import at
from tests.web.conftest import HTMX, SAME_ORIGIN, Inbox, TestClient

WORD = {"en": "Send reply", "th": "ส่งคำตอบ", "et": "Saada vastus"}


@pytest.fixture
def thai_request(gt: Goodterms) -> int:
    import_event_dicts(
        gt.engine,
        [
            {"type": "request", "id": "r2", "client": "c2", "at": at(5), "subject": "แก้ไขใบแจ้งหนี้"},
            {
                "type": "contact",
                "id": "c2-k9",
                "client": "c2",
                "request": "r2",
                "at": at(5),
                "channel": "email",
                "direction": "inbound",
                "subject": "แก้ไขใบแจ้งหนี้",
                "message_id": "<r2@client.example>",
            },
        ],
    )
    with Session(gt.engine) as session:
        found = session.scalar(select(m.Request.id).where(m.Request.ext_id == "r2"))
    assert found is not None
    return int(found)


def _count(gt: Goodterms, model: type[Any]) -> int:
    with Session(gt.engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _status(gt: Goodterms, request_id: int) -> str | None:
    with Session(gt.engine) as session:
        return session.scalar(select(m.Request.status).where(m.Request.id == request_id))


def test_desk_rows_link_to_a_reply_form(signed_in: Callable[[str], TestClient]) -> None:
    page = signed_in("staff").get("/desk").text
    assert 'href="/desk/requests/1/reply" hx-get="/desk/requests/1/reply" hx-target="#card"' in page


@pytest.mark.parametrize("lang", ["en", "th", "et"])
def test_reply_form_renders_in_every_language_with_a_thai_draft(
    signed_in: Callable[[str], TestClient], thai_request: int, lang: str
) -> None:
    response = signed_in("staff").get(f"/desk/requests/{thai_request}/reply", params={"lang": lang})
    assert response.status_code == 200, response.text
    assert f'<html lang="{lang}">' in response.text
    assert WORD[lang] in response.text
    assert '<textarea id="reply-text" name="text" rows="14" lang="th"' in response.text
    assert "เรียน บริษัท สยาม จำกัด" in response.text
    assert "คุณบริษัท" not in response.text  # a company gets no personal honorific
    assert 'aria-keyshortcuts="Control+Enter"' in response.text


def test_choosing_a_template_swaps_only_the_form(
    signed_in: Callable[[str], TestClient], thai_request: int
) -> None:
    fragment = signed_in("staff").get(
        f"/desk/requests/{thai_request}/reply", params={"template": "reply_need_info"}, headers=HTMX
    )
    assert "<html" not in fragment.text
    assert 'id="reply"' in fragment.text
    assert "รบกวนช่วยส่งข้อมูล" in fragment.text
    assert 'name="resolves" value="true">' in fragment.text  # holding: not ticked by default
    assert 'value="true" checked>' not in fragment.text


def test_drafts_json_twin_has_every_template_in_the_client_language(
    signed_in: Callable[[str], TestClient], thai_request: int
) -> None:
    data = signed_in("staff").get(f"/api/desk/requests/{thai_request}/reply").json()
    assert data["language"] == "th"
    assert data["to"] == "c2@example.com"
    assert set(data["drafts"]) == {"reply_answer", "reply_need_info", "reply_done"}
    assert all("บริษัท สยาม จำกัด" in text for text in data["drafts"].values())


def test_a_resolving_reply_is_mailed_recorded_and_answers_the_request(
    gt: Goodterms, signed_in: Callable[[str], TestClient], thai_request: int, relay: Inbox
) -> None:
    http = signed_in("staff")
    text = "เรียน คุณบริษัท สยาม จำกัด\n\nแก้ไขใบแจ้งหนี้เรียบร้อยแล้ว\n\nขอแสดงความนับถือ"
    response = http.post(
        f"/desk/requests/{thai_request}/reply",
        data={"template": "reply_done", "text": text, "resolves": "true"},
        headers={**SAME_ORIGIN, **HTMX},
    )
    assert response.status_code == 200, response.text
    assert "<html" not in response.text
    assert "✓" in response.text
    assert _status(gt, thai_request) == "answered"
    with Session(gt.engine) as session:
        reply = session.scalars(select(m.Reply).where(m.Reply.request_id == thai_request)).one()
        outbox = session.scalars(select(m.Outbox).where(m.Outbox.kind == "reply")).one()
        assert reply.resolves
        assert reply.text == text
        assert outbox.sent_at is not None
    assert len(relay.messages) == 1
    mail = message_from_bytes(relay.messages[0], policy=default)
    assert mail["To"] == "c2@example.com"
    assert mail["In-Reply-To"] == "<r2@client.example>"
    assert "แก้ไขใบแจ้งหนี้" in str(mail["Subject"])
    assert "เรียบร้อยแล้ว" in mail.get_content()  # type: ignore[attr-defined]
    entries = signed_in("owner").get("/api/audit").json()["entries"]
    entry = next(e for e in entries if e["action"] == "desk.reply")
    assert entry["actor"] == "staff@biz.example"
    assert entry["detail"]["sent"] is True


def test_asking_for_more_information_keeps_the_request_waiting(
    gt: Goodterms, signed_in: Callable[[str], TestClient], relay: Inbox
) -> None:
    response = signed_in("staff").post(
        "/api/desk/requests/1/reply",
        data={
            "template": "reply_need_info",
            "text": "Could you send the invoice number?",
            "resolves": "false",
        },
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "waiting"
    assert _status(gt, 1) == "waiting"
    assert relay.messages
    with Session(gt.engine) as session:
        assert session.scalars(select(m.Reply.resolves)).one() is False


@pytest.mark.parametrize(
    "text", ["As we already told you, the layout is fixed.", "Duplicate tickets will not speed things up."]
)
def test_a_scolding_reply_is_refused_and_nothing_is_stored(
    gt: Goodterms, signed_in: Callable[[str], TestClient], text: str
) -> None:
    http = signed_in("staff")
    response = http.post("/api/desk/requests/1/reply", data={"text": text}, headers=SAME_ORIGIN)
    assert response.status_code == 422
    assert "scolds" in response.json()["detail"]
    fragment = http.post("/desk/requests/1/reply", data={"text": text}, headers={**SAME_ORIGIN, **HTMX})
    assert fragment.status_code == 422
    assert "<html" not in fragment.text
    assert 'id="reply-error"' in fragment.text
    assert f"{text}</textarea>" in fragment.text  # the draft is kept for rephrasing
    assert _count(gt, m.Reply) == 0
    assert _count(gt, m.Outbox) == 0
    assert _status(gt, 1) == "open"


def test_unreachable_relay_keeps_the_reply_queued(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    response = signed_in("staff").post(
        "/api/desk/requests/1/reply", data={"text": "The layout is fixed."}, headers=SAME_ORIGIN
    )
    assert response.status_code == 200
    assert response.json()["sent"] is False
    assert "relay" in response.json()["error"]
    with Session(gt.engine) as session:
        assert session.scalars(select(m.Outbox.sent_at)).one() is None
    assert _status(gt, 1) == "answered"


def test_answered_and_unknown_requests_are_refused(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("staff")
    assert http.get("/desk/requests/999/reply").status_code == 404
    assert (
        http.post("/api/desk/requests/999/reply", data={"text": "Hi"}, headers=SAME_ORIGIN).status_code == 404
    )
    assert (
        http.post("/api/desk/requests/1/reply", data={"text": "Done."}, headers=SAME_ORIGIN).status_code
        == 200
    )
    again = http.post("/api/desk/requests/1/reply", data={"text": "Done again."}, headers=SAME_ORIGIN)
    assert again.status_code == 409  # answered meanwhile: a conflict, not bad input
    assert _count(gt, m.Reply) == 1


def test_a_saved_reply_override_prefills_the_form(
    signed_in: Callable[[str], TestClient], thai_request: int
) -> None:
    owner = signed_in("owner")
    text = "สวัสดีค่ะ คุณ{{ client_name }} เรื่อง {{ subject }} เสร็จแล้วค่ะ"
    saved = owner.post(
        "/api/settings/templates",
        data={"family": "desk", "template": "reply_done", "lang": "th", "text": text},
        headers=SAME_ORIGIN,
    )
    assert saved.status_code == 200, saved.text
    drafts = owner.get(f"/api/desk/requests/{thai_request}/reply").json()["drafts"]
    assert drafts["reply_done"] == "สวัสดีค่ะ คุณบริษัท สยาม จำกัด เรื่อง แก้ไขใบแจ้งหนี้ เสร็จแล้วค่ะ"


def test_ctrl_enter_sends_the_form_the_cursor_is_in() -> None:
    from importlib import resources

    script = resources.files("goodterms.web").joinpath("static", "app.js").read_text(encoding="utf-8")
    assert 'e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.form' in script
    assert "requestSubmit()" in script
    assert (
        "status === 422" in script and "status === 409" in script
    )  # refused forms show their errors instead of vanishing


def test_a_reply_re_assesses_its_client_at_once(
    signed_in: Callable[[str], TestClient], relay: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    refreshed: list[str] = []
    monkeypatch.setattr(StoredAssessments, "refresh_client", lambda self, ref: refreshed.append(ref))
    response = signed_in("staff").post(
        "/api/desk/requests/1/reply", data={"text": "The layout is fixed."}, headers=SAME_ORIGIN
    )
    assert response.status_code == 200, response.text
    assert response.json()["client"] == "c1"
    assert refreshed == ["c1"]  # how long c1 waited for this answer counts in its health now, not in 5 min
