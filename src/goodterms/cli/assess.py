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
    store: bool = typer.Option(
        False,
        "--store",
        help="Also store the result as the assessment the web app and API show (today's, with the trend).",
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
    if store and (as_of is not None or not trend):
        typer.echo(
            "--store keeps today's assessment with its trend: leave out --as-of and --no-trend", err=True
        )
        raise typer.Exit(code=2)
    try:
        gt = open_app()
        moment = _as_of(as_of, gt.business().timezone)
        if store:
            from goodterms.assess.store import assess_and_store

            result = assess_and_store(gt, client)
        else:
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
