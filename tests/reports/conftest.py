"""A Thai client with contacts, deliveries, invoices, asks and accounts, for the parting packet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from goodterms.app import Goodterms
from goodterms.ledger.importing import import_event_dicts
from tests.factories import at, business, client, contact

THAI_WORDS = "ทำไมงานยังไม่เสร็จอีก ช่วยส่งไฟล์ถอดความให้ด่วนที่สุด"


def history() -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [
        business(hours={d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}),
        client("c1", name="บริษัท สมชาย การแพทย์", language="th", started="2026-01-05"),
        {"type": "staff", "id": "s1", "name": "Nok"},
        {"type": "request", "id": "r1", "client": "c1", "at": at(0), "subject": "ถอดความเทป 12"},
        {"type": "reply", "id": "rp1", "request": "r1", "at": at(0, 3), "staff": "s1"},
    ]
    events.append(
        contact("c1", 1, at(0), text=THAI_WORDS, tone="frustrated", request="r1", problem="งานล่าช้า")
    )
    events.append(contact("c1", 2, at(0, 3), direction="outbound", staff="s1", response="ส่งไฟล์แล้ว"))
    events.append(contact("c1", 3, at(1, 13), channel="call", duration_s=600, text="โทรดึก", tone="hostile"))
    for n in range(4, 40):
        events.append(contact("c1", n, at(n, 1), channel="sms", text=f"ข้อความที่ {n}"))
    events += [
        {"type": "delivery", "id": "d1", "client": "c1", "at": at(2), "title": "ถอดความเทป 12", "hours": "3.50"},
        {"type": "delivery", "id": "d2", "client": "c1", "at": at(40), "title": "รายงานแพทย์ ชุดที่ 2", "hours": "6.25"},
        {"type": "delivery", "id": "d3", "client": "c1", "at": at(70), "title": "Dictation batch 3", "hours": "2.00"},
        {"type": "approval_ask", "id": "a1", "client": "c1", "at": at(3), "kind": "approval", "subject": "แบบฟอร์ม"},
        {"type": "approval_answer", "id": "aa1", "ask": "a1", "at": at(8), "outcome": "approved"},
        {
            "type": "invoice", "id": "i1", "client": "c1", "number": "INV-001",
            "issued": "2026-03-01", "due": "2026-03-15", "amount": "5000.00", "currency": "THB",
        },
        {"type": "payment", "id": "p1", "invoice": "i1", "at": "2026-03-25T10:00:00+07:00", "amount": "5000.00"},
        {
            "type": "invoice", "id": "i2", "client": "c1", "number": "INV-002",
            "issued": "2026-04-01", "due": "2026-04-15", "amount": "7250.50", "currency": "THB",
        },
        {"type": "payment", "id": "p2", "invoice": "i2", "at": "2026-04-20T10:00:00+07:00", "amount": "2000.00"},
        {"type": "account", "id": "acc1", "client": "c1", "service": "Facebook Page", "handle": "somchai.med"},
        {"type": "account", "id": "acc2", "client": "c1", "service": "Google Drive", "handle": "scribe@somchai.example", "access": "editor"},
    ]  # fmt: skip
    return events


@pytest.fixture
def gt(db_url: str, tmp_path: Path) -> Iterator[Goodterms]:
    """The application on this test's database, holding the client's history."""
    app = Goodterms.open(db_url, str(tmp_path / "goodterms.toml"))
    result = import_event_dicts(app.engine, history())
    assert not getattr(result, "problems", None), result
    yield app
    app.engine.dispose()
