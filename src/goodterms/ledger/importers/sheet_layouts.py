"""Spreadsheet layouts: which column holds each ledger field, per preset or per map file (pure).

Presets follow layouts that accounting systems document (sources in docs/connect-sheets.md):

- ``generic``: the ledger's own field names. Invoices: ``number, client, issued, due, amount,
  currency, disputed`` (+ ``paid_at``, ``paid_amount``, ``client_email``); payments: ``invoice, at,
  amount`` (+ ``reference``).
- ``xero``: Xero's sales-invoice export (``ContactName``, ``EmailAddress``, ``InvoiceNumber``,
  ``InvoiceDate``, ``DueDate``, ``Total``, ``Currency``, ``Status``), one row per line item: the
  rows of one invoice repeat its totals and collapse into one invoice. Draft, deleted and voided
  invoices are skipped.
- ``invoiceninja``: Invoice Ninja's invoice export (``Number``, ``Client``, ``Date``, ``Due Date``,
  ``Amount``, ``Currency``, ``Status``; newer versions say ``Invoice Number``, ``Client Name`` ...).
  Draft, cancelled and reversed invoices are skipped.

A map file (TOML) starts from a preset and names other headers, the date order, the decimal mark,
a default currency and which sheets to read.
"""

from __future__ import annotations

import codecs
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from goodterms.ledger.problems import ImportProblem

KINDS = ("invoices", "payments")
FIELDS: dict[str, tuple[str, ...]] = {
    "invoices": (
        "number",
        "client",
        "client_email",
        "issued",
        "due",
        "amount",
        "currency",
        "disputed",
        "paid_at",
        "paid_amount",
    ),
    "payments": ("invoice", "at", "amount", "reference"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "invoices": ("number", "client", "issued", "due", "amount"),
    "payments": ("invoice", "at", "amount"),
}
DATE_ORDERS = ("dmy", "mdy", "ymd")


@dataclass(frozen=True)
class SheetPreset:
    """Which column(s) may hold each field, and how the export writes dates and decimals."""

    name: str
    kind: str
    columns: Mapping[str, tuple[str, ...]]
    dates: str = "dmy"
    decimal: str | None = None
    currency: str | None = None
    sheets: tuple[str, ...] = ()
    encoding: str = "utf-8-sig"
    skip: Mapping[str, frozenset[str]] = field(default_factory=dict)


def _generic(kind: str) -> SheetPreset:
    return SheetPreset("generic", kind, {f: (f,) for f in FIELDS[kind]} | {"reference": ("reference", "id")})


PRESETS: dict[tuple[str, str], SheetPreset] = {
    ("invoices", "generic"): _generic("invoices"),
    ("payments", "generic"): _generic("payments"),
    ("invoices", "xero"): SheetPreset(
        "xero",
        "invoices",
        {
            "number": ("InvoiceNumber",),
            "client": ("ContactName",),
            "client_email": ("EmailAddress",),
            "issued": ("InvoiceDate",),
            "due": ("DueDate",),
            "amount": ("Total",),
            "currency": ("Currency",),
        },
        skip={"Status": frozenset({"draft", "deleted", "voided"})},
    ),
    ("invoices", "invoiceninja"): SheetPreset(
        "invoiceninja",
        "invoices",
        {
            "number": ("Number", "Invoice Number"),
            "client": ("Client", "Client Name"),
            "issued": ("Date", "Invoice Date"),
            "due": ("Due Date", "Invoice Due Date"),
            "amount": ("Amount", "Invoice Amount"),
            "currency": ("Currency", "Invoice Currency"),
        },
        skip={
            "Status": frozenset({"draft", "cancelled", "reversed"}),
            "Invoice Status": frozenset({"draft", "cancelled", "reversed"}),
        },
    ),
}


def preset_names(kind: str) -> list[str]:
    return [name for k, name in PRESETS if k == kind]


def choose_preset(kind: str, name: str | None, map_text: str | None, *, path: str) -> SheetPreset:
    """Return the preset to read a file with: a named one, a map file (TOML) over one, or generic."""
    if kind not in KINDS:
        raise ImportProblem(path, None, None, f"--as {kind!r}: say invoices or payments")
    base_name = name or "generic"
    if map_text is not None:
        try:
            spec = tomllib.loads(map_text)
        except tomllib.TOMLDecodeError as exc:
            raise ImportProblem(path, None, None, f"the map file is not valid TOML: {exc}") from None
        base_name = name or str(spec.get("preset", "generic"))
    if (kind, base_name) not in PRESETS:
        raise ImportProblem(
            path, None, None, f"no {kind} preset {base_name!r}; one of {', '.join(preset_names(kind))}"
        )
    preset = PRESETS[(kind, base_name)]
    return preset if map_text is None else _apply_map(preset, spec, path)


def _apply_map(preset: SheetPreset, spec: dict[str, Any], path: str) -> SheetPreset:
    where = "map file"
    known = {"as", "preset", "dates", "decimal", "currency", "sheets", "encoding", "columns"}
    if unknown := sorted(set(spec) - known):
        raise ImportProblem(path, None, where, f"unknown settings {unknown}; known: {sorted(known)}")
    if spec.get("as", preset.kind) != preset.kind:
        raise ImportProblem(path, None, where, f"is for {spec['as']!r}, but --as says {preset.kind!r}")
    columns = dict(preset.columns)
    given = spec.get("columns", {})
    if not isinstance(given, dict):
        raise ImportProblem(path, None, where, "[columns] must be a table of field = header")
    for name, header in given.items():
        if name not in FIELDS[preset.kind]:
            raise ImportProblem(
                path,
                None,
                where,
                f"{name!r} is not a {preset.kind} field; one of {', '.join(FIELDS[preset.kind])}",
            )
        headers = [header] if isinstance(header, str) else header
        if not isinstance(headers, list) or not all(isinstance(h, str) and h for h in headers):
            raise ImportProblem(path, None, where, f"columns.{name} must be a header or a list of headers")
        columns[name] = tuple(headers)
    dates = spec.get("dates", preset.dates)
    if dates not in DATE_ORDERS:
        raise ImportProblem(path, None, where, f"dates = {dates!r}: one of {', '.join(DATE_ORDERS)}")
    decimal = spec.get("decimal", preset.decimal)
    if decimal not in (None, ",", "."):
        raise ImportProblem(path, None, where, f'decimal = {decimal!r}: "," or "."')
    sheets = spec.get("sheets", list(preset.sheets))
    if not isinstance(sheets, list) or not all(isinstance(s, str) for s in sheets):
        raise ImportProblem(path, None, where, "sheets must be a list of sheet names")
    currency = spec.get("currency", preset.currency)
    if currency is not None and not (isinstance(currency, str) and len(currency) == 3 and currency.isupper()):
        raise ImportProblem(path, None, where, f"currency = {currency!r}: an ISO 4217 code like THB")
    encoding = spec.get("encoding", preset.encoding)
    try:
        codecs.lookup(str(encoding))
    except LookupError:
        raise ImportProblem(
            path, None, where, f"encoding = {encoding!r}: not an encoding, e.g. cp874"
        ) from None
    return replace(
        preset,
        encoding=str(encoding),
        name=f"{preset.name}+map",
        columns=columns,
        dates=dates,
        decimal=decimal,
        currency=currency,
        sheets=tuple(sheets),
    )
