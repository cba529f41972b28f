"""``goodterms desk``: serve SMTP, submit requests, send acknowledgements, list the queue."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import typer
from sqlalchemy.exc import SQLAlchemyError

from goodterms.cli.app import app, hostport, open_app
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
from goodterms.desk.relay import RelaySetupError

if TYPE_CHECKING:
    from goodterms.desk.intake import IntakeResult
    from goodterms.web.record_words import Gettext

desk_app = typer.Typer(
    help="The request desk: acknowledge every request, fold repeats in.", no_args_is_help=True
)
app.add_typer(desk_app, name="desk")


@desk_app.command("serve")
def serve(
    smtp: str = typer.Option(
        "127.0.0.1:2525", "--smtp", help="Address to accept client mail on (HOST:PORT)."
    ),
    relay: RelayOpt = None,
    relay_tls: RelayTlsOpt = None,
    relay_user: RelayUserOpt = None,
    relay_password_env: RelayPasswordEnvOpt = None,
    relay_password_file: RelayPasswordFileOpt = None,
    relay_ca_file: RelayCaFileOpt = None,
    interval: float = typer.Option(5.0, "--interval", help="Seconds between outbox sends when idle."),
) -> None:
    """Accept client mail over SMTP and acknowledge it through the relay until interrupted."""
    from goodterms.desk.smtpd import DeskServer

    host, port = hostport(smtp, "--smtp")
    gt = open_app()
    out = relay_from_options(
        gt, relay, relay_tls, relay_user, relay_password_env, relay_password_file, relay_ca_file
    )
    server = DeskServer(gt, host, port, out.host, out.port, interval_s=interval, relay=out)
    try:
        server.start()
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc}")
    say(f"desk: accepting mail on {host}:{port}, acknowledging through {out.where}")
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@desk_app.command("submit")
def submit(
    client: str | None = typer.Option(None, "--client", help="Client id, ext id or e-mail address."),
    subject: str = typer.Option("", "--subject", help="Subject of the request."),
    text: str | None = typer.Option(None, "--text", help="Text of the request (or give --file)."),
    file: Path | None = typer.Option(
        None, "--file", help="A file with the request: .eml mail or plain text."
    ),
    at: str | None = typer.Option(None, "--at", help="When it was received (ISO time; default now)."),
    channel: str = typer.Option("email", "--channel", help="call, email, sms, voicemail, chat or meeting."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    lang: ReaderLangOpt = None,
) -> None:
    """Take one request in through the same path as mail: stored, then acknowledged."""
    from goodterms.desk.intake import IntakeProblem, receive
    from goodterms.ledger.importers.mail import parse_mail

    if channel not in ("call", "email", "sms", "voicemail", "chat", "meeting"):
        fail(f"unknown channel {channel!r}")
    gt = open_app()
    mail = None
    if file is not None:
        if not file.is_file():
            fail(f"{file}: no such file")
        raw = file.read_bytes()
        if file.suffix.lower() in (".eml", ".msg", "") and b":" in raw[:200]:
            mail = parse_mail(raw)
        else:
            text = raw.decode("utf-8", errors="replace")
    if mail is None and not text:
        fail("give the request as --text or --file")
    if mail is None and client is None:
        fail("a request without mail needs --client")
    moment = None
    if at is not None:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            fail(f"--at: not an ISO time: {at!r}")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(gt.business().timezone))
    try:
        result = receive(
            app=gt, mail=mail, client_ref=client, subject=subject, text=text or "", at=moment, channel=channel
        )
    except IntakeProblem as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        database_failed(
            exc, "the request was not taken in", "nothing was stored or sent; run the same command again"
        )
    if fmt == "json":
        emit_json(result.to_json())
        return
    business = gt.business()
    _, local = reader_words(reader_language(lang, business.language), business.timezone)
    # The promise as the business keeps it: its time zone, to the minute, in the reader's calendar.
    promised = local.moment(result.promised_at) if result.promised_at else "-"
    promised_head = _("Promised")
    table(
        _("Request"),
        [_("Outcome"), _("Reference"), f"{promised_head} ({business.timezone})", _("Why")],
        [[outcome_words(result.outcome, _), result.reference or "-", promised, _why(result, _)]],
    )


def outcome_words(outcome: str, _: Gettext) -> str:
    """Say what the desk did with a message, in the reader's words (the JSON keeps the code)."""
    words = {
        "new": _("new request"),
        "repeat": _("asked again, added to the open request"),
        "resumed": _("the client answered, the request goes on"),
        "reopened": _("a closed request opened again"),
        "automatic": _("automatic reply, not acknowledged"),
        "duplicate": _("already taken in, nothing new stored"),
        "unmatched": _("no client matched, kept for review"),
        "refused": _("not taken in, kept for review"),
    }
    return words.get(outcome, outcome)


