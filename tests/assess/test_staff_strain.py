from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from tests.assess.builder import assert_healthy_clean, codes, flag, healthy, one, portfolio, run, t
from tests.factories import BKK


def _call(cid: str, n: int, when: str, **kw: object) -> dict[str, object]:
    return {"type": "contact", "id": f"{cid}-x{n}", "client": cid, "at": when, "channel": "call",
            "direction": "inbound", **kw}  # fmt: skip


def test_the_aggressive_medical_client_strains_staff(engine: Engine) -> None:
    calls = [_call("agg", n, t(2 * n, 1.5), duration_s=1200, problem="wants it faster") for n in range(40)]
    missed = [_call("agg", 100 + n, t(5 * n, 2.5), answered=False) for n in range(15)]
    notes = [
        {"type": "note", "id": f"agg-n{n}", "client": "agg", "at": t(20 * n + 1), "text": "rude again",
         "feeling": -2}
        for n in range(3)
    ]  # fmt: skip
    result = run(engine, portfolio(*healthy("agg"), *calls, *missed, *notes))
    assert_healthy_clean(result)
    found = flag(result, "agg", "staff_strain")
    # Hand count: 40 calls of 20 minutes taken (all long); those on days 2n that fall on a Saturday or
    # Sunday (T0 is a Monday) were taken outside office hours; 15 of his 55 calls (plus 12 healthy
    # weekly ones) were missed.
    weekend = sum(1 for n in range(40) if (2 * n) % 7 in (5, 6))
    assert found.measures["long_calls"] == 40
    assert found.measures["late_calls_taken"] == weekend
    assert found.measures["strained_calls"] == 40
    assert (found.measures["missed_calls"], found.measures["negative_notes"]) == (15, 3)
    assert found.measures["inbound_calls"] == 12 + 40 + 15
    assert found.severity == "high"
    assert {e.type for e in found.evidence} == {"contact", "note"}
    # Every count is cited: 40 hard calls + 15 missed calls + 3 notes.
    assert found.measures["evidence_total"] == 40 + 15 + 3
    # Health lost mostly through behaviour: boundaries first (hostility or a money flag would go further).
    assert one(result, "agg").verdict in ("set_boundaries", "renegotiate", "let_go")


def test_two_negative_notes_alone_are_a_low_warning_sign(engine: Engine) -> None:
    notes = [
        {"type": "note", "id": f"me-n{n}", "client": "me", "at": t(n + 1), "text": "dreading this call",
         "feeling": -1}
        for n in range(2)
    ]  # fmt: skip
    assert codes(run(engine, portfolio(*healthy("me"), *notes)), "me") == {"staff_strain": "low"}


def test_many_short_calls_in_office_hours_are_volume_not_strain(engine: Engine) -> None:
    # Three calls of ten minutes a day in office hours: a lot of contact (over_contact's business),
    # but no call was long, late or hostile, none was avoided, no staff note: no staff strain.
    weekday = [7 * (d // 5) + d % 5 for d in range(20)]  # T0 is a Monday: Monday to Friday only
    calls = [_call("vol", n, t(weekday[n // 3], 1 + n % 3), duration_s=600) for n in range(60)]
    found = codes(run(engine, portfolio(*healthy("vol"), *calls)), "vol")
    assert "staff_strain" not in found


def test_long_late_and_hostile_calls_taken_are_strain_and_are_each_cited(engine: Engine) -> None:
    # 23:00 Bangkok on weekdays: five long calls taken late at night (hard, and late: twice each), three
    # short late calls (after_hours' business, not strain); four short calls in office hours marked rude.
    def night(n: int) -> str:
        return datetime(2026, 3, 2 + 7 * (n // 5) + n % 5, 23, 0, tzinfo=BKK).isoformat()

    late = [_call("night", n, night(n), duration_s=1500) for n in range(5)]
    short = [_call("night", 20 + n, night(n), duration_s=120) for n in range(3)]
    rude = [_call("night", 50 + n, t(7 * n + 1, 2), duration_s=300, tone="hostile") for n in range(4)]
    result = run(engine, portfolio(*healthy("night"), *late, *short, *rude))
    found = flag(result, "night", "staff_strain")
    assert found.measures["long_calls"] == 5
    assert found.measures["late_calls_taken"] == 5
    assert found.measures["hostile_calls_taken"] == 4
    assert found.measures["strained_calls"] == 9
    assert found.measures["strain_points"] == 14
    assert found.severity == "medium"  # 14 points: medium from 8, high from 15
    cited = {e.id for e in found.evidence}
    assert cited == {f"night-x{n}" for n in range(5)} | {f"night-x{50 + n}" for n in range(4)}
    assert found.measures["evidence_total"] == 9
