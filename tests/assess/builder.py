"""Build assessment scenarios in code: a portfolio of healthy clients plus the story under test.

Times are in Bangkok (the business's zone, Mon-Fri 09:00-17:00). ``T0`` is Monday 2 March 2026,
10:00; healthy clients are active for 12 weeks, so their first and last records are 11 weeks apart,
and ``AS_OF`` is Monday 25 May 2026, 09:00.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete

from goodterms.app import Goodterms
from goodterms.assess.service import AssessResult, ClientResult, assess
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from goodterms.settings import Settings
from tests.factories import BKK, T0, business, client

AS_OF = datetime(2026, 5, 25, 9, 0, tzinfo=BKK)
WEEKS = 12
HEALTHY = ("h1", "h2", "h3", "h4")

Event = dict[str, Any]


def t(days: float = 0, hours: float = 0) -> str:
    """Return T0 plus some days and hours, as ISO text."""
    return (T0 + timedelta(days=days, hours=hours)).isoformat()


def healthy(cid: str, *, weeks: int = WEEKS) -> list[Event]:
    """Return a well-behaved client: one polite e-mail and one short call a week, paid on time."""
    events: list[Event] = [client(cid)]
    for w in range(weeks):
        day = 7 * w
        events += [
            {
                "type": "contact",
                "id": f"{cid}-e{w}",
                "client": cid,
                "at": t(day),
                "channel": "email",
                "direction": "inbound",
                "tone": "polite",
            },
            {
                "type": "contact",
                "id": f"{cid}-c{w}",
                "client": cid,
                "at": t(day, 1),
                "channel": "call",
                "direction": "inbound",
                "duration_s": 600,
            },
            {"type": "work", "id": f"{cid}-w{w}", "client": cid, "at": t(day, 2), "minutes": 120},
        ]
        if w % 2 == 0:
            events += [
                {
                    "type": "request",
                    "id": f"{cid}-r{w}",
                    "client": cid,
                    "at": t(day),
                    "subject": "work",
                    "deadline": t(day + 7),
                },
                {"type": "reply", "id": f"{cid}-rp{w}", "request": f"{cid}-r{w}", "at": t(day, 1)},
                {"type": "delivery", "id": f"{cid}-d{w}", "client": cid, "at": t(day + 3), "title": "done"},
                {
                    "type": "approval_ask",
                    "id": f"{cid}-a{w}",
                    "client": cid,
                    "at": t(day + 3),
                    "kind": "approval",
                    "delivery": f"{cid}-d{w}",
                },
                {
                    "type": "approval_answer",
                    "id": f"{cid}-aa{w}",
                    "ask": f"{cid}-a{w}",
                    "at": t(day + 4),
                    "outcome": "approved",
                },
            ]
    for n in range(weeks // 4):
        events += invoice(cid, n, amount="7200.00", due_day=28 * n + 14, paid_day=28 * n + 12)
    return events


def invoice(cid: str, n: int, *, amount: str, due_day: int, paid_day: float | None) -> list[Event]:
    """Return an invoice issued 14 days before it is due, and its payment if any."""
    due = (T0 + timedelta(days=due_day)).date()
    events: list[Event] = [
        {
            "type": "invoice",
            "id": f"{cid}-i{n}",
            "client": cid,
            "number": f"{cid}-{n}",
            "issued": (due - timedelta(days=14)).isoformat(),
            "due": due.isoformat(),
            "amount": amount,
            "currency": "THB",
        }
    ]
    if paid_day is not None:
        events.append(
            {
                "type": "payment",
                "id": f"{cid}-p{n}",
                "invoice": f"{cid}-i{n}",
                "at": t(paid_day),
                "amount": amount,
            }
        )
    return events


def portfolio(*extra: Event, biz: Event | None = None) -> list[Event]:
    """Return the business, the healthy clients and ``extra`` events."""
    events: list[Event] = [biz or business()]
    for cid in HEALTHY:
        events += healthy(cid)
    return events + list(extra)


def run(
    engine: Engine,
    events: list[Event],
    *,
    as_of: datetime = AS_OF,
    settings: Settings | None = None,
    **kw: Any,
) -> AssessResult:
    """Import events into the test's database and assess as of ``as_of``."""
    import_event_dicts(engine, events)
    return assess(app=Goodterms(settings or Settings(), engine), as_of=as_of, **kw)


def without(events: list[Event], *types: str) -> list[Event]:
    """Return events minus those of some types."""
    return [e for e in events if e["type"] not in types]


def flag(result: AssessResult, cid: str, code: str) -> Any:
    """Return one client's finding of one code."""
    return next(f for f in one(result, cid).flags if f.code == code)


def one(result: AssessResult, cid: str) -> ClientResult:
    """Return one client's result."""
    return next(c for c in result.clients if c.id == cid)


def codes(result: AssessResult, cid: str) -> dict[str, str]:
    """Return a client's flags as code -> severity."""
    return {f.code: f.severity for f in one(result, cid).flags}


def assert_healthy_clean(result: AssessResult) -> None:
    """Check that the healthy control clients got no flags at all."""
    for cid in HEALTHY:
        assert codes(result, cid) == {}, cid
        assert one(result, cid).verdict == "keep"


def reset(engine: Engine) -> None:
    """Empty the ledger (for property tests that reuse one database)."""
    with engine.begin() as conn:
        conn.execute(delete(m.Blob))
        for model in reversed(m.IMPORT_ORDER):
            conn.execute(delete(model))
        conn.execute(delete(m.RecordChange))
        conn.execute(delete(m.ImportRun))
