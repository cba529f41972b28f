"""The follow-up service end to end: plan, send through a real SMTP sink, pause and resume."""

from __future__ import annotations

import email
import email.policy
from datetime import date, datetime, time
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from goodterms.app import Goodterms
from goodterms.handling.followup import paused_note, plan, send, write_review
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from tests.handling.conftest import Sink

BKK = ZoneInfo("Asia/Bangkok")


def invoice(iid: str, due: date, amount: str = "10000.00", **kw: Any) -> dict[str, Any]:
    return {
        "type": "invoice",
        "id": iid,
        "client": "c1",
        "number": f"INV-{iid}",
        "issued": due.replace(day=1).isoformat(),
        "due": due.isoformat(),
        "amount": amount,
        "currency": "THB",
        **kw,
    }


def payment(pid: str, iid: str, on: date, amount: str = "10000.00") -> dict[str, Any]:
    at = datetime.combine(on, time(11), tzinfo=BKK).isoformat()
    return {"type": "payment", "id": pid, "invoice": iid, "at": at, "amount": amount}


def status(app: Goodterms) -> str:
    with app.sessions() as s:
        return s.scalars(select(m.Client.status).where(m.Client.ext_id == "c1")).one()


def run(app: Goodterms, day: date, port: int) -> list[str]:
    result = send(app=app, as_of=day, relay_host="127.0.0.1", relay_port=port)
    return [f"{day.isoformat()} sent={result.sent} manual={len(result.manual)}"]


def test_plan_shows_the_reminder_with_reason_records_and_recipient(gt: Goodterms) -> None:
    import_event_dicts(gt.engine, [invoice("1", date(2026, 3, 2))])
    assert plan(app=gt, as_of=date(2026, 3, 4), flags={}) == []
    [item] = plan(app=gt, as_of=date(2026, 3, 5), flags={})
    data = item.as_json()
    assert data["rule"] == "payment:reminder"
    assert data["to"] == "c1@example.com"
    assert data["records"][0]["id"] == "1"
    assert "INV-1" in data["reason"] and "10000.00 THB unpaid" in data["reason"]


def test_ladder_pauses_then_payment_resumes_and_every_mail_goes_out_once(
    gt: Goodterms, sink: tuple[Sink, int]
) -> None:
    handler, port = sink
    import_event_dicts(gt.engine, [invoice("1", date(2026, 3, 2))])
    send(app=gt, as_of=date(2026, 3, 5), relay_host="127.0.0.1", relay_port=port)
    assert [msg["Subject"] for msg in handler.messages] == ["แจ้งเตือนอย่างเป็นมิตรเกี่ยวกับใบแจ้งหนี้ INV-1"]
    again = send(app=gt, as_of=date(2026, 3, 5), relay_host="127.0.0.1", relay_port=port)
    assert (again.queued, again.sent) == (0, 0)
    assert len(handler.messages) == 1

    assert paused_note(app=gt, client="c1") is None
    send(app=gt, as_of=date(2026, 3, 12), relay_host="127.0.0.1", relay_port=port)
    assert status(gt) == "paused"
    note = paused_note(app=gt, client="c1")
    assert note is not None and "INV-1" in note and "เริ่มดำเนินการ" in note
    assert "พักงาน" in handler.messages[-1]["Subject"]

    call = send(app=gt, as_of=date(2026, 3, 19), relay_host="127.0.0.1", relay_port=port)
    assert call.sent == 0 and len(call.manual) == 1
    assert "+66 2 123 4567" in call.manual[0][1].body

    import_event_dicts(gt.engine, [payment("p1", "1", date(2026, 3, 20))])
    resumed = send(app=gt, as_of=date(2026, 3, 20), relay_host="127.0.0.1", relay_port=port)
    assert resumed.sent == 1
    assert status(gt) == "active"
    assert paused_note(app=gt, client="c1") is None
    assert "เริ่มงานต่อ" in handler.messages[-1]["Subject"]
    assert len(handler.messages) == 3
    with gt.sessions() as s:
        outbound = s.scalar(
            select(func.count()).select_from(m.Contact).where(m.Contact.direction == "outbound")
        )
        notices = s.scalars(select(m.FollowupNotice.rule).order_by(m.FollowupNotice.id)).all()
        changes = s.scalars(select(m.RecordChange.before).where(m.RecordChange.table_name == "clients")).all()
    assert outbound == 3  # the three e-mails, recorded in the ledger as outbound contacts
    assert notices == ["payment:reminder", "payment:pause", "payment:call", "resume"]
    assert [(c["status"], c["became"]) for c in changes] == [("active", "paused"), ("paused", "active")]


