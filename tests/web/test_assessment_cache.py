"""The portfolio's cached assessment: computed once, served stale while a newer one is computed, cleared at once."""

from __future__ import annotations

import threading
from typing import Any

from goodterms.app import Goodterms
from goodterms.ledger.importing import import_event_dicts
from goodterms.web.context import AssessmentCache
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
