"""Generate a realistic, seeded demo portfolio as ledger events (deterministic for a seed).

Twelve months of a small transcription and social-media firm in Bangkok with clients writing in
Thai, Estonian and English: mostly healthy clients, plus one client for each difficult pattern in
PRODUCT.md and one client we kept waiting (who must not be called difficult for chasing us).
"""

from __future__ import annotations

import random
from datetime import timedelta

from goodterms.demo import text as t
from goodterms.demo.base import (
    DEMO_END,
    PATTERNS,
    Event,
    _business,
    _Client,
    _client_event,
    _healthy,
    _invoices,
    _staff,
)
from goodterms.demo.stories import _pattern


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


def patterns_by_client(*, clients: int = 44) -> dict[str, str | None]:
    """Say which story each demo client was generated from (the same for every seed)."""
    return {f"c{i + 1:03d}": (PATTERNS[i] if i < len(PATTERNS) else None) for i in range(clients)}


__all__ = ["DEMO_END", "PATTERNS", "generate", "patterns_by_client"]
