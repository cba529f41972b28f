"""Read the business's own mailbox over IMAP into the desk: exactly once, resumable, read-only.

Every message goes through the desk's one intake path (``desk.intake.receive``), so it is
matched, threaded, folded into open requests and acknowledged exactly as SMTP intake does.
Mail in a Sent folder, or from the business's own address, is our side of the conversation:
an outbound contact, and a reply to the request it threads to.

Exactly once: the folder's last UID moves in the same transaction that stores the message, so
a crash or a killed process at any point repeats nothing and loses nothing; the intake keys
messages by Message-ID (or a digest of the raw bytes), so a UIDVALIDITY change, which makes
every UID new again, re-reads the folder without storing anything twice.

What goodterms never does to the mailbox: delete, move or change a message. It selects folders
read-only (EXAMINE) and reads with BODY.PEEK; only ``mark_seen`` sets the \\Seen flag.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from goodterms.app import Goodterms
from goodterms.connect.config import MailboxSettings, PasswordMissing
from goodterms.desk.intake import DeskContext, receive, refuse
from goodterms.desk.responses import answer
from goodterms.desk.threading import threaded_request
from goodterms.ledger import models as m
from goodterms.ledger.importers.mail import ParsedMail, parse_mail
from goodterms.ledger.stale import mark_stale

log = logging.getLogger(__name__)

#: Messages and bytes fetched per round trip (a 30 MB message is fetched on its own).
BATCH_MESSAGES = 50
BATCH_BYTES = 8 * 1024 * 1024
#: Raw bytes of an unstorable message kept with its reason (the whole message stays in the mailbox).
RAW_KEPT = 256 * 1024
#: Folder names that hold our own sent mail when the server does not flag them \Sent.
SENT_NAMES = frozenset({"sent", "sent items", "sent mail", "sent messages", "gesendet", "saadetud"})
#: IDLE is renewed well inside the 29 minutes RFC 2177 allows.
IDLE_RENEW_S = 25 * 60

#: A test hook called as ``hook(stage, folder, uid)``: stage "stored" is inside the message's
#: transaction (before commit), "committed" just after it.
FaultHook = Callable[[str, str, int], None]


class MailboxProblem(Exception):
    """The mailbox cannot be read (no password, wrong password, bad certificate, server away)."""


@dataclass
class FolderReport:
    """What one pass over one folder did."""

    folder: str
    uidvalidity: int | None = None
    resynced: bool = False
    new: int = 0
    stored: int = 0
    duplicates: int = 0
    unmatched: int = 0
    outbound: int = 0
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return dict(self.__dict__)


@dataclass
class FetchReport:
    """What one pass over one mailbox did."""

    mailbox: str
    folders: list[FolderReport] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {"mailbox": self.mailbox, "folders": [f.to_json() for f in self.folders]}


def connect(box: MailboxSettings, *, timeout: float = 60.0) -> IMAPClient:
    """Open a verified TLS connection and log in; every failure is one clear MailboxProblem."""
    try:
        password = box.password()
    except PasswordMissing as exc:
        raise MailboxProblem(str(exc)) from None
    where = f"{box.host}:{box.port}"
    try:
        context = ssl.create_default_context(cafile=box.ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise MailboxProblem(f"mailbox {box.name}: cannot read the CA file {box.ca_file}: {exc}") from None
    try:
        if box.tls == "implicit":
            client = IMAPClient(box.host, box.port, ssl=True, ssl_context=context, timeout=timeout)
        else:
            client = IMAPClient(box.host, box.port, ssl=False, timeout=timeout)
            client.starttls(context)
    except ssl.SSLCertVerificationError as exc:
        raise MailboxProblem(
            f"mailbox {box.name}: the certificate of {where} could not be verified ({exc.verify_message}); "
            "for a server with a private certificate authority give --ca-file"
        ) from None
    except (ssl.SSLError, IMAPClientError) as exc:
        raise MailboxProblem(
            f"mailbox {box.name}: no secure connection to {where} ({box.tls} TLS): {exc}"
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise MailboxProblem(f"mailbox {box.name}: cannot reach {where}: {reason}") from None
    try:
        client.login(box.user, password)
    except LoginError:
        _close(client)
        raise MailboxProblem(
            f"mailbox {box.name}: {box.host} refused the login for {box.user}; check the password "
            "(Google and Microsoft need an app password)"
        ) from None
    except (IMAPClientError, OSError) as exc:
        _close(client)
        raise MailboxProblem(f"mailbox {box.name}: login to {where} failed: {exc}") from None
    return client


def _close(client: IMAPClient) -> None:
    with contextlib.suppress(Exception):
        client.logout()


def fetch(
    app: Goodterms,
    box: MailboxSettings,
    *,
    hook: FaultHook | None = None,
    context: DeskContext | None = None,
) -> FetchReport:
    """Read every new message of the mailbox's folders once; return what happened per folder."""
    client = connect(box)
    try:
        return sync(app, box, client, hook=hook, context=context)
    except (IMAPClientError, OSError) as exc:
        raise MailboxProblem(
            f"mailbox {box.name}: the connection to {box.host}:{box.port} failed while reading "
            f"({_text(exc)}); what was stored is kept, fetch again to continue"
        ) from None
    except DBAPIError as exc:
        if not _db_gone(exc):
            raise
        raise MailboxProblem(
            f"mailbox {box.name}: the database could not be written ({_text(exc.orig or exc)}); "
            "what was stored is kept, fetch again to continue"
        ) from None
    finally:
        _close(client)


