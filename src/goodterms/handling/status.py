"""Change a client's status (active, paused, ended) and keep a record of each change."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from goodterms.ledger import models as m
from goodterms.ledger.stale import mark_stale

STATUSES = ("active", "paused", "ended")


def set_status(
    *, session: Session, client: m.Client, status: str, reason: str, at: datetime | None = None
) -> bool:
    """Set ``client.status``, recording the previous one in record_changes; return whether it changed."""
    if status not in STATUSES:
        raise ValueError(f"unknown client status {status!r}")
    if client.status == status:
        return False
    when = at or datetime.now(UTC)
    session.add(
        m.RecordChange(
            import_run_id=None,
            table_name="clients",
            ext_id=client.ext_id,
            at=when,
            before={"status": client.status, "became": status, "reason": reason},
        )
    )
    client.status = status
    mark_stale(session, [client.id])
    return True
