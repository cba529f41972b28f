"""Shared output helpers for commands: JSON, tables, and clear one-line failures."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from goodterms.web.format import Formatter
    from goodterms.web.record_words import Gettext

# Piped output is read by people too (and by less): keep tables wide enough to read. No Rich markup:
# a client called "Acme [Asia]" or a subject "[urgent] invoice" prints as written.
console = Console(markup=False) if sys.stdout.isatty() else Console(width=200, markup=False)
errors = Console(stderr=True, markup=False)


def say(message: str) -> None:
    """Write one unwrapped line to stderr (messages must stay greppable, one per line)."""
    typer.echo(message, err=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a clear message on stderr and exit (no traceback)."""
    say(f"error: {message}")
    raise typer.Exit(code)


def emit_json(data: Any) -> None:
    """Write JSON to stdout (UTF-8, not ASCII-escaped, stable key order)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a Rich table."""
    out = Table(title=title, show_lines=False)
    for col in columns:
        out.add_column(col)
    for row in rows:
        out.add_row(*("" if v is None else str(v) for v in row))
    console.print(out)


def reader_language(lang: str | None, business: str) -> str:
    """Return the language a CLI table is read in: --lang, else the LANG locale, else the business's."""
    from goodterms.assess.messages import LANGUAGES

    if lang is not None and lang not in LANGUAGES:
        fail(f"--lang {lang!r} is not one of {', '.join(LANGUAGES)}")
    return lang or locale_reader() or business


def locale_reader() -> str | None:
    """Return the goodterms language of the LC_ALL or LANG locale (None for C, POSIX or another language)."""
    from goodterms.assess.messages import locale_language

    return locale_language(os.environ.get("LC_ALL") or os.environ.get("LANG"))


#: ``--lang`` of a command whose table is read by a person (the table's words; JSON keeps its codes).
ReaderLangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang", help="Language of the table: en, et or th (default: the LANG locale, else the business's)."
    ),
]


def reader_words(reader: str, tz: str) -> tuple[Gettext, Formatter]:
    """Return the interface's words in ``reader``'s language (the catalogue the web app speaks, so a record
    is worded alike on every front door) and a formatter for their dates and money: their locale, the
    business's time zone, the Buddhist era in Thai (as ``goodterms assess`` dates)."""
    from goodterms.web.format import Formatter
    from goodterms.web.i18n import translations

    return translations(reader).gettext, Formatter(reader, tz, buddhist_era=True)