def _why(result: IntakeResult, _: Gettext) -> str:
    """Say why, in the reader's words where goodterms chose the reason (a mail header it read stays as
    written)."""
    repeats = {
        "thread": _("a reply in the same conversation"),
        "similar": _("the same request as an open one"),
        "chase": _("asks after an open request"),
    }
    if result.repeat_reason in repeats:
        return repeats[result.repeat_reason]
    if result.outcome == "duplicate":
        return ""
    return result.reason or ""


@desk_app.command("send")
def send(
    relay: RelayOpt = None,
    relay_tls: RelayTlsOpt = None,
    relay_user: RelayUserOpt = None,
    relay_password_env: RelayPasswordEnvOpt = None,
    relay_password_file: RelayPasswordFileOpt = None,
    relay_ca_file: RelayCaFileOpt = None,
    eml: Path | None = typer.Option(
        None, "--eml", help="Write unsent mail as .eml files here instead of sending."
    ),
) -> None:
    """Send queued acknowledgements once (or write them out for review)."""
    from goodterms.desk.outbox import send_pending, write_eml

    gt = open_app()
    kinds = {"ack", "repeat_ack"}
    if eml is not None:
        paths = write_eml(engine=gt.engine, directory=eml, kinds=kinds)
        say(f"wrote {len(paths)} message(s) to {eml}")
        return
    out = relay_from_options(
        gt, relay, relay_tls, relay_user, relay_password_env, relay_password_file, relay_ca_file
    )
    try:
        sent = send_pending(engine=gt.engine, relay=out, kinds=kinds)
    except RelaySetupError as exc:
        fail(f"{exc}; the acknowledgements stay queued")
    except OSError as exc:
        fail(f"relay {out.where} unavailable: {exc}; the acknowledgements not sent stay queued")
    except SQLAlchemyError as exc:
        database_failed(
            exc, "acknowledgements not sent", "the unsent ones stay queued; run desk send again later"
        )
    say(f"sent {sent} acknowledgement(s)")


@desk_app.command("queue")
def queue(
    fmt: str = typer.Option("table", "--format", help="table or json."),
    limit: int | None = typer.Option(None, "--limit", help="Show at most this many."),
    lang: ReaderLangOpt = None,
) -> None:
    """List open requests with their promise, how often the client chased, and whether we are late."""
    from goodterms.desk.queue import open_queue
    from goodterms.web.format import promise_label
    from goodterms.web.record_words import request_status

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    gt = open_app()
    business = gt.business()
    reader = reader_language(lang, business.language)
    now = datetime.now(UTC)
    with gt.sessions() as session:
        items = open_queue(session=session, now=now, limit=limit)
    if fmt == "json":
        emit_json([i.to_json() for i in items])
        return
    # The promise as the web desk says it: local time, reader's calendar, hours left or missed by.
    _, local = reader_words(reader, business.timezone)
    rows = []
    for i in items:
        promise = promise_label(promised_at=i.promised_at, now=now, late=i.late, fmt=local, _=_)
        rows.append(
            [
                i.reference or str(i.request_id),
                i.client,
                i.subject[:60],
                request_status(i.status, _) or i.status,
                f"{promise.icon} {promise.text}",
                str(i.chases),
            ]
        )
    table(
        _("Open requests"),
        [_("Reference"), _("Client"), _("Subject"), _("Status"), _("Promise"), _("Chases")],
        rows,
    )
    if not items:
        say(_("Nothing waiting."))
