"""The desk's queue: open requests, their promise, how often the client chased, and whether we are late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from goodterms.ledger import models as m


@dataclass(frozen=True)
class QueueItem:
    """One open request as the desk sees it."""

    request_id: int
    reference: str | None
    client_id: int
    client: str
    subject: str
    received: datetime
    status: str
    promised_at: datetime | None
    chases: int
    priority: int
    late: bool

    def to_json(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        data = dict(self.__dict__)
        data["received"] = self.received.isoformat()
        data["promised_at"] = self.promised_at.isoformat() if self.promised_at else None
        return data


_COLUMNS = (  # what a queue item shows: not the request's text
    m.Request.id,
    m.Request.reference,
    m.Request.client_id,
    m.Request.subject,
    m.Request.at,
    m.Request.status,
    m.Request.promised_at,
    m.Request.chases,
    m.Request.priority,
    m.Client.name.label("client_name"),
)


def _item(r: Any, name: str, now: datetime) -> QueueItem:
    return QueueItem(
        request_id=r.id,
        reference=r.reference,
        client_id=r.client_id,
        client=name,
        subject=r.subject,
        received=r.at,
        status=r.status,
        promised_at=r.promised_at,
        chases=r.chases,
        priority=r.priority,
        # Waiting on the client pauses the clock: not late while we wait.
        late=r.status == "open" and r.promised_at is not None and r.promised_at < now,
    )


def open_queue(*, session: Session, now: datetime, limit: int | None = None) -> list[QueueItem]:
    """List open and waiting requests, most urgent first (late, then priority, then promise).

    The database orders and cuts the list: a desk asking for the first 50 of thousands of open requests
    reads 50 rows.
    """
    late = (m.Request.status == "open") & m.Request.promised_at.is_not(None) & (m.Request.promised_at < now)
    query = (
        select(*_COLUMNS)
        .join(m.Client, m.Client.id == m.Request.client_id)
        .where(m.Request.status.in_(("open", "waiting")))
        .order_by(
            case((late, 0), else_=1),
            m.Request.priority.desc(),
            func.coalesce(m.Request.promised_at, m.Request.at),
            m.Request.id,
        )
    )
    if limit is not None:
        query = query.limit(limit)
    return [_item(r, r.client_name, now) for r in session.execute(query)]


def due_requests(
    *, session: Session, now: datetime, until: datetime, limit: int
) -> tuple[list[QueueItem], int]:
    """Return open requests whose promised reply falls before ``until``, the longest overdue first (at most
    ``limit``), and how many there are in all. A request waiting on the client is not due: its clock is paused.
    """
    due = (m.Request.status == "open") & m.Request.promised_at.is_not(None) & (m.Request.promised_at < until)
    total = session.scalar(select(func.count()).select_from(m.Request).where(due)) or 0
    query = (
        select(*_COLUMNS)
        .join(m.Client, m.Client.id == m.Request.client_id)
        .where(due)
        .order_by(m.Request.promised_at, m.Request.id)
        .limit(limit)
    )
    return [_item(r, r.client_name, now) for r in session.execute(query)], int(total)
