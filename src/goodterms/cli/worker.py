"""``goodterms worker``: run the ledger's jobs from the queue on PostgreSQL (any number, any machine)."""

from __future__ import annotations

import typer

from goodterms.cli.app import app, open_app
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


@app.command("worker")
def worker(
    queues: str = typer.Option(
        "fast,slow",
        "--queues",
        help="Queues to take jobs from, comma-separated: fast (acknowledgements, outbox, mailboxes), "
        "slow (follow-ups, tone).",
    ),
    concurrency: int = typer.Option(1, "--concurrency", help="Jobs this process runs at once."),
    heartbeat: float = typer.Option(
        10.0,
        "--heartbeat",
        help="Seconds between the worker's heartbeats; a worker silent for three of them is taken as "
        "gone and its jobs are done again.",
    ),
    setup: bool = typer.Option(
        False, "--setup", help="Only create the queue's tables in the database (if missing) and exit."
    ),
    relay: RelayOpt = None,
    relay_tls: RelayTlsOpt = None,
    relay_user: RelayUserOpt = None,
    relay_password_env: RelayPasswordEnvOpt = None,
    relay_password_file: RelayPasswordFileOpt = None,
    relay_ca_file: RelayCaFileOpt = None,
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning or error."),
) -> None:
    """Take jobs from the queue on PostgreSQL until SIGTERM or Ctrl-C (the jobs under way finish):
    acknowledgements and other outbox mail, mailbox polls, follow-ups, tone. Logs are JSON lines."""
    from goodterms.service import logs
    from goodterms.service.defer import QUEUES

    if log_level.lower() not in ("debug", "info", "warning", "error"):
        fail(f"--log-level must be debug, info, warning or error, not {log_level!r}")
    chosen = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = [q for q in chosen if q not in QUEUES]
    if not chosen or unknown:
        fail(f"--queues takes {' and '.join(QUEUES)}, comma-separated, not {queues!r}")
    if concurrency < 1:
        fail(f"--concurrency must be 1 or more, not {concurrency}")
    if heartbeat <= 0:
        fail(f"--heartbeat must be more than 0 seconds, not {heartbeat}")
    gt = open_app()
    if gt.engine.dialect.name != "postgresql":
        fail(
            "goodterms worker needs the ledger on PostgreSQL (--db postgresql+psycopg://...); on SQLite "
            "`goodterms run` does all the work in one process"
        )
    from procrastinate.exceptions import ConnectorException
    from psycopg import Error as PsycopgError
    from sqlalchemy.exc import SQLAlchemyError

    from goodterms.service.queue import ensure_schema, run_worker

    try:
        if setup:
            created = ensure_schema(gt.engine)
            typer.echo("job queue set up" if created else "job queue already set up")
            return
        relay_at = relay_from_options(
            gt, relay, relay_tls, relay_user, relay_password_env, relay_password_file, relay_ca_file
        )
        logs.setup(log_level)
        run_worker(gt, relay_at, queues=chosen, concurrency=concurrency, heartbeat_s=heartbeat)
    except (SQLAlchemyError, PsycopgError, ConnectorException) as exc:  # the database refused or went away
        reason = str(getattr(exc, "orig", None) or exc.__cause__ or exc).strip().splitlines()
        said = reason[0] if reason else type(exc).__name__
        constraint = getattr(exc, "constraint_name", None)  # procrastinate's UniqueViolation
        fail(
            f"the job queue's database could not be used: {said}" + (f" ({constraint})" if constraint else "")
        )