def sync(
    app: Goodterms,
    box: MailboxSettings,
    client: IMAPClient,
    *,
    hook: FaultHook | None = None,
    context: DeskContext | None = None,
) -> FetchReport:
    """Read every new message on an open connection."""
    ctx = context or DeskContext.of(app)
    report = FetchReport(box.name)
    try:
        sent = {name for flags, _, name in client.list_folders() if b"\\Sent" in flags}
    except (IMAPClientError, ValueError):
        sent = set()
    for folder in box.folders:
        is_sent = folder in sent or folder.rsplit("/", 1)[-1].rsplit(".", 1)[-1].lower() in SENT_NAMES
        report.folders.append(_sync_folder(app, ctx, box, client, folder, is_sent, hook))
    return report


def _sync_folder(
    app: Goodterms,
    ctx: DeskContext,
    box: MailboxSettings,
    client: IMAPClient,
    folder: str,
    is_sent: bool,
    hook: FaultHook | None,
) -> FolderReport:
    report = FolderReport(folder)
    try:
        info = client.select_folder(folder, readonly=not box.mark_seen)
    except IMAPClientError as exc:
        report.problems.append(f"folder {folder!r} cannot be opened on {box.host}: {_text(exc)}")
        return report
    uidvalidity = int(info.get(b"UIDVALIDITY", 0))
    report.uidvalidity = uidvalidity
    last, report.resynced = _start(app, box.name, folder, uidvalidity)
    criteria: list[Any] = ["UID", f"{last + 1}:*"]
    if box.since is not None:  # mail from before the mailbox was connected is history, not news
        criteria += ["SINCE", box.since]
    uids = sorted(u for u in client.search(criteria) if u > last)
    report.new = len(uids)
    sizes = _sizes(client, uids)
    ours = {a.lower() for a in (box.user, ctx.business.email, ctx.desk.from_address) if a and "@" in a}
    limit = ctx.desk.max_message_bytes
    for batch in _batches(uids, sizes, limit):
        part = "BODY.PEEK[HEADER]" if len(batch) == 1 and sizes.get(batch[0], 0) > limit else "BODY.PEEK[]"
        got = client.fetch(batch, [part])
        for uid in batch:
            data = got.get(uid, {})
            raw = data.get(b"BODY[HEADER]" if part == "BODY.PEEK[HEADER]" else b"BODY[]")
            if not isinstance(raw, bytes):  # expunged meanwhile by someone else: nothing to take
                _advance_alone(app, box.name, folder, uid)
                continue
            outcome = _take(app, ctx, box, folder, uid, raw, sizes.get(uid, len(raw)), is_sent, ours, hook)
            _count(report, outcome)
            if box.mark_seen:
                with contextlib.suppress(IMAPClientError):
                    client.add_flags([uid], [b"\\Seen"], silent=True)
    _touch(app, box.name, folder)
    return report


def _count(report: FolderReport, outcome: tuple[str, str | None]) -> None:
    kind, problem = outcome
    if kind == "duplicate":
        report.duplicates += 1
    elif kind == "outbound":
        report.outbound += 1
    elif kind in ("unmatched", "automatic", "refused", "problem"):
        report.unmatched += 1
    else:
        report.stored += 1
    if problem is not None:
        report.problems.append(problem)


def _sizes(client: IMAPClient, uids: Sequence[int]) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for start in range(0, len(uids), 500):
        for uid, data in client.fetch(uids[start : start + 500], ["RFC822.SIZE"]).items():
            size = data.get(b"RFC822.SIZE")
            sizes[uid] = int(size) if isinstance(size, int) else 0
    return sizes


