"""Ledger commands: import, clients, timeline, demo, db upgrade."""

from __future__ import annotations

import enum
from datetime import date
from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TransferSpeedColumn

from goodterms.cli.app import app, open_app
from goodterms.cli.output import (
    ReaderLangOpt,
    emit_json,
    errors,
    fail,
    reader_language,
    reader_words,
    say,
    table,
)
from goodterms.ledger.importing import ImportResult, import_path
from goodterms.ledger.problems import ImportProblem
from goodterms.ledger.queries import NotFound, clients_overview, timeline
from goodterms.ledger.sheet_import import SheetOptions


class Format(enum.StrEnum):
    table = "table"
    json = "json"


class SheetKind(enum.StrEnum):
    invoices = "invoices"
    payments = "payments"


@app.command("import")
def import_command(
    paths: list[Path] = typer.Argument(
        ..., help="JSON Lines, call-log CSV, .eml, .mbox, Maildir, or .xlsx/.csv sheets with --as."
    ),
    preset: str | None = typer.Option(
        None,
        help="File layout. Call logs: twilio, ringcentral, goodterms. Sheets: generic, xero, invoiceninja.",
    ),
    sheet_kind: SheetKind | None = typer.Option(
        None, "--as", help="Read the files as spreadsheets of invoices or payments (docs/connect-sheets.md)."
    ),
    map_file: Path | None = typer.Option(
        None, "--map", help="TOML file naming the sheet's columns, date order and decimal mark."
    ),
    create_clients: bool = typer.Option(
        False, "--create-clients", help="Create clients an invoice sheet names that the ledger lacks."
    ),
    fmt: Format = typer.Option(Format.table, "--format", help="Output format."),
    lang: ReaderLangOpt = None,
) -> None:
    """Import ledger files; each file is stored whole or not at all."""
    gt = open_app()
    business_email = gt.business().email
    sheet = None
    if sheet_kind is SheetKind.payments and create_clients:
        fail("--create-clients is for invoice sheets: payments name invoices, not clients")
    if sheet_kind is not None:
        sheet = SheetOptions(sheet_kind.value, preset, map_file, create_clients)
    elif map_file is not None or create_clients:
        fail("--map and --create-clients are for spreadsheets: add --as invoices or --as payments")
    results: list[ImportResult] = []
    failed = False
    for path in paths:
        try:
            if errors.is_terminal and path.is_file():
                with Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    DownloadColumn(),
                    TransferSpeedColumn(),
                    console=errors,
                    transient=True,
                ) as bar:
                    task = bar.add_task(path.name, total=path.stat().st_size)

                    def advance(n: int, task: TaskID = task, bar: Progress = bar) -> None:
                        bar.advance(task, n)

                    results.append(
                        import_path(
                            gt.engine,
                            path,
                            preset=preset,
                            business_email=business_email,
                            progress=advance,
                            policy=gt.request_policy(),
                            sheet=sheet,
                        )
                    )
            else:
                results.append(
                    import_path(
                        gt.engine,
                        path,
                        preset=preset,
                        business_email=business_email,
                        policy=gt.request_policy(),
                        sheet=sheet,
                    )
                )
        except ImportProblem as exc:
            failed = True
            say(f"error: {exc} — nothing from this file was stored")
    if fmt is Format.json:
        emit_json([r.to_json() for r in results])
    elif results:
        # Read after the import: the first file may be the one that names the business and its language.
        _ = reader_words(reader_language(lang, gt.business().language), gt.business().timezone)[0]
        kinds = {
            "jsonl": _("ledger events"),
            "calls": _("call log"),
            "mail": _("e-mail"),
            "invoices": _("invoices"),
            "payments": _("payments"),
        }
        table(
            _("Imported"),
            [_("File"), _("What"), _("New"), _("Updated"), _("Unchanged"), _("Not matched")],
            [
                (
                    r.path,
                    kinds.get(r.kind, r.kind),
                    r.counts.inserted,
                    r.counts.updated,
                    r.counts.unchanged,
                    len(r.unmatched),
                )
                for r in results
            ],
        )
        for r in results:
            for note in r.notes:
                say(f"note: {note}")
            for item in r.unmatched[:20]:
                say(_("not matched (kept, not imported): %(item)s") % {"item": item})
            if len(r.unmatched) > 20:
                say(
                    _("… and %(n)s more not matched in %(file)s")
                    % {"n": len(r.unmatched) - 20, "file": r.path}
                )
    if failed:
        raise typer.Exit(2)


#: The clients table's title and columns in the reader's language.
CLIENTS_WORDS = {
    "en": "Clients|id|name|language|status|contacts|requests|open requests|open invoices|amount due",
    "et": "Kliendid|id|nimi|keel|olek|kontakte|pöördumisi|avatud pöördumisi|avatud arveid|tasumata",
    "th": "ลูกค้า|รหัส|ชื่อ|ภาษา|สถานะ|การติดต่อ|คำขอ|คำขอที่ยังเปิดอยู่|ใบแจ้งหนี้ค้างชำระ|ยอดค้างชำระ",
}


