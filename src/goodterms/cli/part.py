"""``goodterms part``: the parting packet — evidence log, final report, hand-over checklist, letter."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from goodterms.cli.app import app, open_app
from goodterms.cli.output import fail, locale_reader, reader_words, say

if TYPE_CHECKING:
    from goodterms.web.record_words import Gettext


@app.command("part")
def part_command(
    client: str = typer.Argument(..., help="Client id (or exact name)."),
    out: Path = typer.Option(..., "--out", help="Folder to write the packet into."),
    confirm: bool = typer.Option(
        False, "--confirm", help="Final, not a draft: the client's status becomes 'ended'."
    ),
    lang: str | None = typer.Option(None, "--lang", help="th, et or en (default: the client's language)."),
    referral: str | None = typer.Option(None, "--referral", help="A provider to suggest in the letter."),
) -> None:
    """Build the parting packet for a client (a draft until --confirm)."""
    from goodterms.reports.ledgerdata import UnknownClient
    from goodterms.reports.packet import build_packet

    if lang is not None and lang not in ("th", "et", "en"):
        fail(f"--lang must be th, et or en, not {lang!r}")
    gt = open_app()
    try:
        packet = build_packet(app=gt, client=client, out=out, confirm=confirm, lang=lang, referral=referral)
    except UnknownClient as exc:
        fail(str(exc))
    finally:
        gt.engine.dispose()  # close pooled connections now, not at garbage collection
    # The packet is in the client's language (--lang); these lines are for the owner: the LANG locale, else
    # the business's language.
    business = gt.business()
    _ = reader_words(locale_reader() or business.language, business.timezone)[0]
    files = _file_words(_)
    for name, path in packet.files.items():
        typer.echo(f"{files.get(name, name)}: {path}")
    if packet.handover_waits:
        say(_("hand-over waits on unpaid invoices (the checklist and letter say so)"))
    if packet.draft:
        say(_("draft: review the packet, then run again with --confirm to end the relationship"))
    else:
        say(_("%(client)s: the relationship has ended") % {"client": packet.client})


def _file_words(_: Gettext) -> dict[str, str]:
    """Say what each file of the packet is, for the owner."""
    return {
        "evidence": _("evidence log"),
        "report": _("final report"),
        "internal": _("final report, internal copy"),
        "handover": _("hand-over checklist"),
        "letter_text": _("letter, plain text"),
        "letter": _("letter"),
        "manifest": _("contents list"),
    }
