"""Parse invoice and payment spreadsheets (xlsx or CSV) into ledger events (pure: bytes in, events out).

Which column holds which field comes from ``sheet_layouts`` (presets, map files); cell values are
read by ``sheet_values`` (locale-aware money and dates, Buddhist-era years). Every sheet of a
workbook whose header has the layout's columns is read; other sheets (notes, summaries) are passed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from pydantic import ValidationError

from goodterms.ledger.events import EVENT_ADAPTER
from goodterms.ledger.importers.jsonl import ParsedEvent
from goodterms.ledger.importers.sheet_layouts import REQUIRED, SheetPreset
from goodterms.ledger.importers.sheet_values import (
    Cell,
    parse_amount,
    parse_date,
    parse_flag,
    parse_moment,
    text_of,
)
from goodterms.ledger.problems import ImportProblem


@dataclass
class SheetProblem(ImportProblem):
    """Bad input in a spreadsheet, named by file, sheet, row and column."""

    sheet: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.line is not None:
            parts.append(f"row {self.line}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts) + f": {self.reason}"


# -- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One sheet's non-empty rows as (row number, cells); ``name`` is None for a CSV."""

    name: str | None
    rows: list[tuple[int, list[Cell]]]


def read_csv(data: bytes, path: str, encoding: str = "utf-8-sig") -> list[Sheet]:
    """Read a CSV: UTF-8 with or without BOM (or the map's ``encoding``); comma, semicolon or tab
    separated, or what an Excel ``sep=;`` first line says."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SheetProblem(
            path,
            line,
            None,
            f"not valid {encoding.removesuffix('-sig').upper()} (byte {exc.start + 1}); save the CSV as UTF-8, "
            'or name its encoding in a map file (encoding = "cp874" for Thai Excel, "cp1257" for Estonian)',
        ) from None
    text = text.removeprefix("\ufeff")
    top = text.split("\n", 10)[:10]
    skip = 0
    if top and top[0].strip().lower().startswith("sep=") and len(top[0].strip()) == 5:
        delimiter, skip = top[0].strip()[4], 1
    else:
        delimiter = max(
            (",", ";", "\t"), key=lambda d: (max(_count_outside_quotes(t, d) for t in top), d == ",")
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for cells in reader:
            if reader.line_num > skip and any(c.strip() for c in cells):
                rows.append((reader.line_num, list(cells)))
    except csv.Error as exc:
        raise SheetProblem(path, reader.line_num, None, f"not readable as CSV: {exc}") from None
    return [Sheet(None, rows)]


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def read_xlsx(data: bytes, path: str) -> list[Sheet]:
    """Read every worksheet of an .xlsx/.xlsm workbook (values, not formulas) with openpyxl."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles other programs wrote
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheets = []
            for ws in book.worksheets:
                rows = [
                    (number, list(cells))
                    for number, cells in enumerate(ws.iter_rows(values_only=True), start=1)
                    if any(c is not None and text_of(c) != "" for c in cells)
                ]
                sheets.append(Sheet(ws.title, rows))
            book.close()
    except (
        Exception
    ) as exc:  # openpyxl raises many kinds on a damaged workbook; none may escape as a traceback
        why = "not a zip archive" if isinstance(exc, BadZipFile) else f"{type(exc).__name__}: {exc}"
        raise SheetProblem(path, None, None, f"not a readable .xlsx workbook ({why})") from None
    return sheets


# -- mapping rows to events ------------------------------------------------------------------------


@dataclass
class Lookup:
    """What the ledger already holds that rows refer to."""

    client: Callable[[str], tuple[str, str] | None]
    """Client cell (id, name or e-mail) -> (source id, currency)."""
    invoices: Mapping[str, str]
    """Case-folded invoice number -> source id of the stored invoice."""
    zone: tzinfo
    currency: str = "EUR"
    """The business's currency: for a client ``--create-clients`` makes from a row without one."""


