"""Import files into the ledger: one transaction per file, idempotent, streaming.

This is the I/O edge around the pure parsers in ``ledger.importers``: it opens files, hashes
them, hands events to ``ledger.store.Writer`` and records an ``import_runs`` row.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.exc import OperationalError

from goodterms.ledger import models as m
from goodterms.ledger.importers.calls import parse_calls, phone_key
from goodterms.ledger.importers.jsonl import ParsedEvent, parse_line, parse_stream
from goodterms.ledger.importers.mail import ParsedMail, parse_mail
from goodterms.ledger.mail_files import MailSource, mail_files
from goodterms.ledger.problems import ImportProblem
from goodterms.ledger.request_state import RequestPolicy, noting_requests, settle_requests
from goodterms.ledger.store import ImportCounts, Writer, table_of

if TYPE_CHECKING:
    from goodterms.ledger.sheet_import import SheetOptions

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    """What one file did to the ledger."""

    path: str
    kind: str
    counts: ImportCounts
    unmatched: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.notes = [*self.counts.notes, *self.notes]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "inserted": self.counts.inserted,
            "updated": self.counts.updated,
            "unchanged": self.counts.unchanged,
            "by_type": self.counts.by_type,
            "unmatched": self.unmatched,
            "notes": self.notes,
        }


class _HashingReader(io.RawIOBase):
    """Read a binary file while hashing it and reporting progress."""

    def __init__(self, raw: BinaryIO, progress: Progress | None) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha.update(data)
        if self.progress is not None:
            self.progress(n)
        return n


_HEADER_LINE = re.compile(rb"^(From |[!-9;-~]+:)")


def _looks_like_mail(path: Path) -> bool:
    """Say whether a file of unknown suffix starts like an RFC 822 message or an mbox."""
    try:
        with path.open("rb") as fh:
            head = fh.read(2048)
    except OSError:
        return False
    return bool(_HEADER_LINE.match(head.lstrip(b"\r\n")))


def detect_kind(path: Path) -> str:
    """Say which importer reads a path: jsonl, calls, sheet (xlsx), mail (eml/mbox/Maildir)."""
    if path.is_dir():
        return "mail"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "calls"
    if suffix in (".xlsx", ".xlsm"):
        return "sheet"
    if suffix in (".eml", ".mbox", ".mail", ".msg", ".raw", ".txt", ".p7m", ""):
        return "mail"
    if _looks_like_mail(path):
        return "mail"
    raise ImportProblem(
        str(path),
        None,
        None,
        f"unknown file type {suffix!r}: expected .jsonl, .csv, .xlsx, .eml, .mbox or a Maildir",
    )


def _record_run(conn: Connection, path: str, kind: str, sha: str, counts: ImportCounts) -> int:
    result = conn.execute(
        insert(table_of(m.ImportRun)).returning(table_of(m.ImportRun).c.id),
        {
            "path": path,
            "kind": kind,
            "sha256": sha,
            "at": datetime.now(UTC),
            "inserted": counts.inserted,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
        },
    )
    return int(result.scalar_one())


#: How long an import waits for another one (or another writer on SQLite) before giving up.
IMPORT_WAIT_S = 600.0
_IMPORT_LOCK = 0x676F6F647465726D  # PostgreSQL advisory lock key: "goodterm"


def _wait_for_other_imports(conn: Connection, path: str) -> None:
    """Take the database's import lock first thing in the transaction, waiting for a running import.

    Two imports at once would otherwise both find a record missing and both insert it (PostgreSQL:
    a unique violation), or find the write lock taken halfway (SQLite: "database is locked").
    """
    wait_ms = max(1, int(IMPORT_WAIT_S * 1000))
    try:
        if conn.dialect.name == "sqlite":
            usual = int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one())
            conn.exec_driver_sql(f"PRAGMA busy_timeout={wait_ms}")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, not halfway through
            finally:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={usual}")
        elif conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}")
            conn.execute(select(func.pg_advisory_xact_lock(_IMPORT_LOCK)))
            conn.exec_driver_sql("SET LOCAL lock_timeout = 0")
    except OperationalError:
        raise ImportProblem(
            path,
            None,
            None,
            f"another import is running on this database and did not finish within {IMPORT_WAIT_S:g} s; "
            "try again when it has",
        ) from None


def write_events(
    engine: Engine,
    events: Iterable[ParsedEvent],
    *,
    path: str,
    kind: str,
    sha: Callable[[], str],
    unmatched: list[dict[str, Any]] | None = None,
    policy: RequestPolicy | None = None,
) -> ImportCounts:
    """Store parsed events (and what matched no client) in one transaction; on any problem nothing is.

    Every request the file touches (itself, a reply to it, a contact about it) is then settled as
    the desk would have it (``request_state``): answered when replied to, with a reference and a promise.
    """
    touched: set[str] = set()
    with engine.begin() as conn:
        _wait_for_other_imports(conn, path)
        writer = Writer(conn, path)
        writer.add_many(noting_requests(events, touched))
        writer.flush()
        if unmatched:
            _store_unmatched(conn, unmatched)
        run_id = _record_run(conn, path, kind, sha(), writer.counts)
        writer.finish(run_id)
        settle_requests(conn, touched, policy or RequestPolicy())
        return writer.counts


def import_jsonl(
    engine: Engine, path: Path, *, progress: Progress | None = None, policy: RequestPolicy | None = None
) -> ImportResult:
    """Import one JSON Lines file of ledger events."""
    name = str(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ImportProblem(name, None, None, f"cannot open: {exc.strerror}") from None
    with raw:
        reader = _HashingReader(raw, progress)
        stream = io.BufferedReader(reader, buffer_size=1 << 20)
        counts = write_events(
            engine,
            parse_stream(stream, name),
            path=name,
            kind="jsonl",
            sha=reader.sha.hexdigest,
            policy=policy,
        )
    return ImportResult(name, "jsonl", counts)


def import_event_dicts(
    engine: Engine,
    events: Iterable[dict[str, Any]],
    *,
    name: str = "<events>",
    policy: RequestPolicy | None = None,
) -> ImportResult:
    """Import events given as dicts (the demo and tests use this; same path as a file)."""

    parsed = _validated(enumerate(events, start=1), name)
    counts = write_events(
        engine, parsed, path=name, kind="jsonl", sha=hashlib.sha256().hexdigest, policy=policy
    )
    return ImportResult(name, "jsonl", counts)


def _validated(events: Iterable[tuple[int, dict[str, Any]]], path: str) -> Iterator[ParsedEvent]:
    for line, event in events:
        parsed = parse_line(json.dumps(event, ensure_ascii=False, default=str).encode(), line, path)
        if parsed is not None:
            yield parsed


def _store_unmatched(conn: Connection, rows: list[dict[str, Any]]) -> None:
    table = table_of(m.UnmatchedMessage)
    rows = [_without_nul(r) for r in rows]
    keys = [r["message_key"] for r in rows]
    known = set(conn.scalars(select(table.c.message_key).where(table.c.message_key.in_(keys))))
    fresh = {r["message_key"]: r for r in rows if r["message_key"] not in known}
    if fresh:
        conn.execute(insert(table), list(fresh.values()))


def _without_nul(row: dict[str, Any]) -> dict[str, Any]:
    """Drop NUL from text (PostgreSQL cannot store it; SQLite is kept the same)."""
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in row.items()}


def _client_index(engine: Engine) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Return client source ids by e-mail address, by mail domain and by phone key."""
    by_addr: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    by_phone: dict[str, str] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.Client.ext_id, m.Client.emails, m.Client.domains, m.Client.phones).order_by(m.Client.id)
        )
        for ext_id, emails, domains, phones in rows:
            for addr in emails or []:
                by_addr.setdefault(addr.lower(), ext_id)
                by_domain.setdefault(addr.lower().rpartition("@")[2], ext_id)
            for domain in domains or []:
                by_domain[domain.lower()] = ext_id
            for phone in phones or []:
                by_phone.setdefault(phone_key(phone), ext_id)
    return by_addr, by_domain, by_phone