def test_paid_then_late_then_paid(gt: Goodterms, sink: tuple[Sink, int]) -> None:
    handler, port = sink
    import_event_dicts(
        gt.engine,
        [
            invoice("jan", date(2026, 1, 1)),
            payment("pj", "jan", date(2026, 1, 1)),
            invoice("feb", date(2026, 2, 1)),
            payment("pf", "feb", date(2026, 2, 20)),
        ],
    )
    timeline = []
    day = date(2026, 1, 1)
    while day <= date(2026, 2, 28):
        sent = send(app=gt, as_of=day, relay_host="127.0.0.1", relay_port=port)
        if sent.sent or sent.manual:
            timeline.append((day.isoformat(), status(gt)))
        day = date.fromordinal(day.toordinal() + 1)
    assert timeline == [
        ("2026-02-04", "active"),
        ("2026-02-11", "paused"),
        ("2026-02-18", "paused"),  # the phone call for a person
        ("2026-02-20", "active"),
    ]
    assert len(handler.messages) == 3


def test_disputed_invoice_gets_no_follow_up(gt: Goodterms) -> None:
    import_event_dicts(gt.engine, [invoice("1", date(2026, 3, 2), disputed=True)])
    assert plan(app=gt, as_of=date(2026, 4, 1), flags={}) == []


def test_to_dir_writes_eml_for_review_and_records_nothing(gt: Goodterms, tmp_path: Path) -> None:
    import_event_dicts(gt.engine, [invoice("1", date(2026, 3, 2))])
    result = write_review(app=gt, as_of=date(2026, 3, 5), directory=tmp_path / "review")
    [path] = result.written
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    assert msg["To"] == "c1@example.com"
    assert "ตกหล่น" in msg.get_content()
    assert len(plan(app=gt, as_of=date(2026, 3, 5), flags={})) == 1
    with gt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(m.Outbox)) == 0


def test_need_answer_goes_out_for_asks_waiting_on_the_client(gt: Goodterms, sink: tuple[Sink, int]) -> None:
    handler, port = sink
    asked = datetime(2026, 3, 2, 10, tzinfo=BKK).isoformat()
    import_event_dicts(
        gt.engine,
        [
            {
                "type": "approval_ask",
                "id": "a1",
                "client": "c1",
                "at": asked,
                "kind": "approval",
                "subject": "โพสต์ที่ 1",
            }
        ],
    )
    send(app=gt, as_of=date(2026, 3, 6), relay_host="127.0.0.1", relay_port=port)
    [msg] = handler.messages
    body = msg.get_content()
    assert "โพสต์ที่ 1" in body and "รอมาแล้ว 4 วัน" in body
    send(app=gt, as_of=date(2026, 3, 9), relay_host="127.0.0.1", relay_port=port)
    assert len(handler.messages) == 1


def test_boundaries_follow_assessment_flags(gt: Goodterms) -> None:
    items = plan(app=gt, as_of=date(2026, 3, 6), flags={"c1": frozenset({"after_hours"})})
    assert [i.notice.template for i in items] == ["boundaries_hours"]


def test_partly_paid_invoice_is_followed_up_for_what_is_still_open(gt: Goodterms) -> None:
    import_event_dicts(
        gt.engine, [invoice("1", date(2026, 3, 2)), payment("p1", "1", date(2026, 3, 3), amount="4000.00")]
    )
    [item] = plan(app=gt, as_of=date(2026, 3, 6), flags={})
    assert item.notice.facts["outstanding"] == Decimal("6000.00")
    assert "6000.00 THB unpaid" in item.notice.reason
    import_event_dicts(gt.engine, [payment("p2", "1", date(2026, 3, 4), amount="6000.00")])
    assert plan(app=gt, as_of=date(2026, 3, 6), flags={}) == []
