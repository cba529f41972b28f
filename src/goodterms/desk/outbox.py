"""Outgoing mail, stored first and sent after: exactly once across crashes (outbox pattern).

``enqueue`` writes the message in the caller's transaction, so a stored request and its
acknowledgement commit together. ``send_pending`` sends unsent rows and marks each one sent only
after the relay accepted it; a crash between send and mark can at worst resend that one row,
never lose it, and the row's Message-ID lets the receiving side recognise the repeat.
"""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope

#: Headers goodterms fills itself when a row does not give them.
_FROM_DEFAULT = "desk@localhost"


def _now() -> datetime:
    return datetime.now(UTC)


def enqueue(
    *,
    session: Session,
    key: str,
    client_id: int | None,
    kind: str,
    to_addr: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
    record_contact: bool = True,
) -> m.Outbox:
    """Queue one message under an idempotency key; the same key returns the existing row."""
    existing = session.scalars(select(m.Outbox).where(m.Outbox.key == key)).first()
    if existing is not None:
        return existing
    now = _now()
    all_headers = dict(headers or {})
    all_headers.setdefault("Message-ID", make_msgid(domain=_domain(all_headers.get("From"))))
    row = m.Outbox(
        key=key,
        client_id=client_id,
        kind=kind,
        to_addr=to_addr,
        subject=subject,
        body=body,
        headers=all_headers,
        created_at=now,
        sent_at=None,
        attempts=0,
    )
    session.add(row)
    if record_contact and client_id is not None:
        session.add(
            m.Contact(
                ext_id=f"outbox:{key}",
                client_id=client_id,
                request_id=_request_id(all_headers),
                at=now,
                channel="email",
                direction="outbound",
                answered=True,
                subject=subject[:500],
                text=body,
                sender=all_headers.get("From"),
                message_id=all_headers["Message-ID"],
                in_reply_to=all_headers.get("In-Reply-To"),
            )
        )
    session.flush()
    return row


def _request_id(headers: dict[str, str]) -> int | None:
    value = headers.get("X-Goodterms-Request-Id")
    return int(value) if value and value.isdigit() else None


def _domain(from_addr: str | None) -> str:
    if from_addr and "@" in from_addr:
        return from_addr.rsplit("@", 1)[1].strip(" >")
    return "goodterms.local"


def build_message(row: m.Outbox) -> EmailMessage:
    """Turn an outbox row into an RFC 5322 message (UTF-8 body, headers as queued)."""
    msg = EmailMessage()
    headers = dict(row.headers or {})
    msg["From"] = headers.pop("From", _FROM_DEFAULT)
    msg["To"] = row.to_addr
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(row.created_at.astimezone(UTC))
    for name, value in headers.items():
        if name.lower() in ("to", "subject", "date") or name.lower().startswith("x-goodterms-"):
            continue  # internal bookkeeping headers stay in the ledger
        msg[name] = value
    msg.set_content(row.body, charset="utf-8")
    return msg


def _unsent(session: Session, kinds: set[str] | None) -> list[m.Outbox]:
    query = select(m.Outbox).where(m.Outbox.sent_at.is_(None)).order_by(m.Outbox.id)
    if kinds is not None:
        query = query.where(m.Outbox.kind.in_(sorted(kinds)))
    return list(session.scalars(query))


def send_pending(*, engine: Engine, relay_host: str, relay_port: int, kinds: set[str] | None = None) -> int:
    """Send every unsent row through the relay and mark it sent; return how many were sent."""
    with session_scope(engine) as session:
        ids = [row.id for row in _unsent(session, kinds)]
    if not ids:
        return 0
    sent = 0
    with smtplib.SMTP(relay_host, relay_port, timeout=30) as smtp:
        for row_id in ids:
            with session_scope(engine) as session:
                row = session.get(m.Outbox, row_id)
                if row is None or row.sent_at is not None:
                    continue  # another sender got there first
                msg = build_message(row)
                row.attempts += 1
                try:
                    smtp.send_message(msg, to_addrs=[row.to_addr])
                except (
                    smtplib.SMTPRecipientsRefused,
                    smtplib.SMTPDataError,
                    smtplib.SMTPSenderRefused,
                ) as exc:
                    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                    continue
                row.sent_at = _now()
                row.last_error = None
                sent += 1
    return sent


def write_eml(*, engine: Engine, directory: Path, kinds: set[str] | None = None) -> list[Path]:
    """Write unsent rows as .eml files for review instead of sending (they stay unsent)."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with session_scope(engine) as session:
        for row in _unsent(session, kinds):
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in row.key)[:120]
            path = directory / f"{row.id:06d}-{row.kind}-{safe}.eml"
            path.write_bytes(build_message(row).as_bytes())
            written.append(path)
    return written
