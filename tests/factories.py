"""Build ledger events in code: small functions with sensible defaults for tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

BKK = ZoneInfo("Asia/Bangkok")
TLL = ZoneInfo("Europe/Tallinn")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BKK)  # a Monday, 10:00 in Bangkok


def business(**kw: Any) -> dict[str, Any]:
    return {
        "type": "business",
        "id": "biz",
        "name": "Siam Scribe Co.",
        "timezone": "Asia/Bangkok",
        "currency": "THB",
        "email": "desk@siamscribe.example",
        "target_hourly_rate": "800.00",
        **kw,
    }


def client(cid: str = "c1", **kw: Any) -> dict[str, Any]:
    return {
        "type": "client",
        "id": cid,
        "name": f"Client {cid}",
        "language": "en",
        "timezone": "Asia/Bangkok",
        "currency": "THB",
        "emails": [f"{cid}@example.com"],
        "rate": "900.00",
        **kw,
    }


def at(days: float = 0, hours: float = 0, base: datetime = T0) -> str:
    return (base + timedelta(days=days, hours=hours)).isoformat()


def contact(cid: str, n: int, when: str, **kw: Any) -> dict[str, Any]:
    return {
        "type": "contact",
        "id": f"{cid}-k{n}",
        "client": cid,
        "at": when,
        "channel": "email",
        "direction": "inbound",
        **kw,
    }
