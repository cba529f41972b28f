"""``goodterms mailbox``: connect the business's mailbox over IMAP and read its mail into the desk."""

from __future__ import annotations

import os
import signal
import threading
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import tomli_w
import typer
from pydantic import ValidationError

from goodterms.app import Goodterms
from goodterms.cli.app import app, hostport, open_app, state
from goodterms.cli.output import ReaderLangOpt, emit_json, fail, reader_language, reader_words, say, table
from goodterms.connect.config import MailboxSettings
from goodterms.settings import config_path

mailbox_app = typer.Typer(
    help="Read the business's mailbox over IMAP into the desk (never deletes, moves or marks mail).",
    no_args_is_help=True,
)
app.add_typer(mailbox_app, name="mailbox")


@mailbox_app.command("add")
def add(
    name: str = typer.Argument(..., help="Short name for this mailbox, e.g. office."),
    imap: str = typer.Option(..., "--imap", help="IMAP server as HOST:PORT, e.g. imap.gmail.com:993."),
    user: str = typer.Option(..., "--user", help="Login name, usually the mailbox's address."),
    tls: str = typer.Option("implicit", "--tls", help="implicit (port 993) or starttls (port 143)."),
    folders: str = typer.Option("INBOX", "--folders", help="Comma-separated folders, e.g. INBOX,Sent."),
    password_env: str | None = typer.Option(
        None, "--password-env", help="Environment variable that holds the password (its name is stored)."
    ),
    password_file: str | None = typer.Option(
        None, "--password-file", help="File that holds the password (its path is stored)."
    ),
    ca_file: str | None = typer.Option(
        None, "--ca-file", help="PEM file of a private certificate authority."
    ),
    mark_seen: bool = typer.Option(
        False, "--mark-seen", help="Mark mail as read once stored (off by default)."
    ),
    since: str | None = typer.Option(
        None,
        "--since",
        help="Read mail received on or after this day (YYYY-MM-DD; default today: older mail is history, "
        "import it with `goodterms import`).",
    ),
) -> None:
    """Add a [[mailbox]] entry to goodterms.toml (the password itself is never written anywhere)."""
    host, port = hostport(imap, "--imap")
    if tls not in ("implicit", "starttls"):
        fail(f"--tls must be implicit or starttls, not {tls!r}")
    if (password_env is None) == (password_file is None):
        fail("give exactly one of --password-env VAR or --password-file PATH")
    if ca_file is not None and not Path(ca_file).is_file():
        fail(f"--ca-file {ca_file}: no such file")
    try:
        first_day = date.fromisoformat(since) if since is not None else datetime.now(UTC).date()
    except ValueError:
        fail(f"--since must be a day as YYYY-MM-DD, not {since!r}")
    if password_file is not None:
        password_file = str(Path(password_file).expanduser().resolve())
    chosen_folders = [f.strip() for f in folders.split(",") if f.strip()]
    entry: dict[str, object] = {
        "name": name,
        "host": host,
        "port": port,
        "user": user,
        "tls": tls,
        "folders": chosen_folders,
        "password_env": password_env,
        "password_file": password_file,
        "ca_file": str(Path(ca_file).resolve()) if ca_file else None,
        "mark_seen": mark_seen,
        "since": first_day,
    }
    entry = {k: v for k, v in entry.items() if v is not None}
    try:
        MailboxSettings.model_validate(entry)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"]) or "mailbox"
        fail(f"{where}: {err['msg']}")
    path = config_path(state.config_path)
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    block = tomli_w.dumps({"mailbox": [entry]})
    after = before + ("\n" if before and not before.endswith("\n\n") else "") + block
    try:
        parsed = tomllib.loads(after)
    except tomllib.TOMLDecodeError as exc:
        fail(f"{path}: cannot add a [[mailbox]] entry to it ({exc})")
    names = [b.get("name") for b in parsed.get("mailbox", []) if isinstance(b, dict)]
    if names.count(name) > 1:
        fail(f"{path} already has a mailbox named {name!r}")
    path.write_text(after, encoding="utf-8")
    say(
        f"added mailbox {name} ({user} at {host}:{port}, {tls} TLS, folders {', '.join(chosen_folders)}) to {path}"
    )
    if password_env is not None and password_env not in os.environ:
        say(f"note: {password_env} is not set in this shell; `goodterms mailbox fetch` will need it")


