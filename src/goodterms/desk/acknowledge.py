"""Compose an acknowledgement (first, or apology-and-status for a repeat) and queue it in the outbox."""

from __future__ import annotations

from datetime import datetime
from email.utils import formataddr

from sqlalchemy.orm import Session

from goodterms.desk.config import DeskSettings
from goodterms.desk.letters import format_hours, format_moment, language_of, render
from goodterms.desk.outbox import enqueue
from goodterms.desk.threading import reply_subject
from goodterms.handling.addressing import called
from goodterms.ledger import models as m


def queue_ack(
    *,
    session: Session,
    desk: DeskSettings,
    business_name: str,
    business_email: str | None,
    client: m.Client,
    request: m.Request,
    to_addr: str,
    key: str,
    repeat: bool,
    promise_kept: bool,
    target_hours: float,
    subject: str,
    reply_to_id: str | None,
    references: list[str],
    paused_note: str | None = None,
) -> m.Outbox:
    """Queue the acknowledgement of one inbound message; idempotent by ``key``."""
    if request.promised_at is None or request.reference is None:
        # Intake gives every request it takes up both (intake._take_up); other callers must too.
        raise ValueError(f"request {request.id} has no reference or no promise; it cannot be acknowledged")
    lang = language_of(client.language)
    promised = format_moment(request.promised_at, lang=lang, timezone=client.timezone or "UTC")
    body = render(
        template="repeat_ack" if repeat else "ack",
        lang=lang,
        override_dir=desk.template_dir,
        context={
            "client_name": client.name,
            "client_called": called(client.name, lang),
            "subject": request.subject or subject or "—",
            "reference": f"[{request.reference}]",
            "promised": promised,
            "promised_at": request.promised_at,
            "target_hours": format_hours(target_hours),
            "business_name": business_name,
            "chases": request.chases,
            "promise_kept": promise_kept,
            "paused_note": paused_note,
        },
    )
    from_addr = desk.from_address or business_email or "desk@localhost"
    headers = {
        "From": formataddr((business_name, from_addr)),
        # RFC 3834: an automatic response says so, so that other robots do not answer it.
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "X-Goodterms-Request-Id": str(request.id),
    }
    if reply_to_id:
        headers["In-Reply-To"] = reply_to_id
        headers["References"] = " ".join([*references, reply_to_id][-10:])
    return enqueue(
        session=session,
        key=key,
        client_id=client.id,
        kind="repeat_ack" if repeat else "ack",
        to_addr=to_addr,
        subject=reply_subject(subject or request.subject, request.reference),
        body=body,
        headers=headers,
    )


def is_promise_kept(promised_at: datetime | None, now: datetime) -> bool:
    """Say whether a promise is still ahead of us."""
    return promised_at is None or promised_at > now
