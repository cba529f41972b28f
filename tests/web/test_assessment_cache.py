"""The portfolio's cached assessment: computed once, served stale while a newer one is computed, cleared at once."""

from __future__ import annotations

import threading
from typing import Any

from goodterms.app import Goodterms
from goodterms.ledger.importing import import_event_dicts
from goodterms.tone_service import mark_message
from goodterms.web.context import AssessmentCache
from tests.assess.builder import healthy, portfolio
from tests.assess.test_staff_marks import messages
from tests.factories import client


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_expired_result_is_served_at_once_while_the_next_is_computed(gt: Goodterms) -> None:
    clock = Clock()
    cache = AssessmentCache(gt, ttl=300, clock=clock)
    first = cache.get()
    assert first is not None and set(first) == {"c1", "c2", "c3"}

    import_event_dicts(gt.engine, [client("c4", name="Newcomer Ltd")])
    clock.now += 299
    assert cache.get() is first  # still fresh: not recomputed

    clock.now += 2
    assert cache.get() is first  # expired: the last result at once, the next one computed meanwhile
    cache.wait(60)
    refreshed = cache.get()
    assert refreshed is not None and set(refreshed) == {"c1", "c2", "c3", "c4"}
    assert cache.get() is refreshed  # fresh again


def test_clear_recomputes_while_the_request_waits(gt: Goodterms) -> None:
    cache = AssessmentCache(gt, ttl=300, clock=Clock())
    assert set(cache.get() or {}) == {"c1", "c2", "c3"}
    import_event_dicts(gt.engine, [client("c4", name="Newcomer Ltd")])
    cache.clear()
    assert set(cache.get() or {}) == {"c1", "c2", "c3", "c4"}


class Gate:
    """Stands in for the assessment: each call waits until the test lets it finish, then returns its value."""

    def __init__(self, values: list[dict[str, Any] | None]) -> None:
        self.values = values
        self.release = threading.Event()
        self.started = threading.Event()

    def __call__(self) -> dict[str, Any] | None:
        self.started.set()
        assert self.release.wait(30)
        return self.values.pop(0)


def test_a_refresh_begun_before_clear_does_not_store_its_result(gt: Goodterms) -> None:
    clock = Clock()
    cache = AssessmentCache(gt, ttl=300, clock=clock)
    gate = Gate([{"old": {}}, {"begun before clear": {}}, {"after clear": {}}])
    cache._compute = gate  # type: ignore[method-assign]
    gate.release.set()
    assert cache.get() == {"old": {}}

    gate.release.clear()
    gate.started.clear()
    clock.now += 301
    assert cache.get() == {"old": {}}  # served while the refresh waits at the gate
    assert gate.started.wait(30)
    cache.clear()  # e.g. new thresholds saved while the refresh runs
    gate.release.set()
    cache.wait(30)
    assert cache.get() == {"after clear": {}}  # recomputed for the request, the begun refresh dropped
    assert gate.values == []


def test_a_failed_refresh_keeps_the_last_result_and_retries_after_ttl(gt: Goodterms) -> None:
    clock = Clock()
    cache = AssessmentCache(gt, ttl=300, clock=clock)
    gate = Gate([{"last": {}}, None, {"next": {}}])
    gate.release.set()
    cache._compute = gate  # type: ignore[method-assign]
    assert cache.get() == {"last": {}}
    clock.now += 301
    assert cache.get() == {"last": {}}
    cache.wait(30)
    assert cache.get() == {"last": {}}  # the refresh failed (it logs why): the last result stays
    assert gate.values == [{"next": {}}]  # and no new attempt before ttl
    clock.now += 301
    cache.get()
    cache.wait(30)
    assert cache.get() == {"next": {}}


def test_a_mark_counts_in_the_cached_portfolio_at_once(db_url: str) -> None:
    gt = Goodterms.open(db_url)
    events = portfolio(
        *healthy("y"), *messages("y", "frustrated", "Still waiting for the file, please reply.")
    )
    import_event_dicts(gt.engine, events)
    cache = AssessmentCache(gt, ttl=300, clock=Clock())
    before = cache.get()
    assert before is not None and "hostile_tone" not in flag_codes(before["y"])
    for k in range(60):
        assert mark_message(engine=gt.engine, contact_ext_id=f"y-m{k}", rude=True) == "y"
    assert cache.get() is before  # fresh for another five minutes: without a refresh nothing would show
    cache.refresh_client("y")
    after = cache.get()
    assert after is not None and "hostile_tone" in flag_codes(after["y"])
    assert after["y"]["health"] < before["y"]["health"]
    # Everyone else is as the whole run left them, and the client re-assessed alone matches a whole run.
    assert {k: v for k, v in after.items() if k != "y"} == {k: v for k, v in before.items() if k != "y"}
    cache.clear()
    whole = cache.get()
    assert whole is not None
    assert without_as_of(whole["y"]) == without_as_of(after["y"])
    gt.engine.dispose()


def test_a_refresh_begun_before_a_mark_keeps_the_marked_client(gt: Goodterms) -> None:
    clock = Clock()
    cache = AssessmentCache(gt, ttl=300, clock=clock)
    gate = Gate([{"c1": {"health": 90}, "c2": {"health": 80}}, {"c1": {"health": 90}, "c2": {"health": 80}}])
    gate.release.set()
    cache._compute = gate  # type: ignore[method-assign]
    cache._compute_one = lambda ref: {"health": 40}  # type: ignore[method-assign]
    cache.get()
    gate.release.clear()
    gate.started.clear()
    clock.now += 301
    cache.get()
    assert gate.started.wait(30)  # a whole refresh has read the records: it does not know the mark
    cache.refresh_client("c2")
    assert cache.get() == {"c1": {"health": 90}, "c2": {"health": 40}}
    gate.release.set()
    cache.wait(30)
    # The older whole result did not undo the client re-assessed after it began.
    assert cache.get() == {"c1": {"health": 90}, "c2": {"health": 40}}


def flag_codes(entry: dict[str, Any]) -> set[str]:
    return {f["code"] for f in entry["flags"]}


def without_as_of(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "trend": [{k: v for k, v in p.items() if k != "as_of"} for p in entry["trend"]]}