@app.command("clients")
def clients_command(
    fmt: Format = typer.Option(Format.table, "--format", help="Output format."),
    lang: ReaderLangOpt = None,
) -> None:
    """List every client with counts of contacts, requests and open invoices."""
    from decimal import Decimal

    from goodterms.handling.formatting import format_money
    from goodterms.handling.reasons import LANGUAGE_NAMES
    from goodterms.reports.labels import word

    gt = open_app()
    reader = reader_language(lang, gt.business().language)
    rows = clients_overview(gt.engine)
    if fmt is Format.json:
        emit_json({"clients": rows})
        return
    title, *columns = CLIENTS_WORDS[reader].split("|")
    table(
        title,
        columns,
        [
            (
                r["id"],
                r["name"],
                LANGUAGE_NAMES[reader].get(r["language"], r["language"]),
                word("status", r["status"], reader),
                r["contacts"],
                r["requests"],
                r["open_requests"],
                r["open_invoices"],
                format_money(Decimal(str(r["amount_due"])), r["currency"], lang=reader),
            )
            for r in rows
        ],
    )


@app.command("timeline")
def timeline_command(
    client: str = typer.Argument(..., help="Client id or name."),
    since: str | None = typer.Option(None, help="Only entries on or after this date (YYYY-MM-DD)."),
    fmt: Format = typer.Option(Format.table, "--format", help="Output format."),
    lang: ReaderLangOpt = None,
) -> None:
    """Show everything that happened with one client, in time order.

    The table is in the reader's words; the JSON keeps each entry's codes and facts, with "words" and
    "when" (the local time) beside them in the reader's language."""
    from goodterms.web.record_words import gist_of, with_words

    try:
        start = date.fromisoformat(since) if since else None
    except ValueError:
        fail(f"--since {since!r} is not a date like 2026-03-01")
    gt = open_app()
    business = gt.business()
    reader = reader_language(lang, business.language)
    try:
        data = timeline(gt.engine, client, since=start)
    except NotFound as exc:
        fail(str(exc))
    # Times as the business lives them, to the minute, in the reader's calendar.
    _, local = reader_words(reader, business.timezone)
    with_words(data["entries"], _, local)
    if fmt is Format.json:
        for entry in data["entries"]:
            del entry["anchor"]  # a link target on the web page, nothing to a script
        emit_json({"lang": reader, **data})
        return
    title, when = _("Timeline"), _("When")
    table(
        f"{title}: {data['client']['name']}",
        [f"{when} ({business.timezone})", _("Record"), _("What"), _("Details")],
        [(e["when"], e["id"], e["words"], gist_of(e)) for e in data["entries"]],
    )


@app.command("demo")
def demo_command(
    seed: int = typer.Option(7, help="Random seed: the same seed gives the same ledger."),
    clients: int = typer.Option(44, min=15, help="Number of clients."),
    out: Path | None = typer.Option(None, help="Also write the generated JSON Lines here."),
) -> None:
    """Generate a realistic demo portfolio (Thai, Estonian, English) and import it."""
    from goodterms.demo import generate

    gt = open_app()
    events = generate(seed=seed, clients=clients)
    import json
    import tempfile

    target = out or Path(tempfile.mkdtemp(prefix="goodterms-demo-")) / "demo.jsonl"
    with target.open("w", encoding="utf-8") as fh:
        for event in events:
            fh.write(json.dumps(event, ensure_ascii=False) + "\n")
    try:
        result = import_path(gt.engine, target, policy=gt.request_policy())
    except ImportProblem as exc:
        fail(str(exc))
    say(
        f"demo ledger: {result.counts.inserted} new, {result.counts.unchanged} unchanged records from {target}"
    )
    say(demo_language_note(gt.business().name, gt.business().language))


def demo_language_note(business: str, lang: str) -> str:
    """Say which language the demo business works in and how to read the CLI's output in another."""
    from goodterms.handling.reasons import LANGUAGE_NAMES as NAMES

    names = NAMES["en"]
    others = [code for code in names if code != lang]
    return (
        f"The demo business, {business}, works in {names.get(lang, lang)}: `goodterms assess` "
        f"speaks {names.get(lang, lang)} unless told otherwise (--lang, or your LANG locale). Add --lang "
        + " or --lang ".join(f"{code} ({names[code]})" for code in others)
        + f", e.g. `goodterms assess --lang {others[-1]}`; `make web` shows it in the browser."
    )


db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    gt = open_app()
    say(f"database is up to date: {gt.engine.url.render_as_string(hide_password=True)}")
