"""The outbox sender's heartbeat, kept in the ledger so that any process (the web app's /healthz) can read it.

The sender writes ``{"state", "detail", "beat", "interval_s"}`` to the ``blobs`` row ``desk:sender``
at most every ``BEAT_EVERY_S`` seconds, and at once when its state changes. A beat older than
``stale_after`` means the sender is not running although nobody stopped it: that is reported too.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope

log = logging.getLogger(__name__)
BLOB_NAME = "desk:sender"
#: Seconds between heartbeats while nothing changes.
BEAT_EVERY_S = 30.0
#: States: "sending" (healthy), "relay unavailable", "relay setup problem" (wrong password, untrusted
#: certificate: rows stay queued until someone fixes the settings), "database busy", "failing", "stopped".
HEALTHY = frozenset({"sending", "stopped"})


def write_beat(engine: Engine, *, state: str, detail: str | None, interval_s: float) -> bool:
    """Store the sender's state now; return False (and log) if the database cannot take it."""
    now = datetime.now(UTC)
    data = {"state": state, "detail": detail, "beat": now.isoformat(), "interval_s": interval_s}
    try:
        with session_scope(engine) as session:
            session.merge(m.Blob(name=BLOB_NAME, data=json.dumps(data).encode(), updated_at=now))
    except SQLAlchemyError as exc:
        log.warning("desk sender heartbeat not written: %s", exc)
        return False
    return True


def stale_after(interval_s: float) -> timedelta:
    """How long without a beat before a sender that was not stopped counts as dead."""
    return timedelta(seconds=3 * max(interval_s, BEAT_EVERY_S) + 60)


def sender_health(engine: Engine, now: datetime | None = None) -> dict[str, Any] | None:
    """Return the sender's health for /healthz, or None if no desk sender ever ran on this ledger."""
    now = now or datetime.now(UTC)
    try:
        with session_scope(engine) as session:
            blob = session.get(m.Blob, BLOB_NAME)
            raw = blob.data if blob is not None else None
    except SQLAlchemyError as exc:
        log.warning("desk sender health not read: %s", exc)
        return {"state": "unknown", "detail": "the ledger could not be read", "beat": None, "healthy": False}
    if raw is None:
        return None
    data = json.loads(raw)
    beat = datetime.fromisoformat(data["beat"])
    state, detail = str(data["state"]), data.get("detail")
    if state != "stopped" and now - beat > stale_after(float(data.get("interval_s") or 5.0)):
        state, detail = "not running", f"no sign of life since {beat.isoformat(timespec='seconds')}"
    return {"state": state, "detail": detail, "beat": beat.isoformat(), "healthy": state in HEALTHY}
