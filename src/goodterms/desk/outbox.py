"""Outgoing mail, stored first and sent after: exactly once across crashes (outbox pattern).

``enqueue`` writes the message in the caller's transaction, so a stored request and its
acknowledgement commit together. ``send_pending`` sends unsent rows and marks each one sent only
after the relay accepted it; a crash between send and mark can at worst resend that one row,
never lose it, and the row's Message-ID lets the receiving side recognise the repeat.

A row that cannot be put together, has no usable address or is refused by the relay for good
(5xx) is set aside (``failed_at``, reason in ``last_error``) and never blocks the rows after it.
The mark after a send is retried with backoff when the database is busy (a long import holds
SQLite's lock); if it still cannot be written, this process remembers the row as sent and does
not hand it to the relay again, writing the mark on the next round.
"""

from __future__ import annotations

import email.policy
import hashlib
import logging
import smtplib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from goodterms.desk.addresses import usable_address
from goodterms.desk.relay import Relay, RelaySetupError, connect
from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope
from goodterms.ledger.stale import mark_stale

log = logging.getLogger(__name__)
#: Headers goodterms fills itself when a row does not give them.
_FROM_DEFAULT = "desk@localhost"
#: Pauses (seconds) between tries of a bookkeeping write after the relay took a message.
MARK_RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
#: Pauses (seconds) before trying again after a lost connection or a temporary (4xx) refusal.
RETRY_DELAYS: tuple[float, ...] = (2.0, 8.0)
#: Rows the relay accepted whose "sent" mark could not be written yet: (database, id) -> when accepted.
_accepted_unmarked: dict[tuple[str, int], datetime] = {}
_accepted_lock = threading.Lock()
#: First key of the PostgreSQL advisory lock a sender holds on an outbox row (the second is its id).
_LOCK_NS = 0x6F62  # "ob"


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
    all_headers.setdefault("Message-ID", message_id(key, all_headers.get("From")))
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
        mark_stale(session, [client_id])
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        from goodterms.service.defer import defer_delivery

        defer_delivery(session, row)  # in this transaction: the job exists exactly when the row does
    return row


