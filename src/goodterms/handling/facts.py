"""Load the ladder's facts from the ledger (the storage edge of the follow-up service)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, and_, exists, func, select, type_coerce
from sqlalchemy.orm import Session

from goodterms.handling.ladder import AskFacts, ClientFacts, InvoiceFacts, SentNotice
from goodterms.handling.notices import Recipient
from goodterms.ledger import models as m
from goodterms.ledger.types import from_hundredths


def end_of_day(day: date, tz: str) -> datetime:
    """Return the last moment of ``day`` in timezone ``tz`` (aware)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(tz)) - timedelta(microseconds=1)


def load_recipients(session: Session, *, client: str | None = None) -> dict[str, Recipient]:
    """Return every client (or one, by ext_id) as a notice recipient, keyed by ext_id."""
    query = select(m.Client)
    if client is not None:
        query = query.where(m.Client.ext_id == client)
    out: dict[str, Recipient] = {}
    for row in session.scalars(query.execution_options(yield_per=2000)):
        out[row.ext_id] = Recipient(
            id=row.ext_id,
            name=row.name,
            language=row.language,
            timezone=row.timezone,
            email=row.emails[0] if row.emails else None,
            phone=row.phones[0] if row.phones else None,
            rate=row.rate,
            rate_unit=row.rate_unit,
            currency=row.currency,
        )
    return out


def load_clients(
    session: Session, *, flags: dict[str, frozenset[str]], client: str | None = None
) -> list[ClientFacts]:
    """Return each client's status with its assessment flags."""
    query = select(m.Client.ext_id, m.Client.status)
    if client is not None:
        query = query.where(m.Client.ext_id == client)
    return [ClientFacts(ext, status, flags.get(ext, frozenset())) for ext, status in session.execute(query)]


def load_unpaid_invoices(
    session: Session, *, as_of: date, until: datetime, client: str | None = None
) -> list[InvoiceFacts]:
    """Return invoices due before ``as_of`` that are not fully paid by ``until``."""
    paid = (
        # summed as raw hundredths (BigInteger), turned back into money with from_hundredths
        select(m.Payment.invoice_id, type_coerce(func.sum(m.Payment.amount), BigInteger).label("paid"))
        .where(m.Payment.at <= until)
        .group_by(m.Payment.invoice_id)
        .subquery()
    )
    query = (
        select(m.Invoice, m.Client.ext_id, paid.c.paid)
        .join(m.Client, m.Client.id == m.Invoice.client_id)
        .outerjoin(paid, paid.c.invoice_id == m.Invoice.id)
        .where(m.Invoice.due < as_of, m.Invoice.amount > func.coalesce(paid.c.paid, 0))
    )
    if client is not None:
        query = query.where(m.Client.ext_id == client)
    out: list[InvoiceFacts] = []
    for inv, client_ext, paid_raw in session.execute(query.execution_options(yield_per=5000)):
        payments = ((as_of, from_hundredths(paid_raw)),) if paid_raw else ()
        out.append(
            InvoiceFacts(
                id=inv.ext_id,
                client=client_ext,
                number=inv.number,
                due=inv.due,
                amount=inv.amount,
                currency=inv.currency,
                disputed=inv.disputed,
                payments=payments,
            )
        )
    return out


def load_open_asks(session: Session, *, until: datetime, client: str | None = None) -> list[AskFacts]:
    """Return approval and feedback asks made by ``until`` with no answer by then."""
    answered = exists().where(and_(m.ApprovalAnswer.ask_id == m.ApprovalAsk.id, m.ApprovalAnswer.at <= until))
    query = (
        select(m.ApprovalAsk, m.Client.ext_id)
        .join(m.Client, m.Client.id == m.ApprovalAsk.client_id)
        .where(m.ApprovalAsk.at <= until, ~answered)
    )
    if client is not None:
        query = query.where(m.Client.ext_id == client)
    return [
        AskFacts(id=ask.ext_id, client=ext, kind=ask.kind, subject=ask.subject, at=ask.at)
        for ask, ext in session.execute(query)
    ]


def load_sent(session: Session, *, client: str | None = None) -> list[SentNotice]:
    """Return every follow-up notice already sent or issued."""
    query = select(m.FollowupNotice, m.Client.ext_id).join(
        m.Client, m.Client.id == m.FollowupNotice.client_id
    )
    if client is not None:
        query = query.where(m.Client.ext_id == client)
    return [
        SentNotice(key=n.key, client=ext, rule=n.rule, on=n.sent_on, records=tuple(n.records))
        for n, ext in session.execute(query)
    ]


def client_ids(session: Session, ext_ids: Sequence[str]) -> dict[str, int]:
    """Map client ext_ids to their database ids."""
    out: dict[str, int] = {}
    unique = sorted(set(ext_ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        rows = session.execute(select(m.Client.ext_id, m.Client.id).where(m.Client.ext_id.in_(chunk)))
        out.update((ext, cid) for ext, cid in rows)
    return out
