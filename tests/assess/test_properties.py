"""Invariants of the assessment over generated portfolios (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from goodterms.assess.service import AssessResult
from tests.assess.builder import AS_OF, invoice, one, portfolio, reset, run, t
from tests.factories import client

REFS = ("client", "request", "invoice", "ask", "delivery", "staff")
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

profiles = st.fixed_dictionaries(
    {
        "nights": st.integers(0, 15),
        "hostile": st.integers(0, 8),
        "asks": st.integers(0, 4),
        "calls": st.integers(0, 30),
        "unbilled": st.integers(0, 20),
        "late": st.lists(st.integers(0, 30), max_size=5),
    }
)


def problem(p: dict[str, Any]) -> list[dict[str, Any]]:
    """A client with some amount of each kind of trouble.

    Every such client has a baseline of ten paid hours, so the minimum-data gates (``min_hours``) are
    already passed: opening a gate is new knowledge, not a change in the client.
    """
    cid = "p"
    events: list[dict[str, Any]] = [client(cid, name="Problem Client")]
    events += [{"type": "work", "id": "p-base", "client": cid, "at": t(1), "minutes": 600}]
    events += invoice(cid, 50, amount="8000.00", due_day=20, paid_day=19)
    events += [
        {"type": "contact", "id": f"p-n{n}", "client": cid, "at": t(3 * n, 13), "channel": "email",
         "direction": "inbound", "tone": "hostile" if n < p["hostile"] else "neutral"}
        for n in range(max(p["nights"], p["hostile"]))
    ]  # fmt: skip
    events += [
        {"type": "contact", "id": f"p-c{n}", "client": cid, "at": t(2 * n, 1), "channel": "call",
         "direction": "inbound", "duration_s": 900, "answered": n % 4 != 0}
        for n in range(p["calls"])
    ]  # fmt: skip
    events += [
        {"type": "concession", "id": f"p-k{n}", "client": cid, "at": t(10 * n + 1), "kind": "discount",
         "granted": n == 0, "value": "500.00" if n == 0 else "0.00"}
        for n in range(p["asks"])
    ]  # fmt: skip
    events += [
        {"type": "work", "id": f"p-w{n}", "client": cid, "at": t(3 * n, 2), "minutes": 90, "billable": n % 3 != 0}
        for n in range(p["unbilled"])
    ]  # fmt: skip
    for n, days in enumerate(p["late"]):
        events += invoice(cid, n, amount="2000.00", due_day=14 * n + 7, paid_day=14 * n + 7 + days)
    return events


def summary(result: AssessResult, rename: dict[str, str] | None = None) -> dict[str, Any]:
    """Return what must not change: per client health, verdict, flag severities and measures."""
    back = {v: k for k, v in (rename or {}).items()}
    return {
        back.get(c.id, c.id): (c.health, c.verdict, {f.code: (f.severity, dict(f.measures)) for f in c.flags})
        for c in result.clients
    }


@SLOW
@given(profile=profiles)
def test_adding_healthy_activity_never_lowers_health(engine: Engine, profile: dict[str, Any]) -> None:
    reset(engine)
    before = one(run(engine, portfolio(*problem(profile)), trend=False), "p").health
    paid = invoice("p", 90, amount="7200.00", due_day=40, paid_day=39)
    work = [{"type": "work", "id": "p-extra", "client": "p", "at": t(30), "minutes": 540}]
    after = one(run(engine, paid + work, trend=False), "p").health
    assert after >= before


def shift(event: dict[str, Any], weeks: int) -> dict[str, Any]:
    out = dict(event)
    for key in ("at", "deadline", "promised_at"):
        if isinstance(out.get(key), str):
            out[key] = (datetime.fromisoformat(out[key]) + timedelta(weeks=weeks)).isoformat()
    for key in ("issued", "due"):
        if isinstance(out.get(key), str):
            out[key] = (date.fromisoformat(out[key]) + timedelta(weeks=weeks)).isoformat()
    return out


@SLOW
@given(profile=profiles, weeks=st.integers(-60, 60))
def test_shifting_every_time_by_whole_weeks_changes_nothing(
    engine: Engine, profile: dict[str, Any], weeks: int
) -> None:
    reset(engine)
    events = portfolio(*problem(profile))
    base = summary(run(engine, events, trend=False))
    reset(engine)
    moved = run(engine, [shift(e, weeks) for e in events], as_of=AS_OF + timedelta(weeks=weeks), trend=False)
    assert summary(moved) == base


@SLOW
@given(profile=profiles, prefix=st.text("abcxyz019-_", min_size=1, max_size=6))
def test_renaming_every_id_changes_nothing(engine: Engine, profile: dict[str, Any], prefix: str) -> None:
    reset(engine)
    events = [
        e if e["type"] != "client" else {**e, "name": f"Name {e['id']}"} for e in portfolio(*problem(profile))
    ]
    base = summary(run(engine, events, trend=False))
    reset(engine)
    renamed = [
        {**e, "id": f"{prefix}{e['id'][::-1]}", **{k: f"{prefix}{e[k][::-1]}" for k in REFS if k in e}}
        for e in events
    ]
    mapping = {e["id"]: f"{prefix}{e['id'][::-1]}" for e in events if e["type"] == "client"}
    assert summary(run(engine, renamed, trend=False), mapping) == base
