"""Addresses the desk may write to, and the business's own addresses, which are never clients (pure + one query)."""

from __future__ import annotations

import re
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.ledger import models as m

# One addr-spec: no spaces, quotes, angle brackets or commas; a domain with at least one dot.
_ADDRESS = re.compile(
    r"[^\s@<>()\[\]\\,;:\"]{1,64}@[^\s@<>()\[\]\\,;:\"._-][^\s@<>()\[\]\\,;:\"]*\.[^\s@<>()\[\]\\,;:\".]{2,}"
)


def usable_address(address: str | None) -> bool:
    """Say whether ``address`` is one plain e-mail address we can send to (``a@b.example``)."""
    return bool(address) and len(address or "") <= 254 and _ADDRESS.fullmatch(address or "") is not None


def plain_address(value: str | None) -> str | None:
    """Return the lower-case address in ``value`` (``Name <a@b>`` or ``a@b``), or None if there is none."""
    if not value:
        return None
    _, addr = parseaddr(value)
    addr = addr.strip().lower()
    return addr if usable_address(addr) else None


def own_addresses(*, session: Session, business_email: str | None, from_address: str | None) -> set[str]:
    """Return the business's own addresses: its e-mail, the desk's From address and every staff address."""
    found = {plain_address(business_email), plain_address(from_address)}
    found.update(
        plain_address(e) for e in session.scalars(select(m.Staff.email).where(m.Staff.email.is_not(None)))
    )
    return {a for a in found if a is not None}
