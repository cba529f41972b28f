"""``goodterms followup``: plan and send payment reminders, pause/resume, need-answer and boundaries notices."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from sqlalchemy.exc import SQLAlchemyError

from goodterms.app import Goodterms
from goodterms.cli.app import app, open_app
from goodterms.cli.output import ReaderLangOpt, emit_json, fail, reader_language, reader_words, say, table
from goodterms.cli.relay import (
    RelayCaFileOpt,
    RelayOpt,
    RelayPasswordEnvOpt,
    RelayPasswordFileOpt,
    RelayTlsOpt,
    RelayUserOpt,
    database_failed,
    relay_from_options,
)
from goodterms.desk.relay import Relay, RelaySetupError

followup_app = typer.Typer(
    help="Follow up unpaid invoices, unanswered asks and boundaries, politely.", no_args_is_help=True
)
app.add_typer(followup_app, name="followup")


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of {value!r} is not a date (YYYY-MM-DD)")


@followup_app.command("plan")
def plan_command(
    as_of: str | None = typer.Option(None, "--as-of", help="Plan for this day (YYYY-MM-DD); default today."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    lang: str | None = typer.Option(
        None,
        "--lang",
        help="Language of the table: en, et or th (default: the LANG locale, else the business's).",
    ),
) -> None:
    """Show every notice due: which rule, which records, and to whom."""
    from goodterms.handling.followup import plan, today
    from goodterms.handling.reasons import LANGUAGE_NAMES, channel_name, reason_text, template_name

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    day = _as_of(as_of)
    gt = open_app()
    try:
        reader = reader_language(lang, gt.business().language)
        items = plan(app=gt, as_of=day)
        when = day or today(gt)
    finally:
        gt.engine.dispose()  # close pooled connections now, not at garbage collection
    if fmt == "json":
        emit_json([item.as_json() for item in items])
        return
    rows = [
        (
            i.to.name,
            template_name(i.notice.template, reader),
            channel_name(i.notice.channel, reader),
            i.to.email if i.notice.channel != "manual" else "—",
            LANGUAGE_NAMES[reader].get(i.to.language, i.to.language),
            reason_text(i.notice, lang=reader, as_of=when),
        )
        for i in items
    ]
    words = PLAN_WORDS[reader]
    table(words["title"].format(count=len(items)), words["columns"].split("|"), rows)


#: The plan table's title and columns in the reader's language.
PLAN_WORDS = {
    "en": {
        "title": "Follow-up plan: {count} notice(s) due",
        "columns": "client|notice|channel|to|language|why",
    },
    "et": {
        "title": "Järelkontrolli plaan: {count} teadet",
        "columns": "klient|teade|kanal|saaja|keel|põhjus",
    },
    "th": {"title": "แผนการติดตาม: {count} รายการ", "columns": "ลูกค้า|ข้อความ|ช่องทาง|ผู้รับ|ภาษา|เหตุผล"},
}


@followup_app.command("send")
def send_command(
    as_of: str | None = typer.Option(None, "--as-of", help="Send what is due on this day; default today."),
    relay: RelayOpt = None,
    relay_tls: RelayTlsOpt = None,
    relay_user: RelayUserOpt = None,
    relay_password_env: RelayPasswordEnvOpt = None,
    relay_password_file: RelayPasswordFileOpt = None,
    relay_ca_file: RelayCaFileOpt = None,
    to_dir: Path | None = typer.Option(None, "--to-dir", help="Write .eml files here for review instead."),
    lang: ReaderLangOpt = None,
) -> None:
    """Send the notices due through the outbox, exactly once, or write them as .eml for review."""
    day = _as_of(as_of)
    gt = open_app()
    reader = reader_language(lang, gt.business().language)
    relay_given = (relay, relay_tls, relay_user, relay_password_env, relay_password_file, relay_ca_file)
    try:
        if to_dir is not None:
            if any(v is not None for v in relay_given):
                fail("give the --relay options or --to-dir, not both")
            _review(gt, day, to_dir, reader)
        else:
            _send(gt, day, relay_from_options(gt, *relay_given), reader)
    except SQLAlchemyError as exc:
        database_failed(
            exc,
            "follow-ups not sent",
            "what was recorded stays recorded and what was queued stays queued; run followup send again later",
        )
    finally:
        gt.engine.dispose()  # close pooled connections now, not at garbage collection


def _review(gt: Goodterms, day: date | None, to_dir: Path, reader: str) -> None:
    from goodterms.handling.followup import write_review
    from goodterms.handling.reasons import channel_name

    _ = reader_words(reader, gt.business().timezone)[0]
    result = write_review(app=gt, as_of=day, directory=to_dir)
    say(
        _("wrote %(n)s message(s) to %(dir)s; nothing was recorded as sent")
        % {"n": len(result.written), "dir": to_dir}
    )
    for item, rendered in result.manual:
        channel = channel_name(item.notice.channel, reader)
        say(_("not by e-mail (%(channel)s)") % {"channel": channel} + f": {item.to.name}: {rendered.subject}")


def _send(gt: Goodterms, day: date | None, relay: Relay, reader: str) -> None:
    from goodterms.handling.followup import send
    from goodterms.handling.reasons import template_name

    _ = reader_words(reader, gt.business().timezone)[0]
    try:
        result = send(app=gt, as_of=day, relay=relay)
    except RelaySetupError as exc:
        fail(f"{exc}; the notices stay queued and go out on the next send")
    except OSError as exc:
        fail(
            f"the SMTP relay could not be reached ({exc}); the notices stay queued and go out on the next send"
        )
    say(_("queued %(queued)s, sent %(sent)s") % {"queued": result.queued, "sent": result.sent})
    for path in result.letters:
        say(_("letter to post: %(path)s") % {"path": path})
    for item, rendered in result.manual:
        notice = template_name(item.notice.template, reader)
        head = _("for a person: %(client)s (%(notice)s)") % {"client": item.to.name, "notice": notice}
        # The notice itself is in the client's language: it is what the person sends or says.
        typer.echo(f"--- {head}\n{rendered.subject}\n\n{rendered.body}")
    for item, why in result.skipped:
        notice = template_name(item.notice.template, reader)
        say(_("skipped %(client)s (%(notice)s)") % {"client": item.to.name, "notice": notice} + f": {why}")
