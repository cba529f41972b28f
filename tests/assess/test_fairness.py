from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from goodterms.assess.fairness import is_chase
from tests.assess.builder import assert_healthy_clean, codes, healthy, one, portfolio, run, t
from tests.factories import BKK


def chasing(cid: str, *, linked: bool, answered_day: float | None) -> list[dict[str, object]]:
    """Five requests, each followed by eight follow-ups (at night too) two to nine days later."""
    events: list[dict[str, object]] = []
    for r in range(5):
        day = 14 * r + 1
        events.append(
            {"type": "request", "id": f"{cid}-q{r}", "client": cid, "at": t(day), "subject": "help"}
        )
        for n in range(8):
            events.append(
                {"type": "contact", "id": f"{cid}-f{r}-{n}", "client": cid, "at": t(day + 2 + n, 13),
                 "channel": "email", "direction": "inbound",
                 **({"request": f"{cid}-q{r}"} if linked else {})}
            )  # fmt: skip
        if answered_day is not None:
            events.append(
                {"type": "reply", "id": f"{cid}-a{r}", "request": f"{cid}-q{r}", "at": t(day + answered_day)}
            )
    return events


def test_a_client_we_kept_waiting_is_not_difficult_for_chasing_us(engine: Engine) -> None:
    result = run(engine, portfolio(*healthy("est"), *chasing("est", linked=True, answered_day=11)))
    assert_healthy_clean(result)
    assert "over_contact" not in codes(result, "est")
    assert "after_hours" not in codes(result, "est")
    assert one(result, "est").verdict == "keep"
    ours = [f for f in result.business if f.client == "est"]
    assert len(ours) == 1
    assert ours[0].code == "slow_response"
    assert ours[0].measures["late_requests"] == 5
    assert ours[0].measures["chases_by_client"] == 40
    assert ours[0].measures["unanswered_past_promise"] == 0
    assert {e.type for e in ours[0].evidence} == {"request", "contact"}


def test_the_same_contacts_not_chasing_anything_count_as_over_contact(engine: Engine) -> None:
    result = run(engine, portfolio(*healthy("loud"), *chasing("loud", linked=False, answered_day=11)))
    assert "over_contact" in codes(result, "loud")
    # We were still late, but the client did not chase: the finding on us counts no chases.
    (ours,) = [f for f in result.business if f.client == "loud"]
    assert ours.measures["chases_by_client"] == 0


def test_follow_ups_after_our_resolving_reply_are_the_clients_own_contacts(engine: Engine) -> None:
    result = run(engine, portfolio(*healthy("fast"), *chasing("fast", linked=True, answered_day=0.1)))
    assert "over_contact" in codes(result, "fast")
    assert [f for f in result.business if f.client == "fast"] == []


def test_is_chase_needs_a_contact_after_the_request_and_before_its_answer() -> None:
    filed = datetime(2026, 3, 2, 10, tzinfo=BKK)
    later = datetime(2026, 3, 3, 10, tzinfo=BKK)
    assert is_chase(later, filed, None)
    assert is_chase(later, filed, datetime(2026, 3, 4, tzinfo=BKK))
    assert not is_chase(later, filed, datetime(2026, 3, 2, 12, tzinfo=BKK))
    assert not is_chase(filed, filed, None)
