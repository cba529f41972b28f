"""Find the client a message comes from: by address, then by domain; strangers become prospects."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, cast, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from goodterms.ledger import models as m
from goodterms.ledger.queries import UnknownClient
from goodterms.ledger.queries import find_client as lookup_client


@dataclass(frozen=True)
class Match:
    """The client a message belongs to and how we know."""

    client: m.Client
    how: str  # "reference", "address", "domain" or "prospect"


def _json_contains(column: InstrumentedAttribute[list[str]], value: str) -> ColumnElement[bool]:
    # JSON lists are stored as text on SQLite and json on PostgreSQL; both cast to '["a@b", ...]'.
    return func.lower(cast(column, String)).contains(f'"{value.lower()}"', autoescape=True)


def find_client(*, session: Session, address: str) -> Match | None:
    """Return the client whose e-mail addresses, else whose domains, include this address."""
    address = address.strip().lower()
    query = select(m.Client).where(_json_contains(m.Client.emails, address)).order_by(m.Client.id)
    for client in session.scalars(query):
        if address in (e.lower() for e in client.emails):
            return Match(client, "address")
    domain = address.rsplit("@", 1)[-1]
    query = select(m.Client).where(_json_contains(m.Client.domains, domain)).order_by(m.Client.id)
    for client in session.scalars(query):
        if domain in (d.lower() for d in client.domains):
            return Match(client, "domain")
    return None


class AddressBook:
    """An in-process index of client addresses and domains, checked against the ledger on every hit.

    A hit costs one primary-key read and is verified (the client still lists the address); a miss
    or a stale entry falls back to scanning the clients table, so the ledger stays the truth.
    """

    def __init__(self) -> None:
        self._by_address: dict[str, int] = {}
        self._by_domain: dict[str, int] = {}
        self._loaded_up_to = 0

    def _refresh(self, session: Session) -> None:
        rows = session.execute(
            select(m.Client.id, m.Client.emails, m.Client.domains)
            .where(m.Client.id > self._loaded_up_to)
            .order_by(m.Client.id)
        )
        for cid, emails, domains in rows:
            for address in emails or ():
                self._by_address.setdefault(str(address).lower(), cid)
            for domain in domains or ():
                self._by_domain.setdefault(str(domain).lower(), cid)
            self._loaded_up_to = max(self._loaded_up_to, cid)

    def find(self, *, session: Session, address: str) -> Match | None:
        """Return the client for an address: cached hit verified against the ledger, else a scan."""
        address = address.strip().lower()
        domain = address.rsplit("@", 1)[-1]
        self._refresh(session)
        for table, key, how in ((self._by_address, address, "address"), (self._by_domain, domain, "domain")):
            cid = table.get(key)
            if cid is None:
                continue
            client = session.get(m.Client, cid)
            listed = (client.emails if how == "address" else client.domains) if client else []
            if client is not None and key in (v.lower() for v in listed):
                return Match(client, how)
            break  # stale entry: trust only the ledger
        return find_client(session=session, address=address)


def client_by_ref(*, session: Session, ref: str) -> m.Client | None:
    """Return a client by its ledger ext_id or name (``ledger.queries.find_client``), numeric id or e-mail address."""
    try:
        client: m.Client | None = lookup_client(session, ref)
    except UnknownClient:
        client = None
    if client is None and ref.isdigit():
        client = session.get(m.Client, int(ref))
    if client is None and "@" in ref:
        found = find_client(session=session, address=ref)
        client = found.client if found else None
    return client


def add_prospect(
    *, session: Session, address: str, name: str | None, language: str, timezone: str, currency: str
) -> m.Client:
    """Record a stranger who wrote to us as a prospect client (not an error)."""
    address = address.strip().lower()
    client = m.Client(
        ext_id=f"prospect:{address}"[:200],
        name=(name or address)[:300],
        language=language,
        timezone=timezone,
        currency=currency,
        emails=[address],
        phones=[],
        domains=[],
        prospect=True,
        status="active",
    )
    session.add(client)
    session.flush()
    return client


def match_or_prospect(
    *,
    session: Session,
    address: str,
    name: str | None,
    language: str,
    timezone: str,
    currency: str,
    book: AddressBook | None = None,
) -> Match:
    """Return the matching client, creating a prospect for an unknown sender."""
    found = (
        book.find(session=session, address=address) if book else find_client(session=session, address=address)
    )
    if found is not None:
        return found
    existing = session.scalars(
        select(m.Client).where(m.Client.ext_id == f"prospect:{address.lower()}")
    ).first()
    if existing is not None:
        return Match(existing, "prospect")
    client = add_prospect(
        session=session, address=address, name=name, language=language, timezone=timezone, currency=currency
    )
    return Match(client, "prospect")