def _chosen(gt: Goodterms, name: str | None) -> list[MailboxSettings]:
    boxes = list(gt.settings.mailbox)
    if not boxes:
        fail(
            "no mailbox is set up; add one with `goodterms mailbox add NAME --imap HOST:PORT --user ADDR ...`"
        )
    if name is None:
        return boxes
    chosen = [b for b in boxes if b.name == name]
    if not chosen:
        fail(f"no mailbox named {name!r}; set up: {', '.join(b.name for b in boxes)}")
    return chosen


@mailbox_app.command("fetch")
def fetch(
    name: str | None = typer.Argument(None, help="The mailbox to read (default: every one)."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    lang: ReaderLangOpt = None,
) -> None:
    """Read new mail once: store it, queue acknowledgements, record our sent replies."""
    from goodterms.connect.mailbox import MailboxProblem
    from goodterms.connect.mailbox import fetch as fetch_mailbox

    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    gt = open_app()
    boxes = _chosen(gt, name)
    reports = []
    for box in boxes:
        try:
            reports.append(fetch_mailbox(gt, box))
        except MailboxProblem as exc:
            fail(str(exc))
    if fmt == "json":
        emit_json([r.to_json() for r in reports])
        return
    business = gt.business()
    _ = reader_words(reader_language(lang, business.language), business.timezone)[0]
    rows = [
        [r.mailbox, f.folder, f.new, f.stored, f.outbound, f.duplicates, f.unmatched, len(f.problems)]
        for r in reports
        for f in r.folders
    ]
    table(
        _("Mailbox"),
        [
            _("Mailbox"),
            _("Folder"),
            _("New"),
            _("Stored"),
            _("Ours"),
            _("Already stored"),
            _("Not matched"),
            _("Problems"),
        ],
        rows,
    )
    for r in reports:
        for f in r.folders:
            if f.resynced:
                say(
                    f"{r.mailbox}/{f.folder}: "
                    + _("the server renumbered this folder; it was read again, nothing stored twice")
                )
            for problem in f.problems:
                say(f"{r.mailbox}/{f.folder}: {problem}")


@mailbox_app.command("watch")
def watch(
    name: str | None = typer.Argument(None, help="The mailbox to watch (default: every one)."),
) -> None:
    """Keep reading new mail until interrupted (IMAP IDLE where the server has it, else polling)."""
    from goodterms.connect.mailbox import FetchReport, MailboxProblem, connect
    from goodterms.connect.mailbox import watch as watch_mailbox

    gt = open_app()
    boxes = _chosen(gt, name)
    for box in boxes:  # a wrong password or missing variable is said at once, not in a loop
        try:
            connect(box).logout()
        except MailboxProblem as exc:
            fail(str(exc))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def said(report: FetchReport) -> None:
        for f in report.folders:
            if f.new or f.problems:
                say(
                    f"{report.mailbox}/{f.folder}: {f.new} new, {f.stored} stored, {f.outbound} ours, "
                    f"{f.duplicates} duplicates, {f.unmatched} unmatched"
                )
            for problem in f.problems:
                say(f"{report.mailbox}/{f.folder}: {problem}")

    def run(box: MailboxSettings) -> None:
        try:
            watch_mailbox(gt, box, stop=stop, on_sync=said)
        except MailboxProblem as exc:
            say(f"error: {exc}")

    threads = [threading.Thread(target=run, args=(box,), name=f"mailbox-{box.name}") for box in boxes]
    for thread in threads:
        thread.start()
    say(f"watching {', '.join(b.name for b in boxes)}; stop with Ctrl-C")
    try:
        while any(t.is_alive() for t in threads) and not stop.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
