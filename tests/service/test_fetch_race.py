"""A worker that loses a race for a job's lock to another worker goes on working (no database needed)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from procrastinate.exceptions import UniqueViolation

from goodterms.service.queue import FETCH_TRIES, LOCK_INDEX, JobManager


class Refusing:
    """A connector whose first fetches are refused by one unique index, then finds no job."""

    def __init__(self, refusals: int, constraint: str) -> None:
        self.refusals, self.constraint, self.calls = refusals, constraint, 0

    async def execute_query_one_async(self, query: str, **arguments: Any) -> dict[str, Any]:
        self.calls += 1
        if self.calls <= self.refusals:
            raise UniqueViolation("refused", constraint_name=self.constraint, queueing_lock=None)
        return {"id": None}  # what procrastinate's fetch returns when no job is free


def _fetch(connector: Refusing) -> Any:
    return asyncio.run(JobManager(connector=connector).fetch_job(queues=None, worker_id=1))  # type: ignore[arg-type]


def test_a_fetch_refused_by_the_lock_index_is_tried_again() -> None:
    connector = Refusing(1, LOCK_INDEX)
    assert _fetch(connector) is None and connector.calls == 2


def test_a_fetch_refused_every_time_gives_no_job_instead_of_stopping_the_worker() -> None:
    connector = Refusing(FETCH_TRIES + 5, LOCK_INDEX)
    assert _fetch(connector) is None and connector.calls == FETCH_TRIES


def test_other_refusals_still_reach_the_worker() -> None:
    with pytest.raises(UniqueViolation):
        _fetch(Refusing(1, "procrastinate_jobs_queueing_lock_idx_v1"))