def message_id(key: str, from_addr: str | None) -> str:
    """The Message-ID of the outbox row ``key``: the same on every send, so a resend is recognisable."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<gt.{digest}@{_domain(from_addr)}>"


def _request_id(headers: dict[str, str]) -> int | None:
    value = headers.get("X-Goodterms-Request-Id")
    return int(value) if value and value.isdigit() else None


def _domain(from_addr: str | None) -> str:
    if from_addr and "@" in from_addr:
        return from_addr.rsplit("@", 1)[1].strip(" >")
    return "goodterms.local"


def header_text(value: str) -> str:
    """Return free text (a client's subject) that the mail library will not read as an RFC 2047 word.

    ``=?utf-8?B?broken?=`` typed or half-decoded in a subject would be decoded again when the header
    is set and fail on output; a WORD JOINER (U+2060, invisible) between ``=`` and ``?`` keeps the
    text as it reads. Line breaks become spaces (a header is one line).
    """
    return " ".join(value.replace("=?", "=\u2060?").split())


def build_message(row: m.Outbox) -> EmailMessage:
    """Turn an outbox row into an RFC 5322 message (UTF-8 body, headers as queued)."""
    msg = EmailMessage()
    headers = dict(row.headers or {})
    msg["From"] = headers.pop("From", _FROM_DEFAULT)
    msg["To"] = row.to_addr
    msg["Subject"] = header_text(row.subject)
    msg["Date"] = format_datetime(row.created_at.astimezone(UTC))
    for name, value in headers.items():
        if name.lower() in ("to", "subject", "date") or name.lower().startswith("x-goodterms-"):
            continue  # internal bookkeeping headers stay in the ledger
        msg[name] = value
    if msg["Message-ID"] is None:  # rows queued without one still get their stable id
        msg["Message-ID"] = message_id(row.key, str(msg["From"]))
    msg.set_content(row.body, charset="utf-8")
    return msg


def _ready(row: m.Outbox) -> EmailMessage | str:
    """Return the message ready to send, or why it cannot be sent at all (in words)."""
    if not usable_address(row.to_addr):
        return f"the address {row.to_addr!r} is not a usable e-mail address, so nothing was sent"
    try:
        msg = build_message(row)
        try:  # what the relay would get: fails here, not half-way through a send
            msg.as_bytes()
        except UnicodeError:  # a non-ASCII address goes out as SMTPUTF8, as smtplib will send it
            msg.as_bytes(policy=email.policy.SMTPUTF8)
    except Exception as exc:  # any row, however odd, must not stop the rows after it
        return f"the message could not be put together ({type(exc).__name__}: {exc})"
    return msg


def _unsent(session: Session, kinds: set[str] | None, ids: list[int] | None = None) -> list[m.Outbox]:
    query = (
        select(m.Outbox).where(m.Outbox.sent_at.is_(None), m.Outbox.failed_at.is_(None)).order_by(m.Outbox.id)
    )
    if kinds is not None:
        query = query.where(m.Outbox.kind.in_(sorted(kinds)))
    if ids is not None:
        query = query.where(m.Outbox.id.in_(ids))
    return list(session.scalars(query))


def send_pending(
    *,
    engine: Engine,
    relay: Relay | None = None,
    relay_host: str | None = None,
    relay_port: int | None = None,
    kinds: set[str] | None = None,
    ids: list[int] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    retry_delays: tuple[float, ...] | None = None,
) -> int:
    """Send every unsent row through the relay and mark it sent; return how many were sent.

    ``ids`` limits the round to those rows (a queue job delivers the row it was deferred for).
    Give ``relay`` (TLS, login) or, for a plain local relay, ``relay_host`` and ``relay_port``.
    A lost connection and a temporary refusal (4xx) are tried again after each of ``retry_delays``
    (default ``RETRY_DELAYS``; ``()`` for a caller that waits on nobody, such as a web request or
    the desk's own sender loop, which backs off itself); a row still refused for now stays queued
    with the reason in ``last_error`` for the next round. A refusal for good (5xx) sets the row
    aside at once and is never tried again. Raises ``RelaySetupError`` (wrong password,
    untrusted certificate: every row stays queued), ``OSError`` (relay still unreachable after the
    retries) and ``sqlalchemy.exc.DBAPIError`` (database unavailable) for the caller to report;
    none loses a row or sends one twice from this process.
    """
    target = relay if relay is not None else Relay(host=relay_host or "127.0.0.1", port=relay_port or 25)
    delays = RETRY_DELAYS if retry_delays is None else retry_delays
    target.check()  # a missing password is a setup problem, found before any connection
    _write_remembered_marks(engine)
    with session_scope(engine) as session:
        ids = [row.id for row in _unsent(session, kinds, ids)]
    db = _database(engine)
    with _accepted_lock:
        ids = [i for i in ids if (db, i) not in _accepted_unmarked]
    sent = 0
    broken = 0  # connection failures so far
    refused_for_now: dict[int, int] = {}  # row id -> temporary refusals so far
    while ids:
        try:
            with connect(target) as smtp:
                while ids:
                    outcome = _send_row(engine, smtp, ids[0], sleep)
                    if outcome == "later":
                        tries = refused_for_now[ids[0]] = refused_for_now.get(ids[0], 0) + 1
                        if tries <= len(delays):
                            sleep(delays[tries - 1])
                            continue  # the same row again, on the same connection
                    sent += outcome == "sent"
                    ids.pop(0)
        except RelaySetupError:
            raise  # retrying cannot help: every row not yet sent stays queued
        except OSError as exc:  # unreachable, or the connection broke: the rows not yet sent wait
            if broken >= len(delays):
                raise
            log.warning("relay %s: %s; trying again in %s s", target.where, exc, delays[broken])
            sleep(delays[broken])
            broken += 1
    return sent


@contextmanager
def _claim(engine: Engine, row_id: int) -> Iterator[bool]:
    """On PostgreSQL, hold the row's advisory lock while it is handed to the relay and marked sent.

    Yields False when another process (a second worker, ``desk send``, another ``goodterms run``)
    holds it: that one sends the row. The lock is a transaction lock on a connection of its own,
    released when that transaction ends, so it works through PgBouncer's transaction pooling and a
    sender killed mid-send leaves the row to the next one. The transaction writes nothing and holds
    no snapshot while it waits, so it does not hold back vacuum. SQLite has one writer per file and
    no such lock: yields True.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as conn:
        got = conn.execute(
            text("SELECT pg_try_advisory_xact_lock(CAST(:ns AS integer), CAST(:id AS integer))"),
            {"ns": _LOCK_NS, "id": row_id},
        ).scalar()
        try:
            yield bool(got)
        finally:
            conn.rollback()  # ends the transaction, and with it the lock


def _send_row(engine: Engine, smtp: smtplib.SMTP, row_id: int, sleep: Callable[[float], None]) -> str:
    """Hand one row to the relay: "sent", "done" (nothing to send, or set aside) or "later" (4xx)."""
    with _claim(engine, row_id) as mine:
        if not mine:
            return "done"  # another sender has it in hand
        return _send_claimed(engine, smtp, row_id, sleep)


def _send_claimed(engine: Engine, smtp: smtplib.SMTP, row_id: int, sleep: Callable[[float], None]) -> str:
    with session_scope(engine) as session:
        row = session.get(m.Outbox, row_id)
        if row is None or row.sent_at is not None or row.failed_at is not None:
            return "done"  # another sender got there first
        ready = _ready(row)
        if isinstance(ready, str):
            _set_aside(row, ready)
            log.error("outbox row %s (%s) set aside: %s", row.id, row.key, ready)
            return "done"
        to_addr = row.to_addr
    try:
        smtp.send_message(ready, to_addrs=[to_addr])
    except smtplib.SMTPServerDisconnected:
        raise  # the relay went away: this row and the rest stay unsent
    except smtplib.SMTPException as exc:  # the relay answered, and said no
        return "done" if _note_refusal(engine, row_id, exc, sleep) else "later"
    except OSError:
        raise  # the connection broke: this row and the rest stay unsent
    except Exception as exc:  # e.g. an address the relay cannot carry (no SMTPUTF8)
        _note_refusal(engine, row_id, exc, sleep)
        return "done"
    _mark_sent(engine, row_id, sleep)
    return "sent"


def _set_aside(row: m.Outbox, reason: str) -> None:
    row.failed_at = _now()
    row.last_error = reason[:2000]


def _refusal_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return max(codes) if codes else None
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None


def _note_refusal(engine: Engine, row_id: int, exc: Exception, sleep: Callable[[float], None]) -> bool:
    """The relay refused this row: for good (5xx, or it cannot carry it at all) or for now (4xx).

    Return True when the row was set aside for good.
    """
    code = _refusal_code(exc)
    permanent = code is None or code >= 500
    reason = f"the relay refused it ({type(exc).__name__}: {exc})"

    def write(session: Session) -> None:
        row = session.get(m.Outbox, row_id)
        if row is None:
            return
        row.attempts += 1
        if permanent:
            _set_aside(row, reason)
        else:
            row.last_error = f"{reason}; it will be tried again"[:2000]

    log.warning("outbox row %s refused by the relay%s: %s", row_id, "" if permanent else " for now", exc)
    _write_with_retry(engine, write, sleep)
    return permanent


def _mark_sent(engine: Engine, row_id: int, sleep: Callable[[float], None]) -> None:
    """Mark a row the relay accepted; if the database stays busy, remember it for the next round."""
    accepted = _now()
    remembered = (_database(engine), row_id)
    with _accepted_lock:
        _accepted_unmarked[remembered] = accepted

    def write(session: Session) -> None:
        row = session.get(m.Outbox, row_id)
        if row is not None:
            row.attempts += 1
            row.sent_at = accepted
            row.last_error = None

    _write_with_retry(engine, write, sleep)
    with _accepted_lock:
        _accepted_unmarked.pop(remembered, None)


def _database(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _write_remembered_marks(engine: Engine) -> None:
    db = _database(engine)
    with _accepted_lock:
        pending = {row_id: when for (where, row_id), when in _accepted_unmarked.items() if where == db}
    for row_id, accepted in sorted(pending.items()):
        with session_scope(engine) as session:
            row = session.get(m.Outbox, row_id)
            if row is not None and row.sent_at is None:
                row.attempts += 1
                row.sent_at = accepted
                row.last_error = None
        with _accepted_lock:
            _accepted_unmarked.pop((db, row_id), None)


def _write_with_retry(
    engine: Engine, write: Callable[[Session], None], sleep: Callable[[float], None]
) -> None:
    """Run one short write transaction, retrying database errors with growing pauses; re-raise at the end."""
    for delay in (*MARK_RETRY_DELAYS, None):
        try:
            with session_scope(engine) as session:
                write(session)
            return
        except DBAPIError as exc:
            if delay is None:
                raise
            log.warning(
                "database busy while recording a sent message (%s); trying again in %s s", exc.orig, delay
            )
            sleep(delay)


def set_aside_rows(*, session: Session, kinds: set[str] | None = None, limit: int = 50) -> list[m.Outbox]:
    """Return rows that were set aside (newest first) for staff to see, with their reasons."""
    query = select(m.Outbox).where(m.Outbox.failed_at.is_not(None)).order_by(m.Outbox.failed_at.desc())
    if kinds is not None:
        query = query.where(m.Outbox.kind.in_(sorted(kinds)))
    return list(session.scalars(query.limit(limit)))


def write_eml(*, engine: Engine, directory: Path, kinds: set[str] | None = None) -> list[Path]:
    """Write unsent rows as .eml files for review instead of sending (they stay unsent)."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with session_scope(engine) as session:
        for row in _unsent(session, kinds):
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in row.key)[:120]
            path = directory / f"{row.id:06d}-{row.kind}-{safe}.eml"
            ready = _ready(row)
            if isinstance(ready, str):
                log.error("outbox row %s (%s) not written: %s", row.id, row.key, ready)
                continue
            path.write_bytes(ready.as_bytes())
            written.append(path)
    return written
