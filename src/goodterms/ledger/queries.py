"""Read the ledger: the portfolio overview and one client's timeline (stable JSON shapes)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Engine, Integer, Select, func, select, type_coerce
from sqlalchemy.orm import Session

from goodterms.ledger import models as m
from goodterms.ledger.types import Fixed2, from_hundredths


class NotFound(LookupError):
    """A client (or record) named on the command line does not exist."""


class UnknownClient(NotFound):
    """No client has that id or name."""


def name_key(name: str) -> str:
    """Return a name as lookups compare it: Unicode-normalised, case-folded, spaces collapsed.

    Done in Python, not with the database's ``lower()``: SQLite's folds ASCII only, so "OÜ" and
    "oü" would differ there and match on PostgreSQL.
    """
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def find_client(session: Session, ref: str) -> m.Client:
    """Find a client by source id, else by name (any case, any script); the one lookup every door uses."""
    client = session.scalars(select(m.Client).where(m.Client.ext_id == ref)).first()
    if client is None:
        client = session.scalars(select(m.Client).where(m.Client.name == ref).order_by(m.Client.id)).first()
    if client is None:
        key = name_key(ref)
        found = next(
            (
                cid
                for cid, name in session.execute(select(m.Client.id, m.Client.name).order_by(m.Client.id))
                if name_key(name) == key
            ),
            None,
        )
        client = session.get(m.Client, found) if found is not None else None
    if client is None:
        raise UnknownClient(f"no client with id or name {ref!r}")
    return client


def overview_select(only: Select[Any] | None = None) -> Select[Any]:
    """Return the per-client overview query: counts of contacts and requests, what is still due.

    ``only``, a query of client ids, keeps the counting to those clients (a page of 50 counts their
    records through the indexes instead of grouping every record in the ledger).
    """

    def of(query: Any, column: Any) -> Any:
        return query.where(column.in_(only)) if only is not None else query

    contacts = of(select(m.Contact.client_id, func.count().label("n")), m.Contact.client_id)
    contacts_n = contacts.group_by(m.Contact.client_id).subquery()
    requests = of(
        select(
            m.Request.client_id,
            func.count().label("n"),
            func.sum(func.cast(m.Request.status.in_(("open", "waiting")), Integer)).label("open"),
        ),
        m.Request.client_id,
    )
    requests_n = requests.group_by(m.Request.client_id).subquery()
    paid_q = select(m.Payment.invoice_id, func.sum(m.Payment.amount).label("paid"))
    if only is not None:
        paid_q = paid_q.where(
            m.Payment.invoice_id.in_(select(m.Invoice.id).where(m.Invoice.client_id.in_(only)))
        )
    paid = paid_q.group_by(m.Payment.invoice_id).subquery()
    invoice_paid = func.coalesce(paid.c.paid, 0)
    open_q = (
        select(
            m.Invoice.client_id,
            func.count().label("n"),
            type_coerce(func.sum(m.Invoice.amount - invoice_paid), Fixed2()).label("due"),
        )
        .select_from(m.Invoice)
        .outerjoin(paid, paid.c.invoice_id == m.Invoice.id)
        .where(invoice_paid < m.Invoice.amount)
    )
    open_inv = of(open_q, m.Invoice.client_id).group_by(m.Invoice.client_id).subquery()
    query: Select[Any] = (
        select(
            m.Client.id,
            m.Client.ext_id,
            m.Client.name,
            m.Client.language,
            m.Client.status,
            m.Client.currency,
            func.coalesce(contacts_n.c.n, 0).label("contacts"),
            func.coalesce(requests_n.c.n, 0).label("requests"),
            func.coalesce(requests_n.c.open, 0).label("open_requests"),
            func.coalesce(open_inv.c.n, 0).label("open_invoices"),
            open_inv.c.due.label("amount_due"),
        )
        .outerjoin(contacts_n, contacts_n.c.client_id == m.Client.id)
        .outerjoin(requests_n, requests_n.c.client_id == m.Client.id)
        .outerjoin(open_inv, open_inv.c.client_id == m.Client.id)
    )
    return query


def clients_overview(engine: Engine) -> list[dict[str, Any]]:
    """Return one row per client: counts of contacts, requests and open invoices."""
    with engine.connect() as conn:
        rows = conn.execute(overview_select().order_by(m.Client.name, m.Client.id)).all()
    return [
        {
            "id": r.ext_id,
            "name": r.name,
            "language": r.language,
            "status": r.status,
            "contacts": int(r.contacts),
            "requests": int(r.requests),
            "open_requests": int(r.open_requests or 0),
            "open_invoices": int(r.open_invoices),
            "amount_due": str(r.amount_due if r.amount_due is not None else from_hundredths(0)),
            "currency": r.currency,
        }
        for r in rows
    ]


def _day(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=UTC)


def timeline(engine: Engine, ref: str, *, since: date | None = None) -> dict[str, Any]:
    """Return a client's ledger as one list of entries ordered by time."""
    from goodterms.ledger.timeline_page import KINDS

    entries: list[dict[str, Any]] = []
    with Session(engine) as session:
        client = find_client(session, ref)
        for kind, spec in KINDS.items():
            query = spec.query(client.id)
            if since is not None:  # invoices are dated by the day they were issued
                query = query.where(spec.at >= (since if kind == "invoice" else _day(since)))
            entries += [spec.build(row) for row in session.execute(query)]
        entries.sort(key=lambda e: (e["at"], e["type"], e["id"]))
        return {
            "client": {"id": client.ext_id, "name": client.name, "timezone": client.timezone},
            "entries": entries,
        }
