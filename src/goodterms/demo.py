"""Generate a realistic, seeded demo portfolio as ledger events (deterministic for a seed).

Twelve months of a small transcription and social-media firm in Bangkok with clients writing in
Thai, Estonian and English: mostly healthy clients, plus one client for each difficult pattern in
PRODUCT.md and one client we kept waiting (who must not be called difficult for chasing us).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from goodterms import demo_text as t

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
            "outcome": "delivered on time",
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


def _pattern(c: _Client, rng: random.Random) -> None:
    lang = c.lang
    days = _workdays(c.start, DEMO_END - timedelta(days=5), rng, every=9)
    if c.pattern == "over_communicator":
        _healthy(c, rng)
        for day in _workdays(c.start, DEMO_END, rng, every=1.5):
            for _ in range(rng.randint(2, 4)):
                hour = rng.choice((21.5, 22.5, 23.25, 0.5, 6.5, 19.0, 12.0))
                channel = rng.choice(("call", "sms", "voicemail", "email"))
                _contact(
                    c,
                    _at(day, hour),
                    rng.choice(t.LATE_NIGHT[lang]),
                    channel=channel,
                    duration_s=rng.randint(60, 600) if channel == "call" else 0,
                )
    elif c.pattern == "rush":
        for day in days:
            _request_cycle(
                c,
                day,
                rng,
                hour=rng.uniform(10, 16),
                text=rng.choice(t.RUSH[lang]),
                reply_after=0.5,
                deadline_hours=rng.choice((2, 4, 16)),
            )
    elif c.pattern == "freebies":
        for day in days[::4]:
            _request_cycle(c, day, rng, hour=11, text=rng.choice(t.REQUESTS[lang]), reply_after=1)
        first = c.start + timedelta(days=3)
        _contact(c, _at(first, 10), t.DISCOUNT[lang][0])
        c.events.append(
            {
                "type": "concession",
                "id": c.next_id("c"),
                "client": c.cid,
                "at": _at(first, 10),
                "kind": "discount",
                "asked": True,
                "granted": False,
            }
        )
        _contact(c, _at(first + timedelta(days=2), 11), t.DISCOUNT[lang][1])
        c.events.append(
            {
                "type": "concession",
                "id": c.next_id("c"),
                "client": c.cid,
                "at": _at(first + timedelta(days=2), 11),
                "kind": "free_trial",
                "asked": True,
                "granted": True,
                "value": "4500.00" if lang == "th" else "200.00",
            }
        )
        for months in (3, 6, 9):
            when = first + timedelta(days=30 * months)
            if when < DEMO_END:
                _contact(
                    c,
                    _at(when, 14),
                    t.DISCOUNT[lang][2 % len(t.DISCOUNT[lang])],
                    channel="call",
                    duration_s=600,
                )
                c.events.append(
                    {
                        "type": "concession",
                        "id": c.next_id("c"),
                        "client": c.cid,
                        "at": _at(when, 14),
                        "kind": "discount",
                        "asked": True,
                        "granted": months == 3,
                        "value": "1000.00" if months == 3 else "0.00",
                    }
                )
    elif c.pattern == "aggressive":
        _healthy(c, rng)
        for day in _workdays(c.start, DEMO_END, rng, every=2):
            _contact(
                c,
                _at(day, rng.uniform(9, 17)),
                rng.choice(t.HOSTILE[lang]),
                channel="call",
                duration_s=rng.randint(300, 1500),
                answered=rng.random() > 0.35,
                staff="s-nok",
            )
            c.events.append(
                {
                    "type": "work",
                    "id": c.next_id("w"),
                    "client": c.cid,
                    "at": _at(day, 17.5),
                    "minutes": rng.randint(20, 45),
                    "billable": False,
                    "staff": "s-nok",
                    "note": "handling calls",
                }
            )
        for i, (text, feeling) in enumerate(t.STAFF_NOTES):
            c.events.append(
                {
                    "type": "note",
                    "id": c.next_id("n"),
                    "client": c.cid,
                    "at": _at(DEMO_END - timedelta(days=90 - 30 * i), 17),
                    "text": text,
                    "feeling": feeling,
                    "staff": "s-nok",
                }
            )
    elif c.pattern == "kept_waiting":
        for day in days:
            slow = rng.random() < 0.6
            _request_cycle(
                c,
                day,
                rng,
                hour=rng.uniform(9.5, 15),
                text=rng.choice(t.REQUESTS[lang]),
                reply_after=rng.uniform(20, 60) if slow else 1.5,
                chase=slow,
            )
    elif c.pattern == "unresponsive":
        _healthy(c, rng)
        for i, day in enumerate(days[::2]):
            aid = c.next_id("a")
            c.events.append(
                {
                    "type": "approval_ask",
                    "id": aid,
                    "client": c.cid,
                    "at": _at(day, 10),
                    "kind": rng.choice(("approval", "feedback", "asset")),
                    "subject": rng.choice(t.ASK_SUBJECTS[lang]),
                }
            )
            if i % 4 == 3:
                c.events.append(
                    {
                        "type": "approval_answer",
                        "id": c.next_id("b"),
                        "ask": aid,
                        "at": _at(day + timedelta(days=rng.randint(12, 25)), 15),
                        "outcome": "answered",
                    }
                )
        for day in days[5::8]:
            _contact(c, _at(day, 15), t.IS_THAT_ALL[lang][0])
    elif c.pattern == "controlling":
        _healthy(c, rng)
        for delivery in [e for e in c.events if e["type"] == "delivery"]:
            rounds = rng.randint(4, 7)
            start = datetime.fromisoformat(delivery["at"])
            for r in range(1, rounds + 1):
                aid = c.next_id("a")
                asked = start + timedelta(hours=5 * r)
                c.events.append(
                    {
                        "type": "approval_ask",
                        "id": aid,
                        "client": c.cid,
                        "at": asked.isoformat(),
                        "kind": "approval",
                        "subject": delivery["title"],
                        "delivery": delivery["id"],
                        "round": r,
                    }
                )
                outcome = "approved" if r == rounds else "changes"
                c.events.append(
                    {
                        "type": "approval_answer",
                        "id": c.next_id("b"),
                        "ask": aid,
                        "at": (asked + timedelta(hours=2)).isoformat(),
                        "outcome": outcome,
                        "text": None if outcome == "approved" else rng.choice(t.NITPICK[lang]),
                    }
                )
    elif c.pattern in ("late_payer", "thin_margin"):
        _healthy(c, rng)
        if c.pattern == "thin_margin":
            for day in _workdays(c.start, DEMO_END, rng, every=3):
                c.events.append(
                    {
                        "type": "work",
                        "id": c.next_id("w"),
                        "client": c.cid,
                        "at": _at(day, 16),
                        "minutes": rng.randint(60, 150),
                        "billable": False,
                        "staff": "s-mari",
                        "note": "revisions outside the agreed scope",
                    }
                )


def generate(*, seed: int = 7, clients: int = 44) -> list[Event]:
    """Return the demo ledger as events in import order (parents first)."""
    rng = random.Random(seed)
    names = {lang: list(pool) for lang, pool in t.COMPANIES.items()}
    for pool in names.values():
        rng.shuffle(pool)
    langs = ("th", "et", "en")
    roster: list[_Client] = []
    for i in range(clients):
        lang = langs[i % 3]
        pattern = PATTERNS[i] if i < len(PATTERNS) else None
        start = DEMO_END - timedelta(days=rng.randint(300, 365))
        roster.append(_Client(cid=f"c{i + 1:03d}", lang=lang, pattern=pattern, start=start))
    events: list[Event] = [_business(), *_staff()]
    for c in roster:
        pool = names[c.lang]
        name = pool.pop() if pool else f"{t.COMPANIES[c.lang][0]} {c.cid}"
        c.events.append(_client_event(c, name, rng))
        if c.pattern is None:
            _healthy(c, rng)
        else:
            _pattern(c, rng)
        if c.pattern == "late_payer":
            _invoices(c, rng, lambda cycle: 0 if cycle == 0 else 3 + 5 * cycle)
        else:
            _invoices(c, rng, lambda cycle: rng.choice((-3, -1, 0, 0, 2)))
        c.events.append(
            {
                "type": "account",
                "id": c.next_id("x"),
                "client": c.cid,
                "service": "Google Drive",
                "handle": f"shared/{c.cid}",
                "access": "editor",
            }
        )
        if c.pattern in ("unresponsive", "controlling"):
            c.events.append(
                {
                    "type": "account",
                    "id": c.next_id("x"),
                    "client": c.cid,
                    "service": "Facebook Page",
                    "handle": f"@{c.cid}page",
                    "access": "admin",
                }
            )
        events.extend(sorted(c.events, key=_order_key))
    return events


_TYPE_ORDER = {
    k: i
    for i, k in enumerate(
        (
            "client",
            "request",
            "contact",
            "reply",
            "delivery",
            "approval_ask",
            "approval_answer",
            "invoice",
            "payment",
            "concession",
            "work",
            "note",
            "account",
        )
    )
}


def _order_key(event: Event) -> tuple[int, str]:
    when = event.get("at") or event.get("issued") or "0"
    if event["type"] == "client":
        return (0, "")
    return (1 + _TYPE_ORDER[event["type"]], str(when))


def patterns_by_client(*, seed: int = 7, clients: int = 44) -> dict[str, str | None]:
    """Say which story each demo client was generated from (for checks and docs)."""
    del seed
    return {f"c{i + 1:03d}": (PATTERNS[i] if i < len(PATTERNS) else None) for i in range(clients)}


__all__ = ["DEMO_END", "PATTERNS", "UTC", "generate", "patterns_by_client"]