def _batches(uids: Sequence[int], sizes: dict[int, int], limit: int) -> Iterator[list[int]]:
    batch: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if batch and (len(batch) >= BATCH_MESSAGES or total + size > BATCH_BYTES or size > limit):
            yield batch
            batch, total = [], 0
        if size > limit:  # only its header is fetched, alone
            yield [uid]
            continue
        batch.append(uid)
        total += size
    if batch:
        yield batch


def _state(session: Session, mailbox: str, folder: str) -> m.MailboxFolder | None:
    return session.scalars(
        select(m.MailboxFolder).where(m.MailboxFolder.mailbox == mailbox, m.MailboxFolder.folder == folder)
    ).first()


def _start(app: Goodterms, mailbox: str, folder: str, uidvalidity: int) -> tuple[int, bool]:
    """Return the last UID taken from this folder; a new UIDVALIDITY starts it over."""
    with app.sessions() as session, session.begin():
        state = _state(session, mailbox, folder)
        if state is None:
            session.add(m.MailboxFolder(mailbox=mailbox, folder=folder, uidvalidity=uidvalidity, last_uid=0))
            return 0, False
        if state.uidvalidity != uidvalidity:
            log.warning(
                "mailbox %s: %s has a new UIDVALIDITY (%s, was %s); reading it again, nothing is stored twice",
                mailbox,
                folder,
                uidvalidity,
                state.uidvalidity,
            )
            state.uidvalidity, state.last_uid = uidvalidity, 0
            return 0, True
        return state.last_uid, False


def _advance(session: Session, mailbox: str, folder: str, uid: int) -> None:
    state = _state(session, mailbox, folder)
    if state is None:  # pragma: no cover - _start created it
        raise LookupError(f"no sync state for {mailbox}/{folder}")
    state.last_uid = max(state.last_uid, uid)


def _advance_alone(app: Goodterms, mailbox: str, folder: str, uid: int) -> None:
    with app.sessions() as session, session.begin():
        _advance(session, mailbox, folder, uid)


def _touch(app: Goodterms, mailbox: str, folder: str) -> None:
    with app.sessions() as session, session.begin():
        state = _state(session, mailbox, folder)
        if state is not None:
            state.synced_at = datetime.now(UTC)


def _db_gone(exc: BaseException) -> bool:
    """True when the database itself is away: stop and resume later instead of skipping mail."""
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def _take(
    app: Goodterms,
    ctx: DeskContext,
    box: MailboxSettings,
    folder: str,
    uid: int,
    raw: bytes,
    size: int,
    is_sent: bool,
    ours: set[str],
    hook: FaultHook | None,
) -> tuple[str, str | None]:
    """Store one message and move the folder's last UID past it, in one transaction."""
    where = f"left in the mailbox: {folder}, UID {uid}"
    mail = parse_mail(raw)
    broken = next((d for d in mail.defects if d.startswith("unparseable")), None)
    if broken is not None:  # e.g. MIME nested too deep to walk: read the header alone
        mail = parse_mail(re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0] + b"\r\n\r\n")
    outcome: tuple[str, str | None]
    with app.sessions() as session:
        try:
            if broken is not None:
                reason = f"{where}; its structure cannot be read ({broken}), kept raw"
                _keep_raw(session, mail, raw, reason)
                outcome = ("problem", f"UID {uid}: {reason}")
            elif size > ctx.desk.max_message_bytes:
                reason = (
                    f"message of {size} bytes is over the {ctx.desk.max_message_bytes}-byte limit; {where}"
                )
                refuse(
                    session=session,
                    key=mail.key,
                    sender=mail.sender,
                    subject=mail.subject,
                    at=mail.at,
                    reason=reason,
                )
                outcome = ("refused", f"UID {uid}: {reason}")
            elif is_sent or (mail.sender or "") in ours:
                outcome = (_take_ours(ctx, session, mail, where), None)
            else:
                result = receive(app=app, mail=mail, context=ctx, session=session)
                # machine-sent mail from a client is kept in their ledger (never answered)
                kept = result.outcome == "automatic" and result.contact_id is not None
                outcome = ("kept" if kept else result.outcome, None)
            session.flush()
        except Exception as exc:  # one bad message must never stall the mailbox
            if _db_gone(exc):
                raise
            session.rollback()
            reason = f"{where}; could not be stored ({type(exc).__name__}: {_text(exc)})"
            log.warning("mailbox %s: UID %s in %s %s", box.name, uid, folder, reason)
            _keep_raw(session, mail, raw, reason)
            outcome = ("problem", f"UID {uid}: {reason}")
        _advance(session, box.name, folder, uid)
        if hook is not None:
            hook("stored", folder, uid)
        session.commit()
    if hook is not None:
        hook("committed", folder, uid)
    return outcome