@dataclass
class SheetOutcome:
    events: list[ParsedEvent] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _norm(header: str) -> str:
    return " ".join(header.replace("*", " ").split()).casefold()


@dataclass
class _Row:
    """One data row, able to name its own cells in a problem."""

    path: str
    sheet: str | None
    line: int
    cells: list[Cell]
    where: dict[str, tuple[int, str]]  # field -> (index, header)

    def cell(self, name: str) -> Cell:
        at = self.where.get(name)
        if at is None or at[0] >= len(self.cells):
            return None
        return self.cells[at[0]]

    def has(self, name: str) -> bool:
        return text_of(self.cell(name)) != ""

    def problem(self, name: str | None, reason: str) -> SheetProblem:
        column = None
        if name is not None and name in self.where:
            index, header = self.where[name]
            column = f"{_letter(index)} {header!r} ({name})"
        elif name is not None:
            column = name
        return SheetProblem(self.path, self.line, name, reason, sheet=self.sheet, column=column)

    def read(self, name: str, parse: Callable[[Cell], Any]) -> Any:
        try:
            return parse(self.cell(name))
        except ValueError as exc:
            raise self.problem(name, str(exc)) from None

    def place(self) -> str:
        sheet = f", sheet {self.sheet!r}" if self.sheet else ""
        return f"{self.path}{sheet}, row {self.line}"


HEADER_SEARCH_ROWS = 10


def _columns(header: list[Cell], preset: SheetPreset) -> dict[str, tuple[int, str]]:
    """Say where each field's column is in a header row: field -> (index, header text)."""
    names = [_norm(text_of(h)) for h in header]
    where: dict[str, tuple[int, str]] = {}
    for name, candidates in preset.columns.items():
        for candidate in candidates:
            if _norm(candidate) in names:
                index = names.index(_norm(candidate))
                where[name] = (index, text_of(header[index]))
                break
    return where


