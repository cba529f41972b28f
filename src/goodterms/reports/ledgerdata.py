"""Read one client's history from the ledger for the parting packet (the reports' storage edge)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodterms.ledger import models as m
from goodterms.ledger.queries import UnknownClient as UnknownClient
from goodterms.ledger.queries import find_client as find_client


@dataclass(frozen=True)
class InvoiceLine:
    """An invoice with what was paid on it and how late."""

    ext_id: str
    number: str
    issued: date
    due: date
    amount: Decimal
    currency: str
    disputed: bool
    paid: Decimal
    paid_in_full: date | None
    days_late: int
    payments: tuple[tuple[datetime, Decimal], ...]

    @property
    def open_amount(self) -> Decimal:
        return max(self.amount - self.paid, Decimal(0))


def invoices(session: Session, *, client_id: int, as_of: date, tz: str) -> list[InvoiceLine]:
    """Return the client's invoices in issue order, with payments and days late."""
    zone = ZoneInfo(tz)
    out: list[InvoiceLine] = []
    rows = session.scalars(
        select(m.Invoice).where(m.Invoice.client_id == client_id).order_by(m.Invoice.issued, m.Invoice.id)
    ).all()
    pays: dict[int, list[tuple[datetime, Decimal]]] = {}
    for p in session.scalars(
        select(m.Payment).join(m.Invoice).where(m.Invoice.client_id == client_id).order_by(m.Payment.at)
    ):
        pays.setdefault(p.invoice_id, []).append((p.at, p.amount))
    for inv in rows:
        paid = Decimal(0)
        full: date | None = None
        for at, amount in pays.get(inv.id, []):
            paid += amount
            if full is None and paid >= inv.amount:
                full = at.astimezone(zone).date()
        end = full or as_of
        out.append(
            InvoiceLine(
                ext_id=inv.ext_id,
                number=inv.number,
                issued=inv.issued,
                due=inv.due,
                amount=inv.amount,
                currency=inv.currency,
                disputed=inv.disputed,
                paid=paid,
                paid_in_full=full,
                days_late=max((end - inv.due).days, 0),
                payments=tuple(pays.get(inv.id, [])),
            )
        )
    return out


@dataclass(frozen=True)
class Waiting:
    """Something one side waited on the other for."""

    side: str  # "client" (the client waited on us) or "us" (we waited on the client)
    item: str
    since: datetime
    until: datetime | None
    kind: str | None = None  # what an ask waited for (approval, feedback, question, asset)


def waits(session: Session, *, client_id: int) -> list[Waiting]:
    """Return both sides' waiting: requests waiting on our reply, asks waiting on the client's answer."""
    first_reply = (
        select(m.Reply.request_id, func.min(m.Reply.at).label("at")).group_by(m.Reply.request_id).subquery()
    )
    out = [
        Waiting("client", f"{req.reference or req.ext_id}: {req.subject}".strip(": "), req.at, replied)
        for req, replied in session.execute(
            select(m.Request, first_reply.c.at)
            .outerjoin(first_reply, first_reply.c.request_id == m.Request.id)
            .where(m.Request.client_id == client_id)
        )
    ]
    first_answer = (
        select(m.ApprovalAnswer.ask_id, func.min(m.ApprovalAnswer.at).label("at"))
        .group_by(m.ApprovalAnswer.ask_id)
        .subquery()
    )
    out += [
        Waiting("us", ask.subject, ask.at, answered, ask.kind)
        for ask, answered in session.execute(
            select(m.ApprovalAsk, first_answer.c.at)
            .outerjoin(first_answer, first_answer.c.ask_id == m.ApprovalAsk.id)
            .where(m.ApprovalAsk.client_id == client_id)
        )
    ]
    # SQLite hands back naive UTC from a MIN(); make every moment aware again.
    return sorted((_aware(w) for w in out), key=lambda w: w.since)


def _aware(w: Waiting) -> Waiting:
    until = w.until
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return Waiting(w.side, w.item, w.since, until, w.kind)


class ResponseClock:
    """Find when we answered an inbound contact: its request's first reply, else our next outbound contact."""

    def __init__(self, session: Session, *, client_id: int) -> None:
        self._outbound = [
            a.replace(tzinfo=None) if a.tzinfo else a
            for a in session.scalars(
                select(m.Contact.at)
                .where(m.Contact.client_id == client_id, m.Contact.direction == "outbound")
                .order_by(m.Contact.at)
            )
        ]
        self._replies: dict[int, list[datetime]] = {}
        for req_id, at in session.execute(
            select(m.Reply.request_id, m.Reply.at).join(m.Request).where(m.Request.client_id == client_id)
        ):
            self._replies.setdefault(req_id, []).append(at)

    def answered_at(self, *, at: datetime, request_id: int | None) -> datetime | None:
        """Return when we first answered a contact made at ``at``."""
        if request_id is not None:
            later = [r for r in self._replies.get(request_id, []) if r >= at]
            if later:
                return min(later)
        naive = at.astimezone(UTC).replace(tzinfo=None)
        i = bisect_left(self._outbound, naive)
        return self._outbound[i].replace(tzinfo=UTC) if i < len(self._outbound) else None


def contacts(session: Session, *, client_id: int) -> Iterator[Any]:
    """Stream the client's contacts in time order (plain rows, with the staff member's name as ``staff``)."""
    c = m.Contact
    query = (
        select(
            c.at,
            c.channel,
            c.direction,
            c.duration_s,
            c.subject,
            c.text,
            c.tone,
            c.staff_mark,
            c.problem,
            c.response,
            c.request_id,
            m.Staff.name.label("staff"),
        )
        .outerjoin(m.Staff, m.Staff.id == c.staff_id)
        .where(c.client_id == client_id)
        .order_by(c.at, c.id)
        .execution_options(yield_per=5000)
    )
    yield from session.execute(query)
