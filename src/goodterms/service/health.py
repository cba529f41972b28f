"""Each part of ``goodterms run`` keeps its heartbeat in the ledger, where /healthz reads it.

The same pattern as the desk's sender (``goodterms.desk.health``): a part writes
``{"state", "detail", "beat"}`` to the ``blobs`` row ``run:part:<name>`` when its state changes and
at least every ``BEAT_EVERY_S`` seconds. A part whose last beat is older than ``STALE_AFTER`` and
was not stopped is reported as "not running". The runner clears the old rows when it starts, so a
mailbox taken out of goodterms.toml does not linger in the report.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from goodterms.desk.health import sender_health
from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope

log = logging.getLogger(__name__)
PREFIX = "run:part:"
#: Seconds between heartbeats of a part while nothing changes.
BEAT_EVERY_S = 30.0
#: A part not heard from for this long, and not stopped, is not running.
STALE_AFTER = timedelta(seconds=3 * BEAT_EVERY_S + 60)
#: States a part may be in while all is well ("stopped": someone stopped it on purpose).
HEALTHY = frozenset({"running", "stopped"})


def record(engine: Engine, part: str, *, state: str, detail: str | None = None) -> bool:
    """Store a part's state now; return False (and log) when the ledger cannot take it."""
    now = datetime.now(UTC)
    data = {"state": state, "detail": detail, "beat": now.isoformat()}
    try:
        with session_scope(engine) as session:
            session.merge(m.Blob(name=PREFIX + part, data=json.dumps(data).encode(), updated_at=now))
    except SQLAlchemyError as exc:
        log.warning("heartbeat of %s not written: %s", part, exc)
        return False
    return True


def forget_all(engine: Engine) -> None:
    """Remove every part's row (the runner starts afresh with the parts configured now)."""
    with session_scope(engine) as session:
        session.execute(delete(m.Blob).where(m.Blob.name.like(PREFIX + "%")))


def parts(engine: Engine, now: datetime | None = None) -> dict[str, dict[str, Any]]:
    """Return each part's health by name: state, detail, last beat and whether it is healthy."""
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        rows = session.execute(select(m.Blob.name, m.Blob.data).where(m.Blob.name.like(PREFIX + "%"))).all()
    found: dict[str, dict[str, Any]] = {}
    for name, raw in sorted(rows):
        data = json.loads(raw)
        beat = datetime.fromisoformat(data["beat"])
        state, detail = str(data["state"]), data.get("detail")
        if state != "stopped" and now - beat > STALE_AFTER:
            state, detail = "not running", f"no sign of life since {beat.isoformat(timespec='seconds')}"
        found[name.removeprefix(PREFIX)] = {
            "state": state,
            "detail": detail,
            "beat": beat.isoformat(),
            "healthy": state in HEALTHY,
        }
    return found


def oldest_unsent(engine: Engine, now: datetime | None = None) -> dict[str, Any]:
    """Return how many outbox rows wait to be sent and the age in seconds of the oldest (None if none)."""
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        count, oldest = session.execute(
            select(func.count(m.Outbox.id), func.min(m.Outbox.created_at)).where(
                m.Outbox.sent_at.is_(None), m.Outbox.failed_at.is_(None)
            )
        ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    age = round((now - oldest).total_seconds(), 1) if oldest is not None else None
    return {"unsent": int(count), "oldest_unsent_age_s": age}


#: A worker whose last heartbeat is older than this is not counted as running.
WORKER_STALE_S = 60


def queue_health(engine: Engine) -> dict[str, Any] | None:
    """On PostgreSQL with the job queue set up: live workers, jobs due and waiting, the oldest's age.

    Healthy unless jobs wait and no ``goodterms worker`` is running. None without the queue.
    """
    if engine.dialect.name != "postgresql":
        return None
    from goodterms.service.defer import queue_installed

    with engine.connect() as conn:
        if not queue_installed(conn):
            return None
        workers = conn.execute(
            text(
                "SELECT count(*) FROM procrastinate_workers "
                "WHERE last_heartbeat > now() - make_interval(secs => :stale)"
            ),
            {"stale": WORKER_STALE_S},
        ).scalar_one()
        waiting, age = conn.execute(
            text(
                "SELECT count(*), extract(epoch FROM now() - min(e.at)) FROM procrastinate_jobs j "
                "LEFT JOIN procrastinate_events e ON e.job_id = j.id AND e.type = 'deferred' "
                "WHERE j.status = 'todo' AND (j.scheduled_at IS NULL OR j.scheduled_at <= now())"
            )
        ).one()
    healthy = not (waiting and not workers)
    return {
        "workers": int(workers),
        "waiting": int(waiting),
        "oldest_waiting_age_s": round(float(age), 1) if age is not None else None,
        "healthy": healthy,
        "detail": None if healthy else "jobs are waiting and no `goodterms worker` is running",
    }


def report(engine: Engine) -> tuple[dict[str, Any], bool]:
    """Return the /healthz body and whether everything is healthy.

    ``{"status": "ok"}`` alone while neither ``goodterms run`` nor a desk sender ever ran on this ledger.
    """
    sender = sender_health(engine)
    try:
        found = parts(engine)
        outbox = oldest_unsent(engine) if found else None
        queue = queue_health(engine) if found else None
    except SQLAlchemyError as exc:
        log.warning("health of the parts not read: %s", exc)
        failed = {"state": "unknown", "detail": "the ledger could not be read", "healthy": False}
        return {"status": "degraded", "parts": {"ledger": failed}}, False
    if sender is None and not found:
        return {"status": "ok"}, True
    ok = all(p["healthy"] for p in found.values()) and (sender is None or bool(sender["healthy"]))
    ok = ok and (queue is None or bool(queue["healthy"]))
    body: dict[str, Any] = {"status": "ok" if ok else "degraded"}
    if found:  # goodterms run: the desk's sender is one of its parts
        if sender is not None:
            found["outbox sender"] = sender
        body["parts"] = dict(sorted(found.items()))
        body["outbox"] = outbox
        if queue is not None:
            body["queue"] = queue
    elif sender is not None:  # a desk on its own (goodterms desk serve)
        body["desk_sender"] = sender
    return body, ok
