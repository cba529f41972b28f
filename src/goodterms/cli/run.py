"""``goodterms run``: the web app, the desk, mailbox polling and the schedules in one process."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import typer
from psycopg import Error as PsycopgError
from sqlalchemy.exc import SQLAlchemyError

from goodterms.cli.app import app, hostport, open_app
from goodterms.cli.output import fail
from goodterms.cli.relay import (
    RelayCaFileOpt,
    RelayOpt,
    RelayPasswordEnvOpt,
    RelayPasswordFileOpt,
    RelayTlsOpt,
    RelayUserOpt,
    relay_from_options,
)


@app.command("run")
def run(
    web: str = typer.Option("127.0.0.1:8000", "--web", help="Address of the web app (HOST:PORT)."),
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
    tick: float = typer.Option(
        30.0, "--tick", help="Seconds between the scheduler's rounds (follow-ups due, queued notices)."
    ),
    tone_every: float = typer.Option(
        600.0, "--tone-every", help="Seconds between reading the tone of new messages (0: never)."
    ),
    assess_every: float = typer.Option(
        900.0,
        "--assess-every",
        help="Seconds between refreshes of every stored assessment (changed clients are refreshed every --tick).",
    ),
    jobs: str = typer.Option(
        "local",
        "--jobs",
        help="local: this process sends, polls mailboxes and runs the schedules; queue (PostgreSQL "
        "only): it takes mail in and serves the web app, and `goodterms worker` processes do the rest.",
    ),
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning or error."),
) -> None:
    """Run everything configured until SIGTERM or Ctrl-C: web app, SMTP intake and outbox, mailboxes,
    follow-ups at their hour, tone and assessment refresh. Logs are JSON lines on stderr."""
    from goodterms.service import logs
    from goodterms.service.runner import Runner

    if log_level.lower() not in ("debug", "info", "warning", "error"):
        fail(f"--log-level must be debug, info, warning or error, not {log_level!r}")
    for name, value in (("--interval", interval), ("--tick", tick)):
        if value <= 0:
            fail(f"{name} must be more than 0 seconds, not {value}")
    if tone_every < 0 or assess_every <= 0:
        fail("--tone-every must be 0 or more and --assess-every more than 0 seconds")
    if jobs not in ("local", "queue"):
        fail(f"--jobs must be local or queue, not {jobs!r}")
    web_at = hostport(web, "--web")
    smtp_at = hostport(smtp, "--smtp")
    gt = open_app()
    if jobs == "queue" and gt.engine.dialect.name != "postgresql":
        fail(
            "--jobs queue needs the ledger on PostgreSQL (--db postgresql+psycopg://...); on SQLite "
            "`goodterms run` does all the work itself (--jobs local)"
        )
    relay_at = relay_from_options(
        gt, relay, relay_tls, relay_user, relay_password_env, relay_password_file, relay_ca_file
    )
    logs.setup(log_level)
    runner = Runner(
        gt,
        smtp=smtp_at,
        relay=relay_at,
        web=web_at,
        send_interval_s=interval,
        tick_s=tick,
        tone_every_s=tone_every,
        assess_every_s=assess_every,
        jobs=jobs,
    )
    done = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        done.set()
        # A second signal ends the process at once (the work under way is safe to repeat at the next start).
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        runner.start()
    except OSError as exc:
        fail(f"cannot start: {exc}")
    except (
        SQLAlchemyError,
        PsycopgError,
    ) as exc:  # e.g. the job queue's tables could not be created (--jobs queue)
        fail(f"cannot start: the database refused: {str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}")
    try:
        while not done.wait(5.0):
            runner.supervise()
    finally:
        runner.stop()
