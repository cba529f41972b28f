"""The evidence log: every contact, both sides' waiting, invoices, payments and flags, as .xlsx.

Written with openpyxl's write-only (streaming) mode so that a client with tens of thousands of
contacts fits in little memory. It is the spreadsheet of the medical-transcription story: what
the client raised, what we answered and how long it took, laid out for a person or a lawyer.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from goodterms.assess import messages as msg
from goodterms.calendar import BusinessCalendar
from goodterms.handling.formatting import LOCALES, format_day, format_money, format_number, language_of
from goodterms.handling.notices import ASK_KINDS
from goodterms.ledger.models import marked_tone
from goodterms.reports.labels import labels, word
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


#: How a reader's spreadsheet shows a day, a moment and a time of day. ``bbbb`` is Excel's Buddhist-era
#: year: the cell holds the real date (sorting and filtering work), a Thai reader sees 2569 for 2026.
DAY_FORMATS = {"th": "dd/mm/bbbb", "et": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
TIME_FORMAT = "hh:mm"
MONEY_FORMAT = '#,##0.00" {currency}"'


def moment_format(lang: str) -> str:
    """Return the number format of a local date and time (to the minute) for ``lang``."""
    return f"{DAY_FORMATS[language_of(lang)]} {TIME_FORMAT}"


def text_width(text: str) -> int:
    """Return how many columns ``text`` takes on screen (Thai vowel and tone marks take none)."""
    return sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))


class _Sheet:
    """A streaming sheet: bold wrapped headers, column widths that fit them, typed cells, an autofilter."""

    def __init__(self, ws: WriteOnlyWorksheet, names: Sequence[str], widths: Sequence[int]) -> None:
        self.ws = ws
        self.columns = len(names)
        self.rows = 0
        for index, (name, width) in enumerate(zip(names, widths, strict=True)):
            # Wide enough for the whole heading (up to 40), never narrower than its longest word; the
            # streaming writer fixes widths before the rows, so the presets are sized for typical values.
            fit = max(width, min(text_width(name) + 2, 40), max(text_width(w) for w in name.split()) + 2)
            ws.column_dimensions[get_column_letter(index + 1)].width = fit
        ws.freeze_panes = "A2"
        cells = []
        for name in names:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cells.append(cell)
        ws.append(cells)

    def cell(self, value: Any, number_format: str) -> WriteOnlyCell | None:
        """Return a cell showing ``value`` with ``number_format`` (an empty cell for None)."""
        if value is None:
            return None
        cell = WriteOnlyCell(self.ws, value=value)
        cell.number_format = number_format
        return cell

    def append(self, row: Sequence[Any]) -> None:
        self.ws.append(list(row))
        self.rows += 1

    def close(self) -> None:
        """Put the autofilter over the header and every row written."""
        self.ws.auto_filter.ref = f"A1:{get_column_letter(self.columns)}{self.rows + 1}"


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
    lang = language_of(lang)
    t = labels(lang)
    zone = calendar.zone
    locale = LOCALES[lang]
    day_format = DAY_FORMATS[lang]
    sheet = _Sheet(
        ws,
        [t[k] for k in ("date", "time", "weekday", "channel", "direction", "duration_min", "staff")]
        + [t[k] for k in ("after_hours", "subject", "client_words", "tone", "problem", "our_response")]
        + [t["response_hours"]],
        [12, 7, 12, 12, 12, 9, 16, 10, 30, 60, 12, 40, 40, 12],
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
        sheet.append(
            [
                sheet.cell(day, day_format),
                sheet.cell(local.time().replace(second=0, microsecond=0, tzinfo=None), TIME_FORMAT),
                weekday_names[day.weekday()],
                word("channel", contact.channel, lang),
                t["inbound"] if inbound else t["outbound"],
                round(contact.duration_s / 60, 1),
                contact.staff,
                t["yes"] if after else t["no"],
                _clip(contact.subject),
                _clip(contact.text) if inbound else None,
                word("tone", tone, lang) if inbound else None,
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
    sheet.close()
    return stats


def write_waiting(
    ws: WriteOnlyWorksheet, waits: Iterable[Waiting], *, lang: str, tz: str, as_of: datetime
) -> None:
    """Write what the client waited on us for and what we waited on the client for."""
    lang = language_of(lang)
    t = labels(lang)
    zone = ZoneInfo(tz)
    when = moment_format(lang)
    sheet = _Sheet(ws, [t["who_waited"], t["item"], t["since"], t["until"], t["days"]], [22, 50, 17, 17, 8])
    for w in waits:
        end = w.until or as_of
        item = f"{ASK_KINDS[lang].get(w.kind, w.kind)}: {w.item}" if w.kind else w.item
        sheet.append(
            [
                t["client_waited"] if w.side == "client" else t["we_waited"],
                _clip(item),
                sheet.cell(_local(w.since, zone), when),
                sheet.cell(_local(w.until, zone), when) if w.until else t["still_open"],
                round((end - w.since).total_seconds() / 86400, 1),
            ]
        )
    sheet.close()


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """Return ``moment`` as the wall-clock time in ``zone``, to the minute (a spreadsheet has no zones)."""
    return moment.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


def write_invoices(ws: WriteOnlyWorksheet, lines: Iterable[InvoiceLine], *, lang: str) -> None:
    """Write each invoice with what was paid, when it was paid in full, and days late."""
    lang = language_of(lang)
    t = labels(lang)
    day = DAY_FORMATS[lang]
    names = ("number", "issued", "due", "amount", "currency", "paid", "open_amount", "paid_on", "days_late")
    sheet = _Sheet(ws, [t[k] for k in names] + [t["disputed"]], [14, 12, 12, 16, 9, 16, 16, 14, 10, 10])
    for inv in lines:
        money = MONEY_FORMAT.format(currency=inv.currency)
        sheet.append(
            [
                inv.number,
                sheet.cell(inv.issued, day),
                sheet.cell(inv.due, day),
                sheet.cell(inv.amount, money),
                inv.currency,
                sheet.cell(inv.paid, money),
                sheet.cell(inv.open_amount, money),
                sheet.cell(inv.paid_in_full, day),
                inv.days_late,
                t["yes"] if inv.disputed else t["no"],
            ]
        )
    sheet.close()


def write_payments(ws: WriteOnlyWorksheet, lines: Iterable[InvoiceLine], *, lang: str, tz: str) -> None:
    """Write every payment against its invoice."""
    lang = language_of(lang)
    t = labels(lang)
    zone = ZoneInfo(tz)
    sheet = _Sheet(ws, [t["invoice"], t["date"], t["amount"], t["currency"]], [14, 12, 16, 9])
    for inv in lines:
        for at, amount in inv.payments:
            sheet.append(
                [
                    inv.number,
                    sheet.cell(at.astimezone(zone).date(), DAY_FORMATS[lang]),
                    sheet.cell(amount, MONEY_FORMAT.format(currency=inv.currency)),
                    inv.currency,
                ]
            )
    sheet.close()


def evidence_line(
    item: dict[str, Any], *, lang: str, tz: str, names: Mapping[tuple[str, str], str] | None = None
) -> str:
    """Return one piece of a flag's evidence in words: what record, which one (by the name people use
    for it, such as an invoice's number, where ``names`` has one), when (local time)."""
    kind, ident = str(item.get("type") or ""), str(item.get("id"))
    what = word("record", kind, lang) or ""
    text = f"{what} {(names or {}).get((kind, ident), ident)}".strip()
    at = item.get("at")
    if at:
        moment = datetime.fromisoformat(str(at))
        if item.get("type") == "invoice":  # an invoice's moment is its due day
            text += f", {format_day(moment.date(), lang=lang)}"
        else:
            text += f", {msg.moment(moment, lang, tz)}"
    return text


