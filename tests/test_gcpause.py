"""The garbage-collector pause: nested and concurrent uses leave the collector as they found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from goodterms.gcpause import gc_paused


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_pauses_and_restores_nested() -> None:
    gc.enable()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_restores_after_an_exception() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_overlapping_threads_end_with_the_collector_on() -> None:
    # Thread A pauses, B pauses, A ends, B ends: with a plain save-and-restore B would switch it off for good.
    gc.enable()
    a_in, b_in, a_done = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def a() -> None:
        with gc_paused():
            a_in.set()
            assert b_in.wait(10)
        a_done.set()

    def b() -> None:
        assert a_in.wait(10)
        with gc_paused():
            b_in.set()
            assert a_done.wait(10)
            seen.append(gc.isenabled())  # A has ended, B still runs: still paused

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert seen == [False]
    assert gc.isenabled()


def test_an_assessment_leaves_the_collector_on(db_url: str) -> None:
    from goodterms.app import Goodterms
    from goodterms.assess.service import assess

    gc.enable()
    gt = Goodterms.open(db_url)
    try:
        assess(app=gt)
    finally:
        gt.engine.dispose()
    assert gc.isenabled()


def test_collect_after_runs_one_full_collection_when_the_last_pause_ends() -> None:
    gc.enable()
    full: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(1)

    gc.callbacks.append(seen)
    try:
        with gc_paused():
            with gc_paused(collect_after=True):
                pass
            assert full == []  # the outer pause still runs: nothing collected yet
        assert full == []  # the last one to end did not ask for it
        with gc_paused(collect_after=True):
            pass
        assert len(full) == 1
        gc.disable()
        with gc_paused(collect_after=True):
            pass
        assert len(full) == 1  # a collector someone switched off stays off, and collects nothing
    finally:
        gc.callbacks.remove(seen)
