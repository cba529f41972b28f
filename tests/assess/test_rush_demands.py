from __future__ import annotations

from sqlalchemy import Engine

from goodterms.assess.config import AssessSettings
from goodterms.settings import Settings
from tests.assess.builder import assert_healthy_clean, codes, flag, healthy, portfolio, run, t


def rushes(cid: str, kind: str = "general") -> list[dict[str, object]]:
    """Six requests on Friday 16:00 due Monday 12:00: 68 hours away but only 4 business hours."""
    return [
        {"type": "request", "id": f"{cid}-rush{w}", "client": cid, "at": t(7 * w + 4, 6), "kind": kind,
         "deadline": t(7 * w + 7, 2)}
        for w in range(6)
    ]  # fmt: skip


def test_weekend_deadlines_shorter_than_turnaround_are_rush_demands(engine: Engine) -> None:
    result = run(engine, portfolio(*healthy("hurry"), *rushes("hurry")))
    assert_healthy_clean(result)
    found = flag(result, "hurry", "rush_demands")
    assert (found.measures["rushes"], found.measures["requests"]) == (6, 12)
    assert found.measures["rush_share"] == 0.5
    assert found.severity == "medium"
    assert sorted(e.id for e in found.evidence) == [f"hurry-rush{w}" for w in range(6)]


def test_a_short_deadline_is_no_rush_for_work_with_a_short_normal_turnaround(engine: Engine) -> None:
    settings = Settings(assess=AssessSettings(turnaround_hours={"proofread": 3.0}))
    result = run(engine, portfolio(*healthy("quick"), *rushes("quick", "proofread")), settings=settings)
    assert "rush_demands" not in codes(result, "quick")
