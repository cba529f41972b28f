"""``goodterms analyze``: language, tone, discount asks and deadlines of client messages."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from goodterms.cli.app import app

if TYPE_CHECKING:
    from goodterms.text import ToneModel
    from goodterms.web.format import Formatter
    from goodterms.web.record_words import Gettext


def _parse_at(value: str | None, tz: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f'--at / "at" {value!r} is not an ISO time such as 2026-03-11T10:15+07:00') from exc
    if moment.tzinfo is None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            moment = moment.replace(tzinfo=ZoneInfo(tz or "UTC"))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {tz!r}") from exc
    return moment


def _one(text: str, lang: str | None, at: str | None, tz: str | None, model: ToneModel) -> dict[str, Any]:
    """Analyse one message. Without --tz, deadlines are read in the zone of the message time's own offset
    (``2026-03-11T18:00+07:00``: "tomorrow morning" is 09:00 at +07:00), else in UTC."""
    from goodterms.text import analyze

    moment = _parse_at(at, tz)
    zone: str | tzinfo = tz if tz is not None else (moment.tzinfo if moment and moment.tzinfo else "UTC")
    return analyze(text, lang=lang, at=moment or datetime.now(UTC), tz=zone, model=model).to_json()


def _model(name: str) -> ToneModel:
    """Return the shipped tone model of a path; asking for the embedding path without its extra is an error."""
    from goodterms.text import load_default_model
    from goodterms.text.embed import EmbedUnavailable

    if name not in ("default", "embed"):
        raise typer.BadParameter("use default or embed", param_hint="--model")
    try:
        return load_default_model(embed=name == "embed")
    except EmbedUnavailable as exc:
        raise typer.BadParameter(str(exc), param_hint="--model") from exc


def _line_request(line: str) -> tuple[str, str | None, str | None]:
    """Read one stdin line: plain text, or a JSON object with text and optional lang and at."""
    stripped = line.strip()
    if not stripped.startswith("{"):
        return stripped, None, None
    obj = json.loads(stripped)
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ValueError('JSON line needs a string "text" field')
    lang, at = obj.get("lang"), obj.get("at")
    if lang is not None and not isinstance(lang, str):
        raise ValueError('"lang" must be a string')
    if at is not None and not isinstance(at, str):
        raise ValueError('"at" must be an ISO time string')
    return obj["text"], lang, at


def _reader(asked: str | None) -> str:
    """Return the language the table is read in: --reader-lang, else the LANG locale, else the business's
    language in goodterms.toml (no database is opened: analyze reads text, not the ledger)."""
    from goodterms.cli.app import state
    from goodterms.cli.output import locale_reader
    from goodterms.handling.formatting import language_of
    from goodterms.settings import SettingsProblem, load_settings

    found = asked or locale_reader()
    if found is not None:
        return found
    try:
        return language_of(load_settings(state.config_path).business.language)
    except SettingsProblem as exc:
        raise typer.BadParameter(f"{exc}; or give --reader-lang", param_hint="--reader-lang") from None


def _deadline(deadline: dict[str, Any], reader: str, _: Gettext, local: Formatter) -> str:
    """Say a demanded deadline: when (at the message's own offset, in the reader's calendar), how urgent,
    and the client's words that asked for it."""
    from goodterms.assess.messages import name

    at = datetime.fromisoformat(deadline["at"])
    when = f"{local.date(at.replace(tzinfo=None))} {at:%H:%M}"  # the date as the offset has it, no shift
    urgency = _("urgency: %(level)s") % {"level": name(deadline["urgency"], reader)}
    return f"{when} · {urgency} · “{deadline['phrase']}”"


def _table(rows: list[tuple[str, dict[str, Any]]], reader: str) -> Table:
    """Return the analyses as a table in the reader's words (the JSON keeps the codes)."""
    from babel.numbers import format_decimal

    from goodterms.cli.output import reader_words
    from goodterms.handling.reasons import LANGUAGE_NAMES
    from goodterms.reports.labels import labels, word

    _, local = reader_words(reader, "UTC")
    table = Table(
        _("Message"),
        _("Language"),
        _("Tone"),
        _("Rudeness (0–1)"),
        _("Words behind the tone"),
        _("Asks a discount"),
        _("Deadline"),
    )
    for text, result in rows:
        if "error" in result:
            table.add_row(text, "", _("not read"), "", result["error"], "", "")
            continue
        tone, deadline = result["tone"], result["deadline"]
        threat = f" ({word('tone', 'threat', reader)})" if tone.get("threat") else ""
        table.add_row(
            text,
            LANGUAGE_NAMES[reader].get(result["language"], result["language"]),
            f"{word('tone', tone['label'], reader)}{threat}",
            format_decimal(tone["score"], format="0.00", locale=local.locale),
            ", ".join(tone["phrases"]),
            labels(reader)["yes"] if result["asks_discount"] else "",
            _deadline(deadline, reader, _, local) if deadline else "",
        )
    return table


@app.command("analyze")
def analyze_command(
    text: str = typer.Argument(..., help="The message, or - to read one message per line from stdin."),
    lang: str | None = typer.Option(
        None, "--lang", help="The messages' language: th, et or en (default: detect)."
    ),
    at: str | None = typer.Option(None, "--at", help="When the message was sent, ISO time (default: now)."),
    tz: str | None = typer.Option(
        None,
        "--tz",
        help="IANA time zone for deadlines such as 'tomorrow morning' (default: the offset the message time "
        "carries, else UTC).",
    ),
    fmt: str = typer.Option("json", "--format", help="json or table."),
    reader_lang: str | None = typer.Option(
        None,
        "--reader-lang",
        help="Language the table is read in: en, et or th (default: the LANG locale, else the business's "
        "in goodterms.toml). --lang is the messages' own language.",
    ),
    model_name: str = typer.Option(
        "default",
        "--model",
        help="Tone model: default (fast) or embed (adds sentence embeddings; needs goodterms[embed]).",
    ),
) -> None:
    """Analyse client messages: language, tone, discount asks and deadline demands."""
    if fmt not in ("json", "table"):
        raise typer.BadParameter("use json or table", param_hint="--format")
    if lang is not None and lang not in ("th", "et", "en"):
        raise typer.BadParameter("use th, et or en", param_hint="--lang")
    if reader_lang is not None and reader_lang not in ("th", "et", "en"):
        raise typer.BadParameter("use th, et or en", param_hint="--reader-lang")
    reader = _reader(reader_lang) if fmt == "table" else "en"
    model = _model(model_name)
    rows: list[tuple[str, dict[str, Any]]] = []
    bad = 0
    if text != "-":
        try:
            rows.append((text, _one(text, lang, at, tz, model)))
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
    else:
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                body, line_lang, line_at = _line_request(line)
                result = _one(body, line_lang or lang, line_at or at, tz, model)
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                bad += 1
                body, result = line.strip(), {"error": f"line {number}: {exc}"}
            rows.append((body, result))
            if fmt == "json":
                typer.echo(json.dumps(result, ensure_ascii=False))
    if fmt == "table":
        Console(markup=False).print(_table(rows, reader))
    elif text != "-":
        typer.echo(json.dumps(rows[0][1], ensure_ascii=False))
    if bad:
        raise typer.Exit(code=2)
