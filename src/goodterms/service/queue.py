"""Jobs on PostgreSQL with procrastinate: the tasks, their queues and locks, and ``goodterms worker``.

Every task calls a function of ``service.jobs``, the same code ``goodterms run`` calls from its
threads. Two queues: ``fast`` (deliver an outbox row: acknowledgements first; the sweep of unsent
rows; mailbox polls; retrying jobs of a worker that died) and ``slow`` (follow-ups, tone), so that
slow work never delays an acknowledgement.

* **Deferred with the ledger change.** ``desk.outbox.enqueue`` defers ``deliver`` for each new row
  in the same transaction (``service.defer``), so the job exists exactly when the row does.
* **Periodic jobs deduplicated by the database.** Every worker runs procrastinate's periodic
  deferrer; ``procrastinate_periodic_defers`` keeps one job per task and time, and each periodic
  task has a ``queueing_lock`` so that a round still waiting is not queued twice.
* **Per-client locks.** ``deliver`` runs under the lock ``client:<id>``: two workers never send for
  one client at once. Follow-ups and tone each run under one lock of their own; a mailbox under
  ``mailbox:<name>``. On top of that a sender holds a PostgreSQL advisory lock on the outbox row it is
  handing to the relay, so a sweep and a ``deliver`` job never send the same row twice.
* **Retries with backoff.** A job that fails (relay away, database busy) is tried again after
  2, 4, 8, ... s (``RETRY``); the periodic sweep sends whatever is still unsent after that.
* **A worker killed mid-job.** Its heartbeat stops; ``retry_stalled`` (every 15 s, any worker)
  puts its jobs back to be done again. The outbox makes their effect happen once: a row is marked
  sent right after the relay took it (at worst the rows in flight, one per job the worker ran at
  once, go twice, each with the same Message-ID).

Adding a job is a function in ``service.jobs``, a function here that calls it and a line in
``_blueprint``. The stored assessments are refreshed by two periodic entries on ``SLOW`` under the
lock "assess": the clients whose ledger changed every 15 s, everyone every 15 minutes.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import procrastinate
from procrastinate import JobContext
from sqlalchemy import Engine, text

from goodterms.app import Goodterms
from goodterms.desk.relay import Relay
from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope
from goodterms.service import defer, jobs
from goodterms.service.defer import FAST, QUEUES, SLOW

log = logging.getLogger(__name__)
#: Backoff of a failed job: tried again after 2, 4, 8, ... 256 s, nine tries in all.
RETRY = procrastinate.RetryStrategy(max_attempts=9, exponential_wait=2)
#: The advisory lock taken while the queue's tables are created, so two starts do it once.
_SETUP_LOCK = 0x67745130  # "gtQ0"
MAILBOX_BLOB = "queue:mailbox:"


@dataclass(frozen=True)
class Context:
    """What every task needs: the open ledger and the relay to send through."""

    app: Goodterms
    relay: Relay


def _ctx(context: JobContext) -> Context:
    found = context.additional_context.get("goodterms")
    if not isinstance(found, Context):
        raise RuntimeError("this worker was started without goodterms' context (use `goodterms worker`)")
    return found


def deliver(context: JobContext, outbox_id: int) -> int:
    """Deliver one outbox row (deferred with it, under its client's lock)."""
    ctx = _ctx(context)
    return jobs.deliver(ctx.app, ctx.relay, ids=[outbox_id])


def deliver_unsent(context: JobContext, timestamp: int) -> int:
    """Send every row still unsent (a job that ran out of retries, rows from before the queue)."""
    ctx = _ctx(context)
    return jobs.deliver(ctx.app, ctx.relay)


def followups(context: JobContext, timestamp: int) -> list[str]:
    """The follow-ups due now (``jobs.send_followups``); the rules sent automatically."""
    ctx = _ctx(context)
    return sorted(jobs.send_followups(ctx.app, ctx.relay).rules)


def tone(context: JobContext, timestamp: int) -> int:
    """Read the tone of new messages."""
    return jobs.fill_tone(_ctx(context).app)


def assess_changed(context: JobContext, timestamp: int) -> int:
    """Re-assess the clients whose ledger changed (``jobs.refresh_changed``), one refresh at a time."""
    return jobs.refresh_changed(_ctx(context).app)


def assess_all(context: JobContext, timestamp: int) -> int:
    """Re-assess every client (``jobs.refresh_portfolio``): the portfolio medians move."""
    return jobs.refresh_portfolio(_ctx(context).app)


def poll_mailbox(context: JobContext, name: str) -> int:
    """Read one mailbox once (queued by ``poll_mailboxes`` under the lock ``mailbox:<name>``)."""
    ctx = _ctx(context)
    box = next((b for b in ctx.app.settings.mailbox if b.name == name), None)
    if box is None:
        log.warning("mailbox %s is no longer in the settings; not read", name)
        return 0
    try:
        return jobs.poll_mailbox(ctx.app, box).new
    finally:  # tried or not, the next pass is due poll_seconds from now
        with session_scope(ctx.app.engine) as session:
            stamp = datetime.now(UTC)
            session.merge(m.Blob(name=MAILBOX_BLOB + name, data=stamp.isoformat().encode(), updated_at=stamp))


def poll_mailboxes(context: JobContext, timestamp: int) -> list[str]:
    """Queue a pass over each mailbox whose ``poll_seconds`` have gone by; return their names."""
    app = _ctx(context).app
    now = datetime.now(UTC)
    queued: list[str] = []
    with session_scope(app.engine) as session:
        for box in app.settings.mailbox:
            blob = session.get(m.Blob, MAILBOX_BLOB + box.name)
            last = datetime.fromisoformat(blob.data.decode()) if blob is not None else None
            if last is not None and (now - last).total_seconds() < box.poll_seconds:
                continue
            try:
                with session.begin_nested():
                    defer.defer(
                        session.connection(),
                        "goodterms:poll_mailbox",
                        queue=FAST,
                        args={"name": box.name},
                        lock=f"mailbox:{box.name}",
                        queueing_lock=f"mailbox:{box.name}",
                    )
            except Exception as exc:  # already queued (its queueing lock): nothing to do
                if "procrastinate_jobs_queueing_lock_idx" not in str(exc):
                    raise
                continue
            queued.append(box.name)
    return queued


async def retry_stalled(context: JobContext, timestamp: int) -> int:
    """Put back the jobs of workers whose heartbeat stopped (killed, machine gone); return how many.

    A stalled periodic round whose next round is already queued (the same queueing lock) is closed
    as failed instead: the queued round does the same work, and the database keeps one such job
    waiting (procrastinate issue #1446).
    """
    manager = context.app.job_manager
    seconds = float(context.additional_context.get("stalled_after_s", 30.0))
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=seconds))
    put_back = 0
    for job in stalled:
        try:
            await manager.retry_job(job)
        except procrastinate.exceptions.UniqueViolation:
            log.warning(
                "job %s (%s) was left by a worker that stopped; its next round is queued already",
                job.id,
                job.task_name,
            )
            await manager.finish_job(job, status=procrastinate.jobs.Status.FAILED, delete_job=False)
            continue
        log.warning("job %s (%s) was left by a worker that stopped; it is done again", job.id, job.task_name)
        put_back += 1
    return put_back


