from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from tests.assess.builder import (
    HEALTHY,
    assert_healthy_clean,
    codes,
    flag,
    healthy,
    portfolio,
    run,
    t,
    without,
)
from tests.factories import business


def test_the_agency_client_who_never_answers_is_unresponsive(engine: Engine) -> None:
    slow = [
        {**e, "at": (datetime.fromisoformat(str(e["at"])) + timedelta(days=9)).isoformat()}
        if e["type"] == "approval_answer" else e
        for e in healthy("mute")
    ]  # fmt: skip
    result = run(engine, portfolio(*slow))
    assert_healthy_clean(result)
    found = flag(result, "mute", "unresponsive")
    # Six asks answered after 10 days instead of 1: 7 days each beyond the 3-day grace.
    assert (found.measures["asks"], found.measures["unanswered"]) == (6, 0)
    assert (found.measures["median_wait_days"], found.measures["longest_wait_days"]) == (10, 10)
    assert found.measures["delay_days"] == 42
    assert found.severity == "medium"
    assert {e.type for e in found.evidence} == {"approval_ask"}


def test_unanswered_asks_wait_until_the_as_of_date(engine: Engine) -> None:
    asks = [
        {"type": "approval_ask", "id": f"gone-q{n}", "client": "gone", "at": t(7 * n + 1), "kind": "feedback"}
        for n in range(3)
    ]  # fmt: skip
    result = run(engine, portfolio(*healthy("gone"), *asks), as_of=datetime.fromisoformat(t(43)))
    found = flag(result, "gone", "unresponsive")
    assert found.measures["unanswered"] == 3
    assert found.measures["longest_wait_days"] == 42
    # The three waits overlap: work waited on the client from day 1 + 3 days' grace to day 43, 39 days
    # (summing each ask's wait, 96 days, would be more than the 43 days the relationship lasted).
    assert found.measures["delay_days"] == 43 - (1 + 3)


def test_the_client_who_wants_to_approve_everything_is_controlling(engine: Engine) -> None:
    rounds = []
    for w in range(0, 12, 2):
        for r in (2, 3, 4):
            rounds += [
                {"type": "approval_ask", "id": f"boss-a{w}-{r}", "client": "boss", "at": t(7 * w + 3, r),
                 "kind": "approval", "delivery": f"boss-d{w}", "round": r},
                {"type": "approval_answer", "id": f"boss-aa{w}-{r}", "ask": f"boss-a{w}-{r}",
                 "at": t(7 * w + 3, r + 0.5), "outcome": "changes"},
            ]  # fmt: skip
    result = run(engine, portfolio(*healthy("boss"), *rounds))
    assert_healthy_clean(result)
    found = flag(result, "boss", "controlling")
    assert (found.measures["approval_rounds"], found.measures["change_requests"]) == (24, 18)
    assert found.measures["per_delivery"] == 7
    assert found.measures["ratio_to_median"] == 7
    assert found.severity == "high"
    assert "unresponsive" not in codes(result, "boss")


def test_against_clients_who_need_no_approval_the_summary_says_so_in_words(engine: Engine) -> None:
    rounds = [
        {"type": "approval_ask", "id": f"boss-x{n}", "client": "boss", "at": t(7 * n + 3), "kind": "approval"}
        for n in range(6)
    ]
    others = [e for cid in HEALTHY for e in without(healthy(cid), "approval_ask", "approval_answer")]
    result = run(engine, [business(), *others, *healthy("boss"), *rounds])
    found = flag(result, "boss", "controlling")
    assert found.measures["portfolio_median_per_delivery"] == 0
    assert found.measures["ratio_to_median"] is None  # no multiple of nothing
    assert "∞" not in found.summary and "typical client needs none" in found.summary
