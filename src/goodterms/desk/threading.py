"""Which request a message continues: Message-ID / In-Reply-To / References, or [GT-000123] in the subject."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.ledger import models as m


def format_reference(prefix: str, request_id: int) -> str:
    """Return the reference of a request, e.g. ``GT-000123``."""
    return f"{prefix}-{request_id:06d}"


def reference_in(subject: str, prefix: str) -> str | None:
    """Return the request reference a subject carries in brackets, e.g. ``[GT-000123]``."""
    found = re.search(rf"\[({re.escape(prefix)}-\d+)\]", subject, re.IGNORECASE)
    return found.group(1).upper() if found else None


_SUBJECT_MAX = 200


def reply_subject(subject: str, reference: str) -> str:
    """Return ``Re: <subject> [REF]`` without stacking prefixes or references."""
    base = " ".join(subject.split()) or "(no subject)"
    if len(base) > _SUBJECT_MAX:  # a subject line is a headline, not the whole message
        base = base[: _SUBJECT_MAX - 1].rstrip() + "…"
    if not re.match(r"(?i)^re\s*:", base):
        base = f"Re: {base}"
    tag = f"[{reference}]"
    return base if tag.lower() in base.lower() else f"{base} {tag}"


def threaded_request(
    *, session: Session, client_id: int, message_ids: Sequence[str], subject: str, prefix: str
) -> m.Request | None:
    """Return the client's request this message continues, by message ids first, then subject reference."""
    ids = [i for i in message_ids if i]
    if ids:
        query = (
            select(m.Request)
            .join(m.Contact, m.Contact.request_id == m.Request.id)
            .where(m.Contact.message_id.in_(ids), m.Request.client_id == client_id)
            .order_by(m.Contact.at.desc(), m.Contact.id.desc())
            .limit(1)
        )
        found = session.scalars(query).first()
        if found is not None:
            return found
    ref = reference_in(subject, prefix)
    if ref is not None:
        return session.scalars(
            select(m.Request).where(m.Request.reference == ref, m.Request.client_id == client_id)
        ).first()
    return None
