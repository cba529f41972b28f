"""One generator per difficult-client story in PRODUCT.md."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from goodterms.demo import text as t
from goodterms.demo.base import DEMO_END, _at, _Client, _contact, _healthy, _request_cycle, _workdays


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
