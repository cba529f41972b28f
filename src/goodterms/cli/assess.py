"""``goodterms assess``: which clients hurt the business, why, with the evidence, and what to do."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import typer

from goodterms.cli.app import app, open_app
from goodterms.cli.output import console, reader_language


def _as_of(value: str | None, tz: str) -> datetime | None:
    """Read --as-of: a date means the start of that day in the business's timezone."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--as-of: {value!r} is not an ISO date or time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(tz))


@app.command("assess")
def assess_command(
    client: str | None = typer.Argument(None, help="A client's id or name (default: every client)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Judge with only what was known before this date or time (ISO)."
    ),
    fmt: str = typer.Option("table", "--format", help="table, json or markdown."),
    trend: bool = typer.Option(True, "--trend/--no-trend", help="Include the monthly health trend."),
    lang: str | None = typer.Option(
        None,
        "--lang",
        help="Language of the table and report: en, et or th (default: the LANG locale, else the business's).",
    ),
) -> None:
    """Assess clients: red flags with evidence, health 0-100, trend, verdict and advice."""
    from goodterms.assess.render import markdown, table
    from goodterms.assess.service import UnknownClient, assess
    from goodterms.settings import SettingsProblem

    if fmt not in ("table", "json", "markdown"):
        typer.echo("--format: use table, json or markdown", err=True)
        raise typer.Exit(code=2)
    if lang is not None:
        reader_language(lang, "en")  # a bad --lang fails before any work
    try:
        gt = open_app()
        moment = _as_of(as_of, gt.business().timezone)
        result = assess(app=gt, client=client, as_of=moment, trend=trend)
    except (SettingsProblem, UnknownClient, ValueError) as exc:
        typer.echo(exc.args[0] if exc.args else str(exc), err=True)
        raise typer.Exit(code=2) from None
    reader = reader_language(lang, gt.business().language)
    tz = gt.business().timezone
    if fmt == "json":
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        typer.echo(markdown(result, reader, tz))
    else:
        console.print(table(result, reader, tz))