def _blueprint() -> procrastinate.Blueprint:
    """goodterms' tasks with their queues, locks and schedules (a new blueprint for each App)."""
    bp = procrastinate.Blueprint()
    bp.task(name="deliver", queue=FAST, retry=RETRY, pass_context=True)(deliver)
    periodic: list[tuple[str, Any, dict[str, Any]]] = [
        ("* * * * * */30", deliver_unsent, {"queue": FAST}),
        ("* * * * * */30", followups, {"queue": SLOW, "lock": "followups"}),
        ("*/10 * * * *", tone, {"queue": SLOW, "lock": "tone"}),
        # Stored assessments: one refresh at a time (lock "assess"), on the slow queue so that a
        # whole-portfolio refresh never delays an acknowledgement.
        ("* * * * * */15", assess_changed, {"queue": SLOW, "lock": "assess"}),
        ("*/15 * * * *", assess_all, {"queue": SLOW, "lock": "assess"}),
        ("* * * * * */30", poll_mailboxes, {"queue": FAST}),
        ("* * * * * */15", retry_stalled, {"queue": FAST}),
    ]
    bp.task(name="poll_mailbox", queue=FAST, pass_context=True)(poll_mailbox)
    # A periodic round is never retried: the next round does the same work. A retry would put the
    # failed round back as "todo" beside the round already queued under its queueing lock, which the
    # database refuses (and the worker would stop), and a retry waiting out its backoff would hold
    # back every later job under its lock (procrastinate runs one lock's jobs in order).
    for cron, func, options in periodic:
        name = func.__name__
        task = bp.task(name=name, queueing_lock=name, pass_context=True, **options)(func)
        bp.periodic(cron=cron)(task)
    return bp


