"""Building blocks of the demo ledger: clients, request cycles, invoices."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from goodterms.demo import text as t

#: The demo ends here; fixed so that a seed always gives the same ledger.
DEMO_END = date(2026, 11, 20)
BUSINESS_TZ = ZoneInfo("Asia/Bangkok")
CLIENT_TZ = {"th": "Asia/Bangkok", "et": "Europe/Tallinn", "en": "Europe/London"}
CURRENCY = {"th": "THB", "et": "EUR", "en": "GBP"}
RATE = {"th": Decimal("900.00"), "et": Decimal("45.00"), "en": Decimal("40.00")}

PATTERNS = (
    "over_communicator",
    "rush",
    "freebies",
    "aggressive",
    "kept_waiting",
    "unresponsive",
    "controlling",
    "late_payer",
    "thin_margin",
)

Event = dict[str, Any]


@dataclass
class _Client:
    cid: str
    lang: str
    pattern: str | None
    start: date
    events: list[Event] = field(default_factory=list)
    n: int = 0

    def next_id(self, kind: str) -> str:
        self.n += 1
        return f"{self.cid}-{kind}{self.n}"


def _at(day: date, hour: float, tz: ZoneInfo = BUSINESS_TZ) -> str:
    whole = int(hour)
    minute = round((hour - whole) * 60) % 60
    return datetime.combine(day, time(whole % 24, minute), tzinfo=tz).isoformat()


def _workdays(start: date, end: date, rng: random.Random, every: float) -> list[date]:
    """Business days between start and end, roughly one per ``every`` days."""
    days: list[date] = []
    current = start + timedelta(days=rng.randint(0, 4))
    while current < end:
        if current.weekday() < 5:
            days.append(current)
        current += timedelta(days=max(1, int(rng.expovariate(1 / every)) or 1))
    return days


def _business() -> Event:
    return {
        "type": "business",
        "id": "demo-business",
        "name": "Siam & Baltic Scribe Co.",
        "timezone": "Asia/Bangkok",
        "currency": "THB",
        "language": "th",
        "email": "desk@siambaltic.example",
        "hours": {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        "holidays": ["2026-04-13", "2026-04-14", "2026-04-15", "2026-12-31"],
        "target_hourly_rate": "900.00",
        "response_target_hours": "4",
        "exchange_rates": {"EUR": "38.50", "GBP": "44.00"},
    }


def _staff() -> list[Event]:
    return [
        {
            "type": "staff",
            "id": "s-nok",
            "name": "Nok Suwannarat",
            "email": "nok@siambaltic.example",
            "role": "desk",
        },
        {
            "type": "staff",
            "id": "s-mari",
            "name": "Mari Tamm",
            "email": "mari@siambaltic.example",
            "role": "editor",
        },
        {
            "type": "staff",
            "id": "s-james",
            "name": "James Reid",
            "email": "james@siambaltic.example",
            "role": "owner",
        },
    ]


def _client_event(c: _Client, name: str, rng: random.Random) -> Event:
    domain = f"client{c.cid[1:]}.example"
    rate = RATE[c.lang]
    if c.pattern in ("freebies", "thin_margin"):
        rate = (rate * Decimal("0.6")).quantize(Decimal("0.01"))
    return {
        "type": "client",
        "id": c.cid,
        "name": name,
        "language": c.lang,
        "timezone": CLIENT_TZ[c.lang],
        "currency": CURRENCY[c.lang],
        "emails": [f"office@{domain}"],
        "domains": [domain],
        "phones": [f"+{rng.choice(['66', '372', '44'])}{rng.randint(10_000_000, 99_999_999)}"],
        "rate": str(rate),
        "rate_unit": "hour",
        "billing": "monthly, due 14 days after the invoice",
        "payment_terms_days": 14,
        "started": c.start.isoformat(),
    }


def _request_cycle(
    c: _Client,
    day: date,
    rng: random.Random,
    *,
    hour: float,
    text: str,
    reply_after: float,
    deadline_hours: float | None = None,
    chase: bool = False,
) -> None:
    """A request, our reply, the delivery, the work log, and the client's thanks."""
    rid = c.next_id("r")
    asked = datetime.fromisoformat(_at(day, hour))
    request: Event = {
        "type": "request",
        "id": rid,
        "client": c.cid,
        "at": asked.isoformat(),
        "subject": text[:60],
        "text": text,
        "kind": "transcription",
        "status": "closed",
    }
    if deadline_hours is not None:
        request["deadline"] = (asked + timedelta(hours=deadline_hours)).isoformat()
    request["promised_at"] = (asked + timedelta(hours=4)).isoformat()
    c.events.append(request)
    c.events.append(
        {
            "type": "contact",
            "id": c.next_id("k"),
            "client": c.cid,
            "at": asked.isoformat(),
            "channel": "email",
            "direction": "inbound",
            "subject": text[:60],
            "text": text,
            "request": rid,
            "sender": f"office@client{c.cid[1:]}.example",
        }
    )
    replied = asked + timedelta(hours=reply_after)
    if chase:
        chased = asked + timedelta(hours=reply_after * 0.6)
        c.events.append(
            {
                "type": "contact",
                "id": c.next_id("k"),
                "client": c.cid,
                "at": chased.isoformat(),
                "channel": "email",
                "direction": "inbound",
                "request": rid,
                "text": rng.choice(t.CHASE[c.lang]),
            }
        )
    c.events.append(
        {
            "type": "reply",
            "id": c.next_id("y"),
            "request": rid,
            "at": replied.isoformat(),
            "staff": "s-nok",
            "text": rng.choice(t.REPLIES[c.lang]),
        }
    )
    c.events.append(
        {
            "type": "contact",
            "id": c.next_id("k"),
            "client": c.cid,
            "at": replied.isoformat(),
            "channel": "email",
            "direction": "outbound",
            "staff": "s-nok",
            "request": rid,
            "text": rng.choice(t.REPLIES[c.lang]),
        }
    )
    hours = Decimal(rng.choice(("1.00", "1.50", "2.00", "3.00", "4.00")))
    delivered = replied + timedelta(days=rng.randint(1, 4))
    c.events.append(
        {
            "type": "delivery",
            "id": c.next_id("d"),
            "client": c.cid,
            "request": rid,
            "at": delivered.isoformat(),
            "title": text[:60],
            "hours": str(hours),
            "outcome": t.DELIVERED_ON_TIME[c.lang],
        }
    )
    c.events.append(
        {
            "type": "work",
            "id": c.next_id("w"),
            "client": c.cid,
            "at": delivered.isoformat(),
            "minutes": int(hours * 60),
            "billable": True,
            "staff": "s-mari",
        }
    )
    if rng.random() < 0.5:
        c.events.append(
            {
                "type": "contact",
                "id": c.next_id("k"),
                "client": c.cid,
                "at": (delivered + timedelta(hours=2)).isoformat(),
                "channel": "email",
                "direction": "inbound",
                "text": rng.choice(t.THANKS[c.lang]),
            }
        )


