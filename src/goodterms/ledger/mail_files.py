"""Find the messages in an .eml file, an mbox or a (Mail)dir, reading one at a time (no parsing)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from goodterms.ledger.importers.mail import mail_time

#: Files a mail server keeps beside the messages of a Maildir.
_MAILDIR_METADATA = re.compile(
    r"^(dovecot[-.].*|subscriptions|maildirfolder|courierimap.*|\.?uidvalidity|maildirsize)$",
    re.IGNORECASE,
)
#: How common non-mail files begin (PDF, PNG, JPEG, GIF, ZIP/Office, old Office, gzip).
_BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"\x1f\x8b",
)


@dataclass(frozen=True, slots=True)
class MailSource:
    """One message as found on disk: where, its bytes, and the time to use when it has no date."""

    source: str
    raw: bytes
    found_at: datetime | None


def _not_mail(item: Path) -> str | None:
    """Say why a file in a mail folder is not a message (a PDF, dovecot-uidlist ...), or None."""
    if _MAILDIR_METADATA.match(item.name):
        return "a mail server's own file"
    try:
        with item.open("rb") as fh:
            head = fh.read(2048)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return "binary, not a message"
    return None


def _file_time(item: Path) -> datetime:
    return datetime.fromtimestamp(item.stat().st_mtime, UTC)


def mbox_messages(fh: BinaryIO) -> Iterator[tuple[bytes, bytes]]:
    """Yield (From_ line, message bytes) from an mbox, one message in memory at a time.

    Splits exactly as ``mailbox.mbox`` does (a line starting "From " begins a message; one blank line
    before it, and at the end of the file, is not part of the message), so ids stay the same.
    """
    lines: list[bytes] | None = None
    from_line = b""
    last_was_empty = False
    for line in fh:
        if line.startswith(b"From "):
            if lines is not None:
                if last_was_empty:
                    lines.pop()
                yield from_line, b"".join(lines)
            lines, from_line, last_was_empty = [], line, False
            continue
        if lines is not None:
            lines.append(line)
        last_was_empty = line == b"\n"
    if lines is not None:
        if last_was_empty:
            lines.pop()
        yield from_line, b"".join(lines)


def mail_files(path: Path, skipped: list[str] | None = None) -> Iterator[MailSource]:
    """Yield every message in an .eml file, an mbox or a (Mail)dir, reading one at a time.

    Files in a folder that are not mail (``_not_mail``) are left out and listed in ``skipped``.
    """
    if path.is_dir():
        for item in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
            why = _not_mail(item)
            if why is not None:
                if skipped is not None:
                    skipped.append(f"{item}: skipped, {why}")
                continue
            yield MailSource(str(item), item.read_bytes(), _file_time(item))
        return
    with path.open("rb") as fh:
        if path.suffix.lower() != ".mbox" and fh.read(5) != b"From ":
            fh.seek(0)
            yield MailSource(str(path), fh.read(), _file_time(path))
            return
        fh.seek(0)
        mbox_time = _file_time(path)
        for i, (from_line, raw) in enumerate(mbox_messages(fh)):
            sender_and_date = from_line[5:].decode("latin-1").strip()
            found = mail_time(sender_and_date.partition(" ")[2]) or mbox_time
            yield MailSource(f"{path}#{i + 1}", raw, found)
