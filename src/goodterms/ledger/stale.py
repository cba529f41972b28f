"""Mark clients whose ledger changed, so that their stored assessment is refreshed (``goodterms.assess.store``).

Every writer of ledger records calls ``mark_stale`` inside its own transaction: the change and its
mark are stored together or not at all. Kept apart from the assessment so that the desk and the
importers need nothing of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, literal, select, true
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

    Each mark bumps the client's ``version``: a refresh clears only the version it saw, so a change
    made while it ran is refreshed again.
    """
    conn = conn_or_session.connection() if isinstance(conn_or_session, Session) else conn_or_session
    now = datetime.now(UTC)
    stmt = insert_for(conn, _STALE)
    bump = {"version": _STALE.c.version + 1, "marked_at": stmt.excluded.marked_at}
    if client_ids is None:
        when = bindparam("now", now, type_=_STALE.c.marked_at.type)
        everyone = select(m.Client.id, literal(1), when).where(true())  # the WHERE lets SQLite parse it
        conn.execute(
            stmt.from_select(["client_id", "version", "marked_at"], everyone).on_conflict_do_update(
                index_elements=["client_id"], set_=bump
            )
        )
        return
    ids = sorted({int(i) for i in client_ids})
    for i in range(0, len(ids), _CHUNK):
        rows = [{"client_id": cid, "version": 1, "marked_at": now} for cid in ids[i : i + _CHUNK]]
        conn.execute(stmt.values(rows).on_conflict_do_update(index_elements=["client_id"], set_=bump))
