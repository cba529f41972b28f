"""Import files into the ledger: one transaction per file, idempotent, streaming.

This is the I/O edge around the pure parsers in ``ledger.importers``: it opens files, hashes
them, hands events to ``ledger.store.Writer`` and records an ``import_runs`` row.
"""

from __future__ import annotations

import hashlib
import io
import json
import mailbox
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import Connection, Engine, insert, select

from goodterms.ledger import models as m
from goodterms.ledger.importers.calls import parse_calls, phone_key
from goodterms.ledger.importers.jsonl import ParsedEvent, parse_line, parse_stream
from goodterms.ledger.importers.mail import ParsedMail, parse_mail
from goodterms.ledger.problems import ImportProblem
from goodterms.ledger.request_state import RequestPolicy, settle_requests
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

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "inserted": self.counts.inserted,
            "updated": self.counts.updated,
            "unchanged": self.counts.unchanged,
            "by_type": self.counts.by_type,
            "unmatched": self.unmatched,
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
        writer = Writer(conn, path)
        writer.add_many(_noting_requests(events, touched))
        writer.flush()
        if unmatched:
            _store_unmatched(conn, unmatched)
        run_id = _record_run(conn, path, kind, sha(), writer.counts)
        writer.finish(run_id)
        settle_requests(conn, touched, policy or RequestPolicy())
        return writer.counts


def _noting_requests(events: Iterable[ParsedEvent], touched: set[str]) -> Iterator[ParsedEvent]:
    """Pass events through, noting the source id of every request they create or refer to."""
    for parsed in events:
        event = parsed.event
        if event.type == "request":
            touched.add(event.id)
        elif (ref := getattr(event, "request", None)) is not None:
            touched.add(ref)
        yield parsed


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
    keys = [r["message_key"] for r in rows]
    known = set(conn.scalars(select(table.c.message_key).where(table.c.message_key.in_(keys))))
    fresh = {r["message_key"]: r for r in rows if r["message_key"] not in known}
    if fresh:
        conn.execute(insert(table), list(fresh.values()))


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
        for line, event, what in parse_calls(
            text.splitlines(keepends=True), path=name, phones=phones, preset=preset
        ):
            if event is None:
                unmatched.append(
                    {
                        "message_key": f"{name}:{line}",
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


def _mail_files(path: Path) -> Iterator[tuple[str, bytes]]:
    """Yield (name, raw bytes) for every message in an .eml file, an mbox or a (Mail)dir."""
    if path.is_dir():
        for item in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
            yield str(item), item.read_bytes()
        return
    data = path.read_bytes()
    if path.suffix.lower() == ".mbox" or data.startswith(b"From "):
        box = mailbox.mbox(str(path), create=False)
        try:
            for i, key in enumerate(box.iterkeys()):
                yield f"{path}#{i + 1}", box.get_bytes(key)
        finally:
            box.close()
        return
    yield str(path), data


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
    fallback_at: datetime,
) -> tuple[dict[str, Any] | None, str]:
    """Turn a parsed message into a contact event for its client, or say why none matches.

    A message without a readable Date gets ``fallback_at`` (the file's time), so that
    importing it again gives the same record.
    """
    by_addr, by_domain = index
    sender = mail.sender or ""

    def find(addr: str) -> str | None:
        return by_addr.get(addr) or by_domain.get(addr.rpartition("@")[2])

    client = find(sender) if sender and sender not in business_addrs else None
    direction = "inbound"
    if client is None and sender in business_addrs:
        direction = "outbound"
        client = next((c for c in map(find, mail.to) if c), None)
    if client is None:
        return None, "no client has this sender address or domain" if sender else "message has no sender"
    event = {
        "type": "contact",
        "id": mail_record_id(mail.key),
        "client": client,
        "at": (mail.at or fallback_at).isoformat(),
        "channel": "email",
        "direction": direction,
        "subject": mail.subject[:500] or None,
        "text": mail.text,
        "sender": sender[:320] or None,
        "message_id": (mail.message_id or "")[:500] or None,
        "in_reply_to": (mail.in_reply_to or "")[:500] or None,
    }
    return event, source


def import_mail(
    engine: Engine, path: Path, *, business_email: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import .eml, .mbox or Maildir mail; unmatched messages are kept and reported."""
    name = str(path)
    by_addr, by_domain, _ = _client_index(engine)
    business_addrs = {business_email.lower()} if business_email else set()
    unmatched: list[dict[str, Any]] = []
    sha = hashlib.sha256()

    def events() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            messages = list(_mail_files(path))
        except (OSError, mailbox.Error) as exc:
            raise ImportProblem(name, None, None, f"cannot read mail: {exc}") from None
        for number, (source, raw) in enumerate(messages, start=1):
            sha.update(raw)
            if progress is not None:
                progress(len(raw))
            mail = parse_mail(raw)
            fallback_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            event, why = mail_event(
                mail,
                source=source,
                business_addrs=business_addrs,
                index=(by_addr, by_domain),
                fallback_at=fallback_at,
            )
            if event is None:
                unmatched.append(
                    {
                        "message_key": mail.key[:500],
                        "sender": (mail.sender or "")[:320] or None,
                        "subject": mail.subject[:500],
                        "at": mail.at,
                        "source": source,
                        "reason": why,
                        "text": mail.text,
                    }
                )
                continue
            yield number, event

    counts = write_events(
        engine, _validated(events(), name), path=name, kind="mail", sha=sha.hexdigest, unmatched=unmatched
    )
    return ImportResult(name, "mail", counts, [f"{u['source']}: {u['reason']}" for u in unmatched])


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
