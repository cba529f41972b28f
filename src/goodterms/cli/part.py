"""``goodterms part``: the parting packet — evidence log, final report, hand-over checklist, letter."""

from __future__ import annotations

from pathlib import Path

import typer

from goodterms.cli.app import app, open_app
from goodterms.cli.output import fail, say


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
    for name, path in packet.files.items():
        typer.echo(f"{name}: {path}")
    if packet.handover_waits:
        say("hand-over waits on unpaid invoices (the checklist and letter say so)")
    if packet.draft:
        say("draft: review the packet, then run again with --confirm to end the relationship")
    else:
        say(f"client {packet.client} is now {packet.status}")
