"""Answers, waiting on the client, and breaches of our promises (they feed slow_response).

Breaches are stored (table ``response_breaches``), one per request and promise: when a request
is answered after its promise, or a sweep finds it still open past its promise. A request
that waits on the client is not swept: the clock is paused (``requests.waiting_since``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.calendar import BusinessCalendar
from goodterms.desk import promise as pr
from goodterms.ledger import models as m
from goodterms.ledger.request_state import status_after_reply
from goodterms.ledger.stale import mark_stale


def note_breach(
    *,
    session: Session,
    calendar: BusinessCalendar,
    request: m.Request,
    now: datetime,
    answered_at: datetime | None = None,
) -> m.ResponseBreach | None:
    """Record (or update) the breach of a request's current promise; None when it was kept."""
    promised = request.promised_at
    moment = answered_at or now
    if promised is None or moment <= promised:
        return None
    breach = session.scalars(
        select(m.ResponseBreach).where(
            m.ResponseBreach.request_id == request.id, m.ResponseBreach.promised_at == promised
        )
    ).first()
    late = pr.late_hours(calendar=calendar, promised=promised, answered_or_now=moment)
    if breach is None:
        breach = m.ResponseBreach(
            request_id=request.id,
            client_id=request.client_id,
            promised_at=promised,
            detected_at=now,
            answered_at=answered_at,
            late_hours=late,
        )
        session.add(breach)
    else:
        breach.late_hours = max(breach.late_hours, late)
        if answered_at is not None:
            breach.answered_at = answered_at
    return breach


def answer(
    *,
    session: Session,
    calendar: BusinessCalendar,
    request_id: int,
    at: datetime,
    text: str = "",
    staff_id: int | None = None,
    resolves: bool = True,
) -> m.Reply:
    """Record our answer to a request; an answer after the promise is recorded as a breach."""
    request = session.get(m.Request, request_id)
    if request is None:
        raise LookupError(f"no request {request_id}")
    reply = m.Reply(
        ext_id=f"desk-reply:{request_id}:{at.isoformat()}",
        request_id=request_id,
        staff_id=staff_id,
        at=at,
        text=text,
        resolves=resolves,
    )
    session.add(reply)
    note_breach(session=session, calendar=calendar, request=request, now=datetime.now(UTC), answered_at=at)
    request.status = status_after_reply(request.status, resolves)
    mark_stale(session, [request.client_id])
    session.flush()
    return reply


def wait_on_client(*, session: Session, request_id: int, at: datetime) -> m.Request:
    """Mark a request as waiting on the client: the response clock pauses until they write."""
    request = session.get(m.Request, request_id)
    if request is None:
        raise LookupError(f"no request {request_id}")
    request.status = "waiting"
    request.waiting_since = at
    mark_stale(session, [request.client_id])
    return request


def sweep_breaches(*, session: Session, calendar: BusinessCalendar, now: datetime) -> int:
    """Record a breach for every open request whose promise has passed; return how many are late."""
    late = list(
        session.scalars(
            select(m.Request).where(
                m.Request.status == "open", m.Request.promised_at.is_not(None), m.Request.promised_at < now
            )
        )
    )
    for request in late:
        note_breach(session=session, calendar=calendar, request=request, now=now)
    return len(late)