def _text(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:300] if lines else type(exc).__name__


def _keep_raw(session: Session, mail: ParsedMail, raw: bytes, reason: str) -> None:
    """Keep a message that could not be stored, as far as it parsed plus its raw start, with the reason."""
    key = f"imap-problem:{mail.key}"[:500]
    if session.scalars(select(m.UnmatchedMessage.id).where(m.UnmatchedMessage.message_key == key)).first():
        return
    session.add(
        m.UnmatchedMessage(
            message_key=key,
            sender=(mail.sender or "")[:320] or None,
            subject=mail.subject[:500],
            at=mail.at,
            source="mailbox",
            reason=reason[:200],
            text=raw[:RAW_KEPT].decode("utf-8", errors="replace").replace("\x00", ""),
        )
    )


def _take_ours(ctx: DeskContext, session: Session, mail: ParsedMail, where: str) -> str:
    """Record mail the business sent: an outbound contact, and a reply to the request it answers."""
    ext_id = f"desk:{mail.key}"[:200]
    if session.scalars(select(m.Contact.id).where(m.Contact.ext_id == ext_id)).first() is not None:
        return "duplicate"
    if mail.message_id is not None:
        # goodterms' own acknowledgements and notices are recorded when queued (desk.outbox)
        sent_by_us = select(m.Contact.id).where(
            m.Contact.message_id == mail.message_id[:500], m.Contact.direction == "outbound"
        )
        if session.scalars(sent_by_us).first() is not None:
            return "duplicate"
    client = next(
        (found.client for a in mail.to if (found := ctx.addresses.find(session=session, address=a))), None
    )
    now = datetime.now(UTC)
    at = mail.at if mail.at is not None and mail.at <= now else now
    if client is None:
        reason = f"sent by the business to no known client; {where}"
        refuse(session=session, key=mail.key, sender=mail.sender, subject=mail.subject, at=at, reason=reason)
        return "unmatched"
    ids = ([mail.in_reply_to] if mail.in_reply_to else []) + list(mail.references)
    request = threaded_request(
        session=session,
        client_id=client.id,
        message_ids=ids,
        subject=mail.subject,
        prefix=ctx.desk.reference_prefix,
    )
    session.add(
        m.Contact(
            ext_id=ext_id,
            client_id=client.id,
            request_id=request.id if request is not None else None,
            at=at,
            channel="email",
            direction="outbound",
            answered=True,
            subject=mail.subject[:500],
            text=mail.text,
            sender=(mail.sender or "")[:320] or None,
            message_id=(mail.message_id or "")[:500] or None,
            in_reply_to=(mail.in_reply_to or "")[:500] or None,
        )
    )
    if request is not None:
        answer(session=session, calendar=ctx.calendar, request_id=request.id, at=at, text=mail.text)
    mark_stale(session, [client.id])
    return "outbound"


def watch(
    app: Goodterms,
    box: MailboxSettings,
    *,
    stop: threading.Event,
    on_sync: Callable[[FetchReport], None] | None = None,
    hook: FaultHook | None = None,
) -> None:
    """Read new mail until ``stop`` is set: IMAP IDLE wakes it where the server has it, else it polls.

    The first connection must succeed (a wrong password is reported at once); later losses of the
    connection are logged and retried every ``poll_seconds``.
    """
    ctx = DeskContext.of(app)
    client: IMAPClient | None = connect(box)
    while not stop.is_set():
        try:
            if client is None:
                client = connect(box)
            report = sync(app, box, client, hook=hook, context=ctx)
            if on_sync is not None:
                on_sync(report)
            _wait_for_mail(client, box, stop)
        except (MailboxProblem, IMAPClientError, OSError, OperationalError) as exc:
            log.warning("mailbox %s: %s; trying again in %s s", box.name, _text(exc), box.poll_seconds)
            if client is not None:
                _close(client)
            client = None
            stop.wait(box.poll_seconds)
    if client is not None:
        _close(client)


def _wait_for_mail(client: IMAPClient, box: MailboxSettings, stop: threading.Event) -> None:
    """Wait up to ``poll_seconds`` for new mail in the first folder (IDLE), or just wait."""
    if b"IDLE" not in client.capabilities():
        stop.wait(box.poll_seconds)
        return
    client.select_folder(box.folders[0], readonly=True)
    client.idle()
    try:
        until = time.monotonic() + min(box.poll_seconds, IDLE_RENEW_S)
        while not stop.is_set() and time.monotonic() < until:
            news = client.idle_check(timeout=1)
            if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in news):
                return
    finally:
        with contextlib.suppress(IMAPClientError, OSError, socket.timeout):
            client.idle_done()