def _invoices(c: _Client, rng: random.Random, lateness: Callable[[int], int]) -> None:
    month = date(c.start.year, c.start.month, 1)
    cycle = 0
    while True:
        month = (month + timedelta(days=32)).replace(day=1)
        if month > DEMO_END:
            return
        hours = sum(
            Decimal(e["hours"])
            for e in c.events
            if e["type"] == "delivery"
            and month - timedelta(days=31) <= date.fromisoformat(e["at"][:10]) < month
        )
        if hours == 0:
            continue
        rate = Decimal(next(e["rate"] for e in c.events if e["type"] == "client"))
        amount = (hours * rate).quantize(Decimal("0.01"))
        iid = c.next_id("i")
        due = month + timedelta(days=14)
        c.events.append(
            {
                "type": "invoice",
                "id": iid,
                "client": c.cid,
                "number": f"INV-{iid.upper()}",
                "issued": month.isoformat(),
                "due": due.isoformat(),
                "amount": str(amount),
                "currency": CURRENCY[c.lang],
            }
        )
        paid_on = due + timedelta(days=lateness(cycle))
        if paid_on <= DEMO_END:
            c.events.append(
                {
                    "type": "payment",
                    "id": c.next_id("p"),
                    "invoice": iid,
                    "at": _at(paid_on, 11),
                    "amount": str(amount),
                }
            )
        cycle += 1


def _healthy(c: _Client, rng: random.Random) -> None:
    for day in _workdays(c.start, DEMO_END - timedelta(days=5), rng, every=9):
        _request_cycle(
            c,
            day,
            rng,
            hour=rng.uniform(9.5, 16),
            text=rng.choice(t.REQUESTS[c.lang]),
            reply_after=rng.uniform(0.3, 2.5),
        )


def _contact(c: _Client, at: str, text: str | None, channel: str = "email", **extra: Any) -> None:
    c.events.append(
        {
            "type": "contact",
            "id": c.next_id("k"),
            "client": c.cid,
            "at": at,
            "channel": channel,
            "direction": "inbound",
            **({"text": text} if text else {}),
            **extra,
        }
    )