def conninfo(engine: Engine) -> str:
    """The libpq address of the ledger's PostgreSQL database (what psycopg's pool wants)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


#: The unique index that lets one job of a lock be "doing" at a time (procrastinate's schema).
LOCK_INDEX = "procrastinate_jobs_lock_idx_v1"
#: Fetches tried at once when another worker took a job of the same lock first.
FETCH_TRIES = 3


class JobManager(procrastinate.manager.JobManager):
    """procrastinate's job manager, with a worker that loses a race for a lock going on working.

    Two workers fetching at once can both pick a job of the same lock (a client's acknowledgements,
    "assess"); the database's unique index refuses the second, and procrastinate lets that error out
    of the worker, which then stops (procrastinate issues #1242, #1599). Here the loser fetches
    again: the lock is taken now, so it gets another job or none, and waits for the next one.
    """

    async def fetch_job(self, queues: Any, worker_id: int) -> procrastinate.jobs.Job | None:
        for _ in range(FETCH_TRIES):
            try:
                return await super().fetch_job(queues, worker_id)
            except procrastinate.exceptions.UniqueViolation as exc:
                if exc.constraint_name != LOCK_INDEX:
                    raise
                log.info("another worker took a job of the same lock first; fetching again")
        return None


def make_app(engine: Engine, *, pool_size: int = 4) -> procrastinate.App:
    """A procrastinate App on the ledger's database with goodterms' tasks (``goodterms:<name>``)."""
    connector = procrastinate.PsycopgConnector(conninfo=conninfo(engine), min_size=1, max_size=pool_size)
    app = procrastinate.App(connector=connector)
    app.job_manager = JobManager(connector=connector)  # before the tasks, which keep the app's manager
    app.add_tasks_from(_blueprint(), namespace="goodterms")
    return app


class NotPostgres(RuntimeError):
    """The ledger is not on PostgreSQL: the queue cannot be used."""


def ensure_schema(engine: Engine) -> bool:
    """Create procrastinate's tables and functions when missing (once, even from two starts at once).

    Returns True when they were created now. The schema is procrastinate's own (``schema.sql`` of
    the pinned version); it lives beside the ledger's tables, outside Alembic's models.
    """
    if engine.dialect.name != "postgresql":
        raise NotPostgres(
            "the job queue needs the ledger on PostgreSQL; on SQLite `goodterms run` does all the work "
            "in one process"
        )
    from procrastinate.schema import SchemaManager

    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SETUP_LOCK})
        if conn.execute(text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")).scalar():
            return False
        driver = conn.connection.driver_connection
        assert driver is not None  # a live connection inside engine.begin()
        driver.execute(SchemaManager.get_schema())  # no parameters: taken as written
        defer.forget(conn)
    log.info("job queue set up in the ledger's database")
    return True


def worker_name() -> str:
    """A worker's name in procrastinate's tables and the logs: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(
    app: Goodterms,
    relay: Relay,
    *,
    queues: list[str] | None = None,
    concurrency: int = 1,
    heartbeat_s: float = 10.0,
) -> None:
    """Run jobs until SIGTERM or SIGINT: no new job is taken, the ones under way finish (up to 60 s)."""
    ensure_schema(app.engine)
    queue_app = make_app(app.engine, pool_size=concurrency + 3)
    stalled_after = 3 * heartbeat_s
    options: dict[str, Any] = {
        "queues": queues or list(QUEUES),
        "concurrency": concurrency,
        "name": worker_name(),
        "additional_context": {"goodterms": Context(app, relay), "stalled_after_s": stalled_after},
        "install_signal_handlers": True,
        "shutdown_graceful_timeout": 60.0,
        "update_heartbeat_interval": heartbeat_s,
        "stalled_worker_timeout": stalled_after,
        "delete_jobs": "successful",
    }
    log.info("worker %s taking jobs from %s", options["name"], ", ".join(options["queues"]))
    queue_app.run_worker(**options)
