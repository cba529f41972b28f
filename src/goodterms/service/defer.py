"""Deferring a queue job inside a ledger transaction, on PostgreSQL, without importing procrastinate.

The job row is written by procrastinate's own SQL function (``procrastinate_defer_jobs_v1``, the one
its ``App.defer`` calls) on the connection of the caller's SQLAlchemy session, so it commits or rolls
back with the ledger change that caused it: a stored request and the job that delivers its
acknowledgement exist together or not at all. Its insert trigger notifies listening workers when the
transaction commits.

Nothing is deferred until the queue's tables exist (``goodterms worker``, or ``goodterms run
--jobs queue``, creates them): a ledger on PostgreSQL that never ran a worker keeps working as before,
its outbox emptied by ``goodterms run`` or ``goodterms desk serve``.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from goodterms.ledger import models as m

#: Acknowledgements, intake and outbox deliveries: short jobs that a person is waiting on.
FAST = "fast"
#: Follow-ups, tone, whole-portfolio work: never in the way of an acknowledgement.
SLOW = "slow"
QUEUES = (FAST, SLOW)
#: procrastinate's name of the task that delivers one outbox row (``service.queue.deliver``).
DELIVER_TASK = "goodterms:deliver"
#: Seconds a "the queue is not set up here" answer is believed before it is asked again.
_RECHECK_S = 10.0
_installed: dict[str, float] = {}  # database -> monotonic time it was found without the queue; inf: has it


def _database(conn: Connection) -> str:
    return conn.engine.url.render_as_string(hide_password=True)


def queue_installed(conn: Connection) -> bool:
    """Whether procrastinate's tables and functions are in this PostgreSQL database (answer cached)."""
    key = _database(conn)
    seen = _installed.get(key)
    if seen == float("inf"):
        return True
    if seen is not None and time.monotonic() - seen < _RECHECK_S:
        return False
    found = conn.execute(text("SELECT to_regtype('procrastinate_job_to_defer_v1') IS NOT NULL")).scalar()
    _installed[key] = float("inf") if found else time.monotonic()
    return bool(found)


def forget(conn: Connection) -> None:
    """Forget what was found about this database (after the queue was set up in it)."""
    _installed.pop(_database(conn), None)


def defer(
    conn: Connection,
    task: str,
    *,
    queue: str,
    args: dict[str, Any],
    lock: str | None = None,
    queueing_lock: str | None = None,
    scheduled_at: datetime | None = None,
    priority: int = 0,
) -> int:
    """Insert one job in the caller's transaction; return its id."""
    job_id = conn.execute(
        text(
            "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW("
            ":queue, :task, :priority, :lock, :queueing_lock, CAST(:args AS jsonb), "
            "CAST(:scheduled_at AS timestamptz))::procrastinate_job_to_defer_v1]))"
        ),
        {
            "queue": queue,
            "task": task,
            "priority": priority,
            "lock": lock,
            "queueing_lock": queueing_lock,
            "args": json.dumps(args),
            "scheduled_at": scheduled_at,
        },
    ).scalar_one()
    return int(job_id)


def client_lock(client_id: int | None) -> str | None:
    """The procrastinate lock that keeps two workers off one client's work at once."""
    return f"client:{client_id}" if client_id is not None else None


def defer_delivery(session: Session, row: m.Outbox) -> int | None:
    """Defer the delivery of a new outbox row in the session's transaction, when the queue is set up.

    The job runs on the fast queue under the client's lock, so one client's mail goes out in order
    and never from two workers at once. Returns the job id (None: no queue in this database).
    """
    conn = session.connection()
    if conn.dialect.name != "postgresql" or not queue_installed(conn):
        return None
    return defer(conn, DELIVER_TASK, queue=FAST, args={"outbox_id": row.id}, lock=client_lock(row.client_id))
