"""Parse phone-system call-log CSV exports into contact events (pure).

A preset maps an export's columns onto goodterms' fields. Presets follow layouts that phone
systems document:

- ``twilio``: Twilio's Call resource as exported (``Sid``, ``From``, ``To``, ``Direction``
  inbound / outbound-api / outbound-dial, ``Status`` completed / no-answer / busy / failed /
  canceled, ``StartTime`` RFC 2822 or ISO 8601, ``Duration`` seconds).
- ``ringcentral``: RingCentral's call-log record flattened to columns (``id``, ``startTime`` ISO
  8601, ``duration`` seconds, ``type`` Voice, ``direction`` Inbound / Outbound, ``result``
  Accepted / Missed / Voicemail / ..., ``from.phoneNumber``, ``to.phoneNumber``).
- ``goodterms``: the generic layout (``id, at, direction, from, to, duration_s, answered,
  staff``; ``at`` ISO 8601 with offset), for any system whose export is first reshaped.

The client is the party that is not the business: ``from`` on inbound calls, ``to`` on
outbound ones, matched on the digits of the client's phone numbers.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from goodterms.ledger.problems import ImportProblem


@dataclass(frozen=True)
class CallPreset:
    """Which column holds each field, and how a system spells direction and outcome."""

    name: str
    id: str
    at: str
    direction: str
    caller: str
    callee: str
    duration: str
    outcome: str | None
    missed_outcomes: frozenset[str]
    voicemail_outcomes: frozenset[str]
    staff: str | None = None


PRESETS: dict[str, CallPreset] = {
    "twilio": CallPreset(
        name="twilio",
        id="Sid",
        at="StartTime",
        direction="Direction",
        caller="From",
        callee="To",
        duration="Duration",
        outcome="Status",
        missed_outcomes=frozenset({"no-answer", "busy", "failed", "canceled"}),
        voicemail_outcomes=frozenset(),
    ),
    "ringcentral": CallPreset(
        name="ringcentral",
        id="id",
        at="startTime",
        direction="direction",
        caller="from.phoneNumber",
        callee="to.phoneNumber",
        duration="duration",
        outcome="result",
        missed_outcomes=frozenset({"missed", "hang up", "no answer", "busy", "rejected", "abandoned"}),
        voicemail_outcomes=frozenset({"voicemail"}),
    ),
    "goodterms": CallPreset(
        name="goodterms",
        id="id",
        at="at",
        direction="direction",
        caller="from",
        callee="to",
        duration="duration_s",
        outcome="answered",
        missed_outcomes=frozenset({"false", "no", "0"}),
        voicemail_outcomes=frozenset({"voicemail"}),
        staff="staff",
    ),
}

_DIGITS = re.compile(r"\D+")


def phone_key(number: str) -> str:
    """Reduce a phone number to its last nine digits, so +66 81 ... and 081 ... match."""
    digits = _DIGITS.sub("", number)
    return digits[-9:]


def detect_preset(header: list[str]) -> CallPreset:
    """Pick the preset whose required columns are all in the header."""
    columns = set(header)
    for preset in PRESETS.values():
        if {preset.id, preset.at, preset.direction, preset.caller, preset.callee} <= columns:
            return preset
    raise ValueError("no preset matches")


def unmatched_call_key(preset: str, call_id: str, what: str, duration: int) -> str:
    """Return the key of a call no client matched, from its content (not where the file lay).

    The same call exported again, or the same file under another path, has the same key; a new
    call in a new export over the same file name has a new one.
    """
    digest = hashlib.sha256(f"{preset}\n{call_id}\n{what}\n{duration}".encode()).hexdigest()[:16]
    return f"call:{preset}:{call_id[:200]}:{digest}"


_QUOTED = re.compile(r'"[^"]*"')


def _unquoted(line: str) -> str:
    return _QUOTED.sub("", line)


def _parse_time(value: str) -> datetime:
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = parsedate_to_datetime(value)
    if moment.tzinfo is None:
        raise ValueError("timestamp has no UTC offset")
    return moment


def parse_calls(
    lines: Iterable[str], *, path: str, phones: Mapping[str, str], preset: str | None = None
) -> Iterator[tuple[int, dict[str, object] | None, str, str]]:
    """Yield (row number, contact event dict or None when unmatched, description, key) per call.

    The key names a call that no client matched in the unmatched table (``unmatched_call_key``).

    The delimiter is read from the header row: a comma, or a semicolon (what Excel writes where the
    decimal separator is a comma, e.g. in Estonian and Thai settings).
    """
    rows = iter(lines)
    first = next(rows, "")
    delimiter = ";" if _unquoted(first).count(";") > _unquoted(first).count(",") else ","
    reader = csv.DictReader(itertools.chain([first], rows), delimiter=delimiter)
    header = list(reader.fieldnames or [])
    if not header:
        raise ImportProblem(path, 1, None, "empty CSV: no header row")
    if preset is None:
        try:
            chosen = detect_preset(header)
        except ValueError:
            raise ImportProblem(
                path,
                1,
                None,
                f"columns {header} match no call-log preset ({', '.join(PRESETS)}); see docs/import.md",
            ) from None
    else:
        if preset not in PRESETS:
            raise ImportProblem(path, None, None, f"unknown preset {preset!r}; one of {', '.join(PRESETS)}")
        chosen = PRESETS[preset]
        required = [chosen.id, chosen.at, chosen.direction, chosen.caller, chosen.callee]
        missing = [c for c in required if c not in header]
        if missing:
            raise ImportProblem(path, 1, None, f"missing columns for preset {preset}: {', '.join(missing)}")
    for row in reader:
        line = reader.line_num
        if None in row:
            raise ImportProblem(path, line, None, "more fields than the header has columns")
        try:
            at = _parse_time(row[chosen.at] or "")
        except (ValueError, TypeError, IndexError, OverflowError) as exc:
            raise ImportProblem(path, line, chosen.at, f"bad time {row[chosen.at]!r}: {exc}") from None
        way = (row[chosen.direction] or "").strip().lower()
        if way.startswith("in"):
            direction, other = "inbound", row[chosen.caller] or ""
        elif way.startswith("out"):
            direction, other = "outbound", row[chosen.callee] or ""
        else:
            raise ImportProblem(
                path, line, chosen.direction, f"direction {way!r} is neither in- nor outbound"
            )
        try:
            duration = int(float((row.get(chosen.duration) or "0").replace(",", ".")))
        except (ValueError, OverflowError):
            raise ImportProblem(
                path, line, chosen.duration, f"duration {row[chosen.duration]!r} is not a number"
            ) from None
        if duration < 0:
            raise ImportProblem(path, line, chosen.duration, "duration is negative")
        outcome = (row.get(chosen.outcome) or "").strip().lower() if chosen.outcome else ""
        channel = "voicemail" if outcome in chosen.voicemail_outcomes else "call"
        answered = outcome not in chosen.missed_outcomes and channel == "call"
        call_id = (row[chosen.id] or "").strip()
        if not call_id:
            raise ImportProblem(path, line, chosen.id, "call id is empty")
        client = phones.get(phone_key(other))
        what = f"{direction} call {other} at {at.isoformat()}"
        if client is None:
            yield line, None, what, unmatched_call_key(chosen.name, call_id, what, duration)
            continue
        event: dict[str, object] = {
            "type": "contact",
            "id": f"call:{chosen.name}:{call_id}",
            "client": client,
            "at": at.isoformat(),
            "channel": channel,
            "direction": direction,
            "answered": answered,
            "duration_s": duration,
        }
        if chosen.staff and row.get(chosen.staff):
            event["staff"] = row[chosen.staff]
        yield line, event, what, ""