def flag_words(flag: dict[str, Any], *, lang: str) -> tuple[str, str, str]:
    """Return a flag as the reader's words: its name, its severity and its summary."""
    return (
        msg.name(str(flag.get("code", "")), lang),
        msg.name(str(flag.get("severity", "")), lang),
        msg.reworded(flag, lang),
    )


def write_flags(
    ws: WriteOnlyWorksheet,
    flags: list[dict[str, Any]] | None,
    *,
    lang: str,
    tz: str,
    names: Mapping[tuple[str, str], str] | None = None,
) -> None:
    """Write the assessment's flags with their evidence, or say the assessment is not available."""
    lang = language_of(lang)
    t = labels(lang)
    sheet = _Sheet(ws, [t["code"], t["severity"], t["summary"], t["evidence"]], [24, 10, 60, 60])
    if flags is None:
        sheet.append([t["no_assessment"], None, None, None])
    for flag in flags or []:
        evidence = "; ".join(
            evidence_line(e, lang=lang, tz=tz, names=names)
            for e in flag.get("evidence") or []
            if isinstance(e, dict)
        )
        sheet.append([*flag_words(flag, lang=lang), _clip(evidence)])
    sheet.close()


def money_total(lines: Iterable[InvoiceLine], *, lang: str) -> str:
    """Return the open amount of ``lines`` with its currency, one sum per currency ("฿5,250.50")."""
    sums: dict[str, Decimal] = {}
    for inv in lines:
        sums[inv.currency] = sums.get(inv.currency, Decimal(0)) + inv.open_amount
    if not sums:
        return format_number(0, lang=lang)
    return " + ".join(format_money(amount, cur, lang=lang) for cur, amount in sorted(sums.items()))


def write_summary(ws: WriteOnlyWorksheet, items: Sequence[tuple[str, Any]], *, lang: str) -> None:
    """Write the key figures first, so a reader sees the whole picture on the first sheet."""
    lang = language_of(lang)
    t = labels(lang)
    sheet = _Sheet(ws, [t["field"], t["value"]], [40, 50])
    for name, value in items:
        if isinstance(value, date):
            value = sheet.cell(value, DAY_FORMATS[lang])
        sheet.append([name, value])
    sheet.close()


def new_workbook() -> Workbook:
    """Return a streaming workbook."""
    return Workbook(write_only=True)


def save(wb: Workbook, path: Path) -> Path:
    """Save the workbook and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
