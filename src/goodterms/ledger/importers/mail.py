"""Parse one raw e-mail into plain, typed fields (pure; used by the importer and the desk).

Real mail is messy: headers that ``policy.default`` refuses, charsets Python lacks
(``windows-874``), bodies with no header separator. Every field here is read defensively;
whatever cannot be read is recorded in ``defects`` and the rest is kept.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import nh3

from goodterms.ledger.events import FIRST_DAY, LAST_DAY

_CHARSET_ALIASES = {
    "windows-874": "cp874",
    "x-windows-874": "cp874",
    "tis-620": "cp874",
    "unknown-8bit": "latin-1",
}
_WS = re.compile(r"[ \t\r\f\v]+")
_BLANKS = re.compile(r"\n{3,}")
_MSGID = re.compile(r"<[^<>\s]+>")
_BLOCK_TAGS = re.compile(r"(?i)<\s*(br|/p|/div|/tr|/li|/h[1-6])\b[^>]*>")
_DROP_BLOCKS = re.compile(r"(?is)<(script|style|head)\b.*?</\1\s*>")


@dataclass
class ParsedMail:
    """What goodterms needs from one message."""

    key: str
    sender: str | None
    sender_name: str | None
    to: list[str]
    subject: str
    at: datetime | None
    message_id: str | None
    in_reply_to: str | None
    references: list[str]
    text: str
    html_only: bool
    automatic: str | None
    size: int
    attachments: list[tuple[str, int]] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    #: When the last server received it (``Received:`` or ``Delivery-Date:``): the time of a message
    #: without a readable ``Date:``.
    delivered_at: datetime | None = None
    #: Why the message's structure could not be read (then ``text`` is empty), or None.
    unreadable: str | None = None


def mail_time(value: str | None) -> datetime | None:
    """Read an RFC 2822 (or mbox ``asctime``) date; None when unreadable or outside the ledger's range.

    A time without a zone is taken as UTC.
    """
    if not value:
        return None
    try:
        at = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    if (
        not FIRST_DAY.year <= at.year <= LAST_DAY.year
        or not FIRST_DAY <= at.astimezone(UTC).date() <= LAST_DAY
    ):
        return None
    return at


def _delivered(msg: Message, defects: list[str]) -> datetime | None:
    try:
        received = msg.get_all("Received") or []
    except Exception:  # a header policy.default refuses
        received = []
    for value in received[:1]:  # the topmost: the server that delivered it here
        at = mail_time(str(value).rpartition(";")[2])
        if at is not None:
            return at
    return mail_time(_header(msg, "Delivery-Date", defects))


def _header(msg: Message, name: str, defects: list[str]) -> str | None:
    try:
        raw = msg.get(name)
    except Exception as exc:  # a header policy.default refuses
        defects.append(f"{name}: {type(exc).__name__}")
        return None
    if raw is None:
        return None
    try:
        return str(make_header(decode_header(str(raw)))).strip()
    except Exception:
        defects.append(f"{name}: undecodable")
        return str(raw).strip()


def _decode(part: Message, defects: list[str]) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        defects.append("body: undecodable transfer encoding")
        payload = None
    if payload is None:
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    if not isinstance(payload, bytes):
        return str(payload)
    charset = (part.get_content_charset() or "utf-8").lower()
    charset = _CHARSET_ALIASES.get(charset, charset)
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        defects.append(f"body: unknown charset {charset}")
        return payload.decode("utf-8", errors="replace")


def html_to_text(markup: str) -> str:
    """Turn HTML into safe plain text (scripts and styles dropped, no tags kept)."""
    markup = _DROP_BLOCKS.sub(" ", markup)
    markup = _BLOCK_TAGS.sub("\n", markup)
    cleaned = nh3.clean(markup, tags=set(), attributes={}, strip_comments=True)
    return html.unescape(cleaned)


def _tidy(text: str) -> str:
    lines = [_WS.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def _automatic(msg: Message, sender: str | None, defects: list[str]) -> str | None:
    """Say why a message is machine-sent (RFC 3834 and common practice), or None."""
    auto = (_header(msg, "Auto-Submitted", defects) or "no").lower()
    if auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = (_header(msg, "Precedence", defects) or "").lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return f"Precedence: {precedence}"
    if _header(msg, "X-Auto-Response-Suppress", defects) or _header(msg, "X-Autoreply", defects):
        return "auto-response header"
    if _header(msg, "List-Id", defects) or _header(msg, "List-Unsubscribe", defects):
        return "mailing list"
    ctype = msg.get_content_type()
    if ctype == "multipart/report":
        return "delivery or read report"
    return_path = _header(msg, "Return-Path", defects)
    if return_path is not None and return_path.strip() in ("<>", ""):
        return "null sender"
    local = (sender or "").split("@")[0].lower()
    if local in ("mailer-daemon", "postmaster") or local.startswith(("no-reply", "noreply", "do-not-reply")):
        return f"machine sender {sender}"
    return None


_WHY_UNREADABLE: dict[type[BaseException], str] = {
    RecursionError: "its parts are nested too deeply to read",
    MemoryError: "it is too large to read",
}


def _headers_only(raw: bytes) -> Message:
    """Parse just the header block, for a message whose body defeats the parser."""
    end = min((i for i in (raw.find(b"\n\n"), raw.find(b"\r\n\r\n")) if i >= 0), default=len(raw))
    try:
        return email.message_from_bytes(raw[:end] + b"\n\n", policy=email.policy.compat32)
    except Exception:
        return Message()


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse raw RFC 822 bytes; never raises for malformed input.

    A message whose structure defeats the parser (thousands of nested parts) keeps its headers and
    says why in ``unreadable``; its text is then empty and the caller keeps the raw bytes.
    """
    defects: list[str] = []
    unreadable: str | None = None
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as exc:  # compat32 parses anything, but not thousands of nested parts
        defects.append(f"unparseable: {type(exc).__name__}")
        unreadable = _WHY_UNREADABLE.get(type(exc), f"its structure could not be read ({type(exc).__name__})")
        msg = _headers_only(raw)
    defects.extend(type(d).__name__ for d in getattr(msg, "defects", []))
    from_value = _header(msg, "From", defects) or ""
    name, addr = parseaddr(from_value)
    sender = addr.lower() if "@" in addr else None
    to = [a.lower() for _, a in getaddresses([_header(msg, "To", defects) or ""]) if "@" in a]
    date_value = _header(msg, "Date", defects)
    at = mail_time(date_value)
    if date_value and at is None:
        defects.append("Date: unparseable or out of range")
    mid = _MSGID.findall(_header(msg, "Message-ID", defects) or "")
    irt = _MSGID.findall(_header(msg, "In-Reply-To", defects) or "")
    refs = _MSGID.findall(_header(msg, "References", defects) or "")
    plain: list[str] = []
    htmls: list[str] = []
    attachments: list[tuple[str, int]] = []
    try:
        _read_parts(msg, plain, htmls, attachments, defects)
    except (RecursionError, MemoryError) as exc:
        unreadable = _WHY_UNREADABLE.get(type(exc), type(exc).__name__)
        plain, htmls, attachments = [], [], []
    html_only = not plain and bool(htmls)
    text = "\n\n".join(plain) if plain else "\n\n".join(html_to_text(h) for h in htmls)
    message_id = mid[0] if mid else None
    key = message_id or "sha256:" + hashlib.sha256(raw).hexdigest()
    return ParsedMail(
        key=key,
        sender=sender,
        sender_name=name or None,
        to=to,
        subject=_header(msg, "Subject", defects) or "",
        at=at,
        message_id=message_id,
        in_reply_to=irt[0] if irt else None,
        references=refs,
        text=_tidy(text),
        html_only=html_only,
        automatic=_automatic(msg, sender, defects),
        size=len(raw),
        attachments=attachments,
        defects=defects,
        delivered_at=_delivered(msg, defects),
        unreadable=unreadable,
    )


def _read_parts(
    msg: Message,
    plain: list[str],
    htmls: list[str],
    attachments: list[tuple[str, int]],
    defects: list[str],
) -> None:
    for part in msg.walk() if msg.is_multipart() else [msg]:
        if part.is_multipart():
            continue
        disposition = str(part.get("Content-Disposition") or "").lower()
        try:
            filename = part.get_filename() or part.get_param("name")
        except Exception:
            defects.append("attachment: unreadable file name")
            filename = "unnamed"
        if isinstance(filename, tuple):  # RFC 2231 value that could not be decoded
            filename = str(filename[2])
        ctype = part.get_content_type()
        if filename or "attachment" in disposition:
            body = part.get_payload(decode=True)
            attachments.append((str(filename or "unnamed"), len(body) if isinstance(body, bytes) else 0))
        elif ctype == "text/plain":
            plain.append(_decode(part, defects))
        elif ctype == "text/html":
            htmls.append(_decode(part, defects))
