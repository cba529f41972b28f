"""Mark clients whose ledger changed, so that their stored assessment is refreshed (``goodterms.assess.store``).

Every writer of ledger records calls ``mark_stale`` inside its own transaction: the change and its
mark are stored together or not at all. Kept apart from the assessment so that the desk and the
importers need nothing of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from goodterms.ledger import models as m

_CHUNK = 300  # rows per statement: far under SQLite's bound-parameter cap
_STALE: Table = m.AssessmentStale.__table__  # type: ignore[assignment]


def insert_for(conn: Connection, table: Any) -> Any:
    """Return an INSERT of the connection's dialect (for ``on_conflict_do_update``: SQLite or PostgreSQL)."""
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    return dialect.insert(table)


def mark_stale(conn_or_session: Connection | Session, client_ids: Iterable[int] | None) -> None:
    """Mark clients (database ids; None: every client) stale, inside the caller's transaction.

    A mark is a new row, never an update: two transactions marking one client never wait on each
    other (a long import does not hold up the desk). A refresh deletes only the rows it read before
    reading the ledger, so a change committed while it ran is refreshed again.
    """
    conn = conn_or_session.connection() if isinstance(conn_or_session, Session) else conn_or_session
    now = datetime.now(UTC)
    if client_ids is None:
        when = bindparam("now", now, type_=_STALE.c.marked_at.type)
        conn.execute(insert(_STALE).from_select(["client_id", "marked_at"], select(m.Client.id, when)))
        return
    ids = sorted({int(i) for i in client_ids})
    for i in range(0, len(ids), _CHUNK):
        conn.execute(
            insert(_STALE).values([{"client_id": cid, "marked_at": now} for cid in ids[i : i + _CHUNK]])
        )
