"""Import invoices or payments from a spreadsheet (xlsx or CSV): the I/O around ``importers.sheets``.

The file is read whole, its rows become the ledger's own invoice and payment events and go through
the same ``Writer`` as every import: one transaction per file, idempotent, a changed row updates its
record and keeps the old values in ``record_changes``. Payments whose invoice the ledger lacks are
kept in ``unmatched_messages`` (source: file, sheet and row; reason: which invoice is missing), as
calls from unknown numbers are.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, delete, select

from goodterms.ledger import models as m
from goodterms.ledger.importers.sheet_layouts import choose_preset
from goodterms.ledger.importers.sheets import (
    Lookup,
    SheetOutcome,
    parse_invoices,
    parse_payments,
    read_csv,
    read_xlsx,
)
from goodterms.ledger.importing import ImportResult, Progress, write_events
from goodterms.ledger.problems import ImportProblem
from goodterms.ledger.queries import name_key
from goodterms.ledger.store import table_of

XLSX = (".xlsx", ".xlsm")
CSV = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class SheetOptions:
    """How to read a spreadsheet: as invoices or payments, with which preset or map file."""

    kind: str
    preset: str | None = None
    map_file: Path | None = None
    create_clients: bool = False


def _lookup(engine: Engine) -> Lookup:
    """Index the ledger's clients by id, name and e-mail, and its invoices by number."""
    by_key: dict[str, tuple[str, str]] = {}
    with engine.connect() as conn:
        zone_name, currency = conn.execute(
            select(m.Business.timezone, m.Business.currency).order_by(m.Business.id).limit(1)
        ).first() or ("UTC", "EUR")
        clients = conn.execute(
            select(m.Client.ext_id, m.Client.name, m.Client.emails, m.Client.currency).order_by(m.Client.id)
        ).all()
        invoices = {
            number.casefold(): ext_id
            for ext_id, number in conn.execute(
                select(m.Invoice.ext_id, m.Invoice.number).order_by(m.Invoice.id)
            )
        }
    by_id = {ext_id: (ext_id, currency) for ext_id, _, _, currency in clients}
    for ext_id, name, emails, currency in clients:
        by_key.setdefault(name_key(name), (ext_id, currency))
        for addr in emails or []:
            by_key.setdefault(addr.strip().casefold(), (ext_id, currency))

    def client(text: str) -> tuple[str, str] | None:
        return by_id.get(text.strip()) or by_key.get(name_key(text))

    return Lookup(client=client, invoices=invoices, zone=ZoneInfo(zone_name), currency=currency)


def import_sheet(
    engine: Engine, path: Path, options: SheetOptions, *, progress: Progress | None = None
) -> ImportResult:
    """Import one spreadsheet of invoices or payments; nothing is stored if any row is wrong."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in XLSX + CSV:
        hint = " (save it as .xlsx or .csv first)" if suffix in (".xls", ".ods", ".numbers") else ""
        raise ImportProblem(name, None, None, f"not a spreadsheet: expected .xlsx, .xlsm or .csv{hint}")
    map_text = None
    if options.map_file is not None:
        try:
            map_text = options.map_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ImportProblem(
                str(options.map_file), None, None, f"cannot read the map file: {exc}"
            ) from None
    preset = choose_preset(options.kind, options.preset, map_text, path=name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(name, None, None, f"cannot open: {exc.strerror}") from None
    if progress is not None:
        progress(len(data))
    sheets = read_xlsx(data, name) if suffix in XLSX else read_csv(data, name, preset.encoding)
    lookup = _lookup(engine)
    outcome: SheetOutcome
    if options.kind == "invoices":
        outcome = parse_invoices(
            sheets, path=name, preset=preset, lookup=lookup, create_clients=options.create_clients
        )
    else:
        outcome = parse_payments(sheets, path=name, preset=preset, lookup=lookup)
    digest = hashlib.sha256(data).hexdigest()
    counts = write_events(
        engine,
        iter(outcome.events),
        path=name,
        kind=options.kind,
        sha=lambda: digest,
        unmatched=outcome.unmatched,
    )
    _settle_unmatched(engine, [p.event.id for p in outcome.events if p.event.type == "payment"])
    return ImportResult(
        name, options.kind, counts, [f"{u['source']}: {u['reason']}" for u in outcome.unmatched]
    )


def _settle_unmatched(engine: Engine, payment_ids: list[str]) -> None:
    """Drop the unmatched entries of payments that are now stored (their invoice came in since).

    After the import's own transaction, so that a failed import never loses a kept entry.
    """
    table = table_of(m.UnmatchedMessage)
    with engine.begin() as conn:
        for i in range(0, len(payment_ids), 900):
            conn.execute(delete(table).where(table.c.message_key.in_(payment_ids[i : i + 900])))