def import_calls(
    engine: Engine, path: Path, *, preset: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import a phone-system call-log CSV; calls from unknown numbers are kept as unmatched."""
    name = str(path)
    _, _, phones = _client_index(engine)
    unmatched: list[dict[str, Any]] = []
    sha = hashlib.sha256()

    def events() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            with path.open("rb") as raw:
                data = raw.read()
        except OSError as exc:
            raise ImportProblem(name, None, None, f"cannot open: {exc.strerror}") from None
        sha.update(data)
        if progress is not None:
            progress(len(data))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ImportProblem(name, line, None, f"not valid UTF-8 (byte {exc.start + 1})") from None
        for line, event, what, key in parse_calls(
            text.replace("\x00", "").splitlines(keepends=True), path=name, phones=phones, preset=preset
        ):
            if event is None:
                unmatched.append(
                    {
                        "message_key": key,
                        "sender": what.split()[2],
                        "subject": what,
                        "at": None,
                        "source": name,
                        "reason": "no client has this phone number",
                        "text": None,
                    }
                )
                continue
            yield line, event

    counts = write_events(
        engine, _validated(events(), name), path=name, kind="calls", sha=sha.hexdigest, unmatched=unmatched
    )
    return ImportResult(name, "calls", counts, [u["subject"] for u in unmatched])


def mail_record_id(key: str) -> str:
    """Return the ledger id of a message: its Message-ID, or a hash when that is too long."""
    if len(key) <= 190:
        return f"mail:{key}"
    return "mail:sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def mail_event(
    mail: ParsedMail,
    *,
    source: str,
    business_addrs: set[str],
    index: tuple[dict[str, str], dict[str, str]],
    fallback_at: datetime | None,
) -> tuple[dict[str, Any] | None, str]:
    """Turn a parsed message into a contact event for its client, or say why none matches.

    A message without a readable Date takes the time its last server received it, else
    ``fallback_at`` (the From_ line of an mbox, else the message file's own time), so that
    importing it again gives the same record.
    """
    by_addr, by_domain = index
    sender = mail.sender or ""

    def find(addr: str) -> str | None:
        return by_addr.get(addr) or by_domain.get(addr.rpartition("@")[2])

    if mail.unreadable is not None:
        return None, f"kept as received: {mail.unreadable}"
    client = find(sender) if sender and sender not in business_addrs else None
    direction = "inbound"
    if client is None and sender in business_addrs:
        direction = "outbound"
        client = next((c for c in map(find, mail.to) if c), None)
    if client is None:
        return None, "no client has this sender address or domain" if sender else "message has no sender"
    at = mail.at or mail.delivered_at or fallback_at or datetime.now(UTC)
    event = {
        "type": "contact",
        "id": mail_record_id(mail.key),
        "client": client,
        "at": at.isoformat(),
        "channel": "email",
        "direction": direction,
        "subject": mail.subject[:500] or None,
        "text": mail.text,
        "sender": sender[:320] or None,
        "message_id": (mail.message_id or "")[:500] or None,
        "in_reply_to": (mail.in_reply_to or "")[:500] or None,
    }
    return event, source


#: Longest raw message kept as text when it could not be parsed.
_RAW_KEPT = 1_000_000


def import_mail(
    engine: Engine, path: Path, *, business_email: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import .eml, .mbox or Maildir mail; unmatched and unreadable messages are kept and reported.

    Messages are read one at a time (an mbox is streamed). A message the parser cannot read (nested
    too deeply, too large) is kept raw in ``unmatched_messages`` with the reason; the rest import.
    A second message with the same Message-ID in one import is left out (the first is kept).
    """
    name = str(path)
    by_addr, by_domain, _ = _client_index(engine)
    business_addrs = {business_email.lower()} if business_email else set()
    unmatched: list[dict[str, Any]] = []
    notes: list[str] = []
    seen: dict[str, tuple[bytes, str]] = {}
    sha = hashlib.sha256()

    def events() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for number, found in enumerate(mail_files(path, notes), start=1):
                yield from one(number, found)
        except OSError as exc:
            raise ImportProblem(name, None, None, f"cannot read mail: {exc.strerror or exc}") from None

    def one(number: int, found: MailSource) -> Iterator[tuple[int, dict[str, Any]]]:
        raw = found.raw
        sha.update(raw)
        if progress is not None:
            progress(len(raw))
        try:
            mail = parse_mail(raw)
            event, why = mail_event(
                mail,
                source=found.source,
                business_addrs=business_addrs,
                index=(by_addr, by_domain),
                fallback_at=found.found_at,
            )
        except Exception as exc:  # any parser failure stays with its own message
            key = "sha256:" + hashlib.sha256(raw).hexdigest()
            unmatched.append(_raw_unmatched(key, found.source, f"kept as received: {_why(exc)}", raw))
            return
        digest = hashlib.sha256(raw).digest()
        earlier = seen.get(mail.key)
        if earlier is not None:  # a copy (nothing new), or another message reusing the Message-ID
            if earlier[0] != digest:
                notes.append(
                    f"{found.source}: left out, it has the Message-ID of {earlier[1]} but other content"
                )
            return
        seen[mail.key] = (digest, found.source)
        if event is None:
            row = {
                "message_key": mail.key[:500],
                "sender": (mail.sender or "")[:320] or None,
                "subject": mail.subject[:500],
                "at": mail.at,
                "source": found.source,
                "reason": why,
                "text": mail.text,
            }
            if mail.unreadable is not None:
                row["text"] = raw[:_RAW_KEPT].decode("utf-8", "replace")
            unmatched.append(row)
            return
        yield number, event

    counts = write_events(
        engine, _validated(events(), name), path=name, kind="mail", sha=sha.hexdigest, unmatched=unmatched
    )
    result = ImportResult(name, "mail", counts, [f"{u['source']}: {u['reason']}" for u in unmatched])
    result.notes.extend(notes)
    return result


def _why(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "its parts are nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "it is too large to read"
    if isinstance(exc, UnicodeError):
        return "its text cannot be decoded"
    if isinstance(exc, LookupError):
        return "it names a character set that is not known"
    return "its headers or structure cannot be read"


def _raw_unmatched(key: str, source: str, reason: str, raw: bytes) -> dict[str, Any]:
    return {
        "message_key": key,
        "sender": None,
        "subject": None,
        "at": None,
        "source": source,
        "reason": reason,
        "text": raw[:_RAW_KEPT].decode("utf-8", "replace"),
    }


def import_path(
    engine: Engine,
    path: Path,
    *,
    preset: str | None = None,
    business_email: str | None = None,
    progress: Progress | None = None,
    policy: RequestPolicy | None = None,
    sheet: SheetOptions | None = None,
) -> ImportResult:
    """Import one path with the importer its kind calls for (``policy``: how imported requests are settled).

    ``sheet`` (``--as invoices|payments``) reads the path as a spreadsheet of invoices or payments.
    """
    if not path.exists():
        raise ImportProblem(str(path), None, None, "no such file or directory")
    kind = "sheet" if sheet is not None else detect_kind(path)
    if kind == "sheet":
        from goodterms.ledger.sheet_import import import_sheet

        if sheet is None:
            raise ImportProblem(
                str(path), None, None, "say what the sheet holds: --as invoices or --as payments"
            )
        return import_sheet(engine, path, sheet, progress=progress)
    if kind == "jsonl":
        return import_jsonl(engine, path, progress=progress, policy=policy)
    if kind == "calls":
        return import_calls(engine, path, preset=preset, progress=progress)
    return import_mail(engine, path, business_email=business_email, progress=progress)
