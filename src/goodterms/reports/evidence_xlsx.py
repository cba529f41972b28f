"""The evidence log: every contact, both sides' waiting, invoices, payments and flags, as .xlsx.

Written with openpyxl's write-only (streaming) mode so that a client with tens of thousands of
contacts fits in little memory. It is the spreadsheet of the medical-transcription story: what
the client raised, what we answered and how long it took, laid out for a person or a lawyer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from goodterms.calendar import BusinessCalendar
from goodterms.handling.formatting import LOCALES, language_of
from goodterms.ledger.models import marked_tone
from goodterms.reports.labels import labels
from goodterms.reports.ledgerdata import InvoiceLine, ResponseClock, Waiting

#: Longest text kept in one cell (Excel's own limit is 32,767 characters).
CELL_LIMIT = 32000
ToneReader = Callable[[str], str | None]


@dataclass
class ContactStats:
    """Counts gathered while the contacts stream past, for the report's charts."""

    total: int = 0
    inbound: int = 0
    after_hours: int = 0
    per_week: Counter[date] = field(default_factory=Counter)
    inbound_by_hour: Counter[int] = field(default_factory=Counter)
    after_hours_by_hour: Counter[int] = field(default_factory=Counter)
    tones: Counter[str] = field(default_factory=Counter)


def _header(ws: WriteOnlyWorksheet, names: Sequence[str], widths: Sequence[int]) -> None:
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A2"
    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    ws.append(cells)


def _clip(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1] + "…"


def _hours(a: datetime, b: datetime | None) -> float | None:
    return None if b is None else round((b - a).total_seconds() / 3600, 1)


def write_contacts(
    ws: WriteOnlyWorksheet,
    rows: Iterable[Any],
    *,
    lang: str,
    calendar: BusinessCalendar,
    clock: ResponseClock,
    tone_of: ToneReader | None,
) -> ContactStats:
    """Write one row per contact, oldest first, and return the counts for the charts."""
    t = labels(lang)
    zone = calendar.zone
    locale = LOCALES[language_of(lang)]
    _header(
        ws,
        [t[k] for k in ("date", "time", "weekday", "channel", "direction", "duration_min", "staff")]
        + [t[k] for k in ("after_hours", "subject", "client_words", "tone", "problem", "our_response")]
        + [t["response_hours"]],
        [11, 7, 12, 10, 12, 9, 16, 10, 30, 60, 11, 40, 40, 12],
    )
    stats = ContactStats()
    weekday_names: dict[int, str] = {}
    for contact in rows:
        local = contact.at.astimezone(zone)
        day = local.date()
        inbound = contact.direction == "inbound"
        after = not calendar.is_open(contact.at)
        tone = contact.tone
        if tone is None and inbound and contact.text and tone_of is not None:
            tone = tone_of(contact.text)
        tone = marked_tone(tone, contact.staff_mark)  # the business's own judgement, as in the assessment
        answered = clock.answered_at(at=contact.at, request_id=contact.request_id) if inbound else None
        if day.weekday() not in weekday_names:
            weekday_names[day.weekday()] = format_date(day, "EEEE", locale=locale)
        ws.append(
            [
                day,
                local.strftime("%H:%M"),
                weekday_names[day.weekday()],
                contact.channel,
                t["inbound"] if inbound else t["outbound"],
                round(contact.duration_s / 60, 1),
                contact.staff,
                t["yes"] if after else t["no"],
                _clip(contact.subject),
                _clip(contact.text) if inbound else None,
                tone if inbound else None,
                _clip(contact.problem),
                _clip(contact.response),
                _hours(contact.at, answered),
            ]
        )
        stats.total += 1
        stats.per_week[day - timedelta(days=day.weekday())] += 1
        if inbound:
            stats.inbound += 1
            stats.inbound_by_hour[local.hour] += 1
            if after:
                stats.after_hours += 1
                stats.after_hours_by_hour[local.hour] += 1
            if tone:
                stats.tones[tone] += 1
    return stats


def write_waiting(
    ws: WriteOnlyWorksheet, waits: Iterable[Waiting], *, lang: str, tz: str, as_of: datetime
) -> None:
    """Write what the client waited on us for and what we waited on the client for."""
    t = labels(lang)
    zone = ZoneInfo(tz)
    _header(ws, [t["who_waited"], t["item"], t["since"], t["until"], t["days"]], [22, 50, 17, 17, 8])
    for w in waits:
        end = w.until or as_of
        ws.append(
            [
                t["client_waited"] if w.side == "client" else t["we_waited"],
                _clip(w.item),
                w.since.astimezone(zone).replace(tzinfo=None),
                w.until.astimezone(zone).replace(tzinfo=None) if w.until else t["still_open"],
                round((end - w.since).total_seconds() / 86400, 1),
            ]
        )


def write_invoices(ws: WriteOnlyWorksheet, lines: Iterable[InvoiceLine], *, lang: str) -> None:
    """Write each invoice with what was paid, when it was paid in full, and days late."""
    t = labels(lang)
    names = ("number", "issued", "due", "amount", "currency", "paid", "open_amount", "paid_on", "days_late")
    _header(ws, [t[k] for k in names] + [t["disputed"]], [14, 11, 11, 12, 9, 12, 12, 14, 10, 10])
    for inv in lines:
        ws.append(
            [
                inv.number,
                inv.issued,
                inv.due,
                inv.amount,
                inv.currency,
                inv.paid,
                inv.open_amount,
                inv.paid_in_full,
                inv.days_late,
                t["yes"] if inv.disputed else t["no"],
            ]
        )


def write_payments(ws: WriteOnlyWorksheet, lines: Iterable[InvoiceLine], *, lang: str, tz: str) -> None:
    """Write every payment against its invoice."""
    t = labels(lang)
    zone = ZoneInfo(tz)
    _header(ws, [t["invoice"], t["date"], t["amount"], t["currency"]], [14, 12, 12, 9])
    for inv in lines:
        for at, amount in inv.payments:
            ws.append([inv.number, at.astimezone(zone).date(), amount, inv.currency])


def write_flags(ws: WriteOnlyWorksheet, flags: list[dict[str, Any]] | None, *, lang: str) -> None:
    """Write the assessment's flags with their evidence, or say the assessment is not available."""
    t = labels(lang)
    _header(ws, [t["code"], t["severity"], t["summary"], t["evidence"]], [22, 10, 60, 60])
    if flags is None:
        ws.append([t["no_assessment"], None, None, None])
        return
    for flag in flags:
        evidence = "; ".join(
            f"{e.get('type')}:{e.get('id')}" + (f" @ {e.get('at')}" if e.get("at") else "")
            for e in flag.get("evidence") or []
            if isinstance(e, dict)
        )
        ws.append([flag.get("code"), flag.get("severity"), flag.get("summary"), _clip(evidence)])


def write_summary(ws: WriteOnlyWorksheet, items: Sequence[tuple[str, Any]], *, lang: str) -> None:
    """Write the key figures first, so a reader sees the whole picture on the first sheet."""
    t = labels(lang)
    _header(ws, [t["field"], t["value"]], [40, 50])
    for name, value in items:
        ws.append([name, value])


def new_workbook() -> Workbook:
    """Return a streaming workbook."""
    return Workbook(write_only=True)


def save(wb: Workbook, path: Path) -> Path:
    """Save the workbook and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
