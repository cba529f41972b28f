"""``goodterms tone``: staff marks, the business's own tone model, and tone labels for the ledger."""

from __future__ import annotations

import typer

from goodterms.cli.app import app, open_app
from goodterms.cli.output import fail, say
from goodterms.tone_service import ContactNotFound, fill_tone, learn_from_marks, mark_message

tone_app = typer.Typer(
    help="Teach goodterms what your business calls rude, and label messages with it.",
    no_args_is_help=True,
)
app.add_typer(tone_app, name="tone")


@tone_app.command("mark")
def mark_command(
    contact_id: str = typer.Argument(..., help="The contact's id, as imported."),
    rude: bool | None = typer.Option(None, "--rude/--not-rude", help="Whether the message is rude."),
) -> None:
    """Mark one message as rude or not rude: the assessment counts it so at once; `tone learn` learns from it."""
    if rude is None:
        fail("say --rude or --not-rude")
    gt = open_app()
    try:
        mark_message(engine=gt.engine, contact_ext_id=contact_id, rude=rude)
    except ContactNotFound as exc:
        fail(str(exc))
    say(f"marked {contact_id} as {'rude' if rude else 'not rude'}")


@tone_app.command("learn")
def learn_command() -> None:
    """Refit the business's tone model on all staff marks; tone labels are then read again."""
    gt = open_app()
    counts = learn_from_marks(engine=gt.engine, embed=gt.settings.text.embed)
    if not counts["marks"]:
        fail("no marked messages yet: mark some with `goodterms tone mark CONTACT_ID --rude/--not-rude`")
    say(
        f"learned from {counts['marks']} marks ({counts['rude']} rude, {counts['not_rude']} not rude); "
        f"{counts['cleared']} tone labels will be read again by `goodterms tone fill`"
    )


@tone_app.command("fill")
def fill_command(
    batch: int = typer.Option(2000, min=1, help="Contacts per transaction."),
) -> None:
    """Label the tone of inbound messages that have none yet (with the business's model, if any)."""
    gt = open_app()
    done = fill_tone(engine=gt.engine, batch=batch, embed=gt.settings.text.embed)
    say(f"labelled {done} messages")