def _header(sheet: Sheet, preset: SheetPreset) -> tuple[int, dict[str, tuple[int, str]]]:
    """Find the header: the first of the top rows with every required column (titles may sit above it),
    else the top row that has the most of them."""
    best: tuple[int, dict[str, tuple[int, str]], int] = (0, {}, -1)
    for position, (_, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        where = _columns(cells, preset)
        if all(n in where for n in REQUIRED[preset.kind]):
            return position, where
        if len(where) > best[2]:
            best = (position, where, len(where))
    return best[0], best[1]


def _rows(sheets: Iterable[Sheet], preset: SheetPreset, path: str) -> Iterator[_Row]:
    """Yield the data rows of every sheet whose header has the preset's columns, skipping filtered ones."""
    sheets = list(sheets)
    wanted = {_norm(s) for s in preset.sheets}
    if wanted and not any(_norm(sheet.name or "") in wanted for sheet in sheets):
        have = ", ".join(repr(sheet.name) for sheet in sheets)
        raise SheetProblem(path, None, None, f"no sheet named {' or '.join(preset.sheets)}; it has {have}")
    used = 0
    for sheet in sheets:
        if (wanted and _norm(sheet.name or "") not in wanted) or not sheet.rows:
            continue
        position, where = _header(sheet, preset)
        if not where and not wanted and sheet.name is not None:
            continue  # a sheet of something else in the workbook (notes, a summary)
        missing = [n for n in REQUIRED[preset.kind] if n not in where]
        if missing:
            wants = "; ".join(
                f"{n}: {' or '.join(repr(c) for c in preset.columns.get(n, ()))}" for n in missing
            )
            raise SheetProblem(
                path,
                sheet.rows[position][0],
                None,
                f"missing columns for the {preset.name} {preset.kind} layout: {wants}",
                sheet=sheet.name,
            )
        used += 1
        names = [_norm(text_of(h)) for h in sheet.rows[position][1]]
        skips = [(names.index(_norm(h)), values) for h, values in preset.skip.items() if _norm(h) in names]
        for line, cells in sheet.rows[position + 1 :]:
            if any(i < len(cells) and text_of(cells[i]).casefold() in values for i, values in skips):
                continue
            yield _Row(path, sheet.name, line, cells, where)
    if used == 0:
        heads = ", ".join(
            f"{n}: {' or '.join(c)}" for n, c in preset.columns.items() if n in REQUIRED[preset.kind]
        )
        raise SheetProblem(path, None, None, f"no sheet has the {preset.kind} columns ({heads})")


def source_id(prefix: str, key: str) -> str:
    """Return a stable ledger id for a key, hashed when too long for an id."""
    ident = f"{prefix}:{key}"
    if len(ident) <= 200:
        return ident
    return f"{prefix}:sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _event(row: _Row, data: dict[str, Any], fields: Mapping[str, str]) -> ParsedEvent:
    """Validate an event dict built from a row; a problem names the column the field came from."""
    try:
        event = EVENT_ADAPTER.validate_python(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        name = str(err["loc"][1]) if len(err["loc"]) > 1 else None
        reason = str(err["msg"]).removeprefix("Value error, ")
        if name is None and "due date" in reason:
            name = "due"
        raise row.problem(fields.get(name or "", name), reason) from None
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()
    return ParsedEvent(row.line, event, hashlib.blake2b(body, digest_size=16).hexdigest())


_CURRENCY_SIGNS = {"€": "EUR", "฿": "THB", "บาท": "THB", "£": "GBP"}


def _currency(cell: Cell) -> str | None:
    """Read a currency code (any case) or an unambiguous sign (€, ฿, บาท, £); None when empty."""
    text = text_of(cell)
    code = _CURRENCY_SIGNS.get(text, text.upper())
    if not text:
        return None
    if not (len(code) == 3 and code.isascii() and code.isalpha()):
        raise ValueError(f"{text!r} is not a currency code like EUR or THB")
    return code


def parse_invoices(
    sheets: Iterable[Sheet], *, path: str, preset: SheetPreset, lookup: Lookup, create_clients: bool = False
) -> SheetOutcome:
    """Turn invoice rows into invoice events (and payments where a paid date or amount is given).

    The rows of one invoice number must agree (an export's line items repeat them); an unknown
    client stops the import with the list of them, unless ``create_clients``.
    """
    out = SheetOutcome()
    seen: dict[str, tuple[_Row, dict[str, Any]]] = {}
    unknown: dict[str, str] = {}
    created: dict[str, ParsedEvent] = {}
    for row in _rows(sheets, preset, path):
        number = text_of(row.cell("number"))
        if not number:
            raise row.problem("number", "the invoice number is empty")
        client_text = text_of(row.cell("client"))
        found = lookup.client(client_text) if client_text else None
        if found is None and row.has("client_email"):
            found = lookup.client(text_of(row.cell("client_email")))
        if not client_text and found is None:
            raise row.problem("client", "the client is empty")
        amount = row.read("amount", lambda c: parse_amount(c, preset.decimal))
        currency = row.read("currency", _currency) or preset.currency or (found[1] if found else None)
        if found is None:
            unknown.setdefault(client_text, row.place())
            found = (source_id("sheet:client", client_text.casefold()), currency or lookup.currency)
            email = text_of(row.cell("client_email")) or (client_text if "@" in client_text else "")
            if found[0] not in created:
                client = {"type": "client", "id": found[0], "name": client_text, "currency": found[1]}
                created[found[0]] = _event(
                    row, client | ({"emails": [email]} if email else {}), {"name": "client"}
                )
        data = {
            "type": "invoice",
            "id": lookup.invoices.get(number.casefold()) or source_id("sheet:invoice", number),
            "client": found[0],
            "number": number,
            "issued": row.read("issued", lambda c: parse_date(c, preset.dates)).isoformat(),
            "due": row.read("due", lambda c: parse_date(c, preset.dates)).isoformat(),
            "amount": str(amount),
            "currency": currency or found[1],
            "disputed": row.read("disputed", parse_flag) if row.has("disputed") else False,
        }
        if (earlier := seen.get(number.casefold())) is not None:
            first, before = earlier
            if before != data:
                diff = ", ".join(
                    f"{k} {before[k]} vs {data[k]}" for k in data if k != "id" and before[k] != data[k]
                )
                raise row.problem(
                    "number",
                    f"invoice {number!r} appears again with different content ({diff}); first at {first.place()}",
                )
            continue
        seen[number.casefold()] = (row, data)
        out.events.append(_event(row, data, {"currency": "currency"}))
        if payment := _paid(row, preset, lookup, data, amount):
            out.events.append(payment)
    if unknown and not create_clients:
        listed = "; ".join(f"{name!r} ({where})" for name, where in unknown.items())
        raise SheetProblem(
            path,
            None,
            "client",
            f"{len(unknown)} client(s) not in the ledger: {listed}; import them first, or pass --create-clients",
        )
    out.events[:0] = created.values()
    return out


def _paid(
    row: _Row, preset: SheetPreset, lookup: Lookup, invoice: dict[str, Any], amount: Any
) -> ParsedEvent | None:
    """The payment an invoice row records in its paid date / paid amount columns, if any."""
    paid = (
        row.read("paid_amount", lambda c: parse_amount(c, preset.decimal)) if row.has("paid_amount") else None
    )
    if not row.has("paid_at"):
        if paid:
            raise row.problem("paid_at", f"a paid amount ({paid}) is given without the date it was paid")
        return None
    if paid is not None and paid == 0:
        return None
    at = row.read("paid_at", lambda c: parse_moment(c, preset.dates, lookup.zone))
    data = {
        "type": "payment",
        "id": source_id("sheet:paid", invoice["id"]),
        "invoice": invoice["id"],
        "at": at.isoformat(),
        "amount": str(amount if paid is None else paid),
    }
    return _event(row, data, {"amount": "paid_amount", "at": "paid_at"})


def parse_payments(
    sheets: Iterable[Sheet], *, path: str, preset: SheetPreset, lookup: Lookup
) -> SheetOutcome:
    """Turn payment rows into payment events; a row whose invoice the ledger lacks is kept as unmatched.

    A payment's id is its ``reference`` when the sheet has one, else the invoice number, the day
    and the row's place among that invoice's payments on that day: importing again changes
    nothing, and a corrected amount updates the payment instead of adding a second one.
    """
    out = SheetOutcome()
    ordinal: dict[tuple[str, str], int] = {}
    references: dict[str, _Row] = {}
    for row in _rows(sheets, preset, path):
        number = text_of(row.cell("invoice"))
        if not number:
            raise row.problem("invoice", "the invoice number is empty")
        at = row.read("at", lambda c: parse_moment(c, preset.dates, lookup.zone))
        amount = row.read("amount", lambda c: parse_amount(c, preset.decimal))
        reference = text_of(row.cell("reference"))
        if reference:
            if (first := references.get(reference)) is not None:
                raise row.problem(
                    "reference", f"payment {reference!r} appears twice; first at {first.place()}"
                )
            references[reference] = row
            ident = source_id("sheet:payment", reference)
        else:
            key = (number.casefold(), at.date().isoformat())
            ordinal[key] = ordinal.get(key, 0) + 1
            ident = source_id("sheet:payment", f"{key[0]}:{key[1]}:{ordinal[key]}")
        invoice = lookup.invoices.get(number.casefold())
        data = {
            "type": "payment",
            "id": ident,
            "invoice": invoice or "?",
            "at": at.isoformat(),
            "amount": str(amount),
        }
        parsed = _event(row, data, {})
        if invoice is None:
            out.unmatched.append(
                {
                    "message_key": ident[:500],
                    "sender": None,
                    "subject": f"payment of {amount} on {at.date().isoformat()} for invoice {number}"[:500],
                    "at": at,
                    "source": row.place(),
                    "reason": f"no invoice numbered {number!r} in the ledger"[:200],
                    "text": None,
                }
            )
            continue
        out.events.append(parsed)
    return out
