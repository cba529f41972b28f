"""Parse JSON Lines ledger events (pure: bytes in, validated events out)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from pydantic import ValidationError

from goodterms.ledger.events import EVENT_ADAPTER, EVENT_TYPES, AnyEvent
from goodterms.ledger.problems import ImportProblem

#: Longest line accepted; a longer one is refused without reading it all into memory.
MAX_LINE_BYTES = 8 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
# A JSON escape of NUL (not an escaped backslash followed by "u0000"): PostgreSQL text cannot hold
# NUL, so it is dropped on every backend alike.
_NUL_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    line: int
    event: AnyEvent
    digest: str


def _explain(exc: ValidationError) -> tuple[str | None, str]:
    err = exc.errors(include_url=False)[0]
    kind = err["type"]
    loc = [str(p) for p in err["loc"]]
    if kind == "json_invalid":
        return None, f"not valid JSON ({err['msg']})"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        given = err.get("ctx", {}).get("tag")
        known = ", ".join(EVENT_TYPES)
        if kind == "union_tag_not_found":
            return "type", f'missing; every line needs a "type", one of {known}'
        return "type", f"unknown type {given!r}; expected one of {known}"
    field = ".".join(loc[1:]) if len(loc) > 1 else (loc[0] if loc else None)
    if kind == "timezone_aware":
        return field, "timestamp has no UTC offset; write it like 2026-03-01T09:00:00+07:00"
    if kind in ("model_type", "model_attributes_type", "dict_type") or (not loc and "object" in err["msg"]):
        return None, "each line must be a JSON object"
    if kind == "extra_forbidden":
        return field, "unknown field (see docs/events.md for the fields of each type)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return field, msg


def parse_line(raw: bytes, line: int, path: str) -> ParsedEvent | None:
    """Validate one line; return None for a blank line, raise ImportProblem for a bad one."""
    body = raw.strip()
    if not body:
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportProblem(path, line, None, f"not valid UTF-8 (byte {exc.start + 1})") from None
    if b"\\u0000" in body:
        body = _NUL_ESCAPE.sub(rb"\1", body)
    try:
        event = EVENT_ADAPTER.validate_json(body)
    except ValidationError as exc:
        field, reason = _explain(exc)
        raise ImportProblem(path, line, field, reason) from None
    return ParsedEvent(line, event, hashlib.blake2b(body, digest_size=16).hexdigest())


def read_lines(stream: BinaryIO, path: str) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, bytes) from a binary stream, refusing over-long lines early."""
    readline = stream.readline
    number = 0
    while True:
        raw: bytes = readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise ImportProblem(
                path, number, None, f"line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB; refused"
            )
        yield number, raw


def parse_stream(stream: BinaryIO, path: str) -> Iterator[ParsedEvent]:
    """Yield every event of a JSON Lines stream in order (a UTF-8 byte-order mark is skipped)."""
    for number, raw in read_lines(stream, path):
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        parsed = parse_line(raw, number, path)
        if parsed is not None:
            yield parsed
