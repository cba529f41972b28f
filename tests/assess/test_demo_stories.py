"""The demo portfolio, assessed: each story in PRODUCT.md is recognised, and only where it belongs."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from goodterms.app import Goodterms
from goodterms.assess.service import assess
from goodterms.demo import DEMO_END, PATTERNS, generate, patterns_by_client
from goodterms.ledger.importing import import_event_dicts

EXPECTED = {
    "over_communicator": {"over_contact", "after_hours"},
    "rush": {"rush_demands"},
    "freebies": {"concession_pressure"},
    "aggressive": {"hostile_tone", "staff_strain"},
    "unresponsive": {"unresponsive"},
    "controlling": {"controlling"},
    "late_payer": {"late_payment_trend"},
    "thin_margin": {"thin_margin"},
}


def test_every_demo_story_is_flagged_and_the_client_we_kept_waiting_is_not(db_url: str) -> None:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    import_event_dicts(gt.engine, generate(seed=7))
    as_of = datetime.combine(DEMO_END + timedelta(days=1), time(0), tzinfo=UTC)
    result = assess(app=gt, as_of=as_of, trend=False).to_json()
    flags = {c["id"]: {f["code"] for f in c["flags"]} for c in result["clients"]}
    stories = patterns_by_client()
    assert set(EXPECTED) | {"kept_waiting"} == set(PATTERNS)
    for client, story in stories.items():
        if story in EXPECTED:
            assert EXPECTED[story] <= flags[client], (story, flags[client])
    waited = next(c for c, s in stories.items() if s == "kept_waiting")
    assert flags[waited] == set()
    assert any(f["code"] == "slow_response" and f["client"] == waited for f in result["business"]["findings"])
    # Every finding cites the records behind it, and its summary speaks in figures a person can believe.
    for found in [f for c in result["clients"] for f in c["flags"]] + result["business"]["findings"]:
        assert found["evidence"], (found["client"], found["code"])
        assert "∞" not in found["summary"], found["summary"]
    verdicts = {stories[c["id"]]: c["verdict"] for c in result["clients"] if stories.get(c["id"])}
    assert verdicts["over_communicator"] == "set_boundaries"  # boundaries first, not a new price
    healthy = [c for c, s in stories.items() if s is None]
    flagged_healthy = [c for c in healthy if flags[c]]
    assert len(flagged_healthy) <= len(healthy) // 10, flagged_healthy
