"""The relay options shared by every command that sends mail, and the one-line database-busy failure."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, NoReturn

import typer
from sqlalchemy.exc import SQLAlchemyError

from goodterms.app import Goodterms
from goodterms.cli.app import hostport
from goodterms.cli.output import fail
from goodterms.desk.relay import TLS_MODES, Relay, RelaySetupError

RelayOpt = Annotated[
    str | None,
    typer.Option("--relay", help="Outgoing SMTP relay HOST:PORT (default: [desk] relay_host, relay_port)."),
]
RelayTlsOpt = Annotated[
    str | None,
    typer.Option(
        "--relay-tls", help="implicit (port 465), starttls (port 587) or none (default: [desk] relay_tls)."
    ),
]
RelayUserOpt = Annotated[
    str | None, typer.Option("--relay-user", help="Log in to the relay as USER (only over TLS).")
]
RelayPasswordEnvOpt = Annotated[
    str | None,
    typer.Option("--relay-password-env", help="Name of the environment variable holding the relay password."),
]
RelayPasswordFileOpt = Annotated[
    str | None, typer.Option("--relay-password-file", help="Path of a file holding the relay password.")
]
RelayCaFileOpt = Annotated[
    str | None,
    typer.Option("--relay-ca-file", help="PEM file of the CA behind the relay's certificate (private CA)."),
]


def relay_from_options(
    gt: Goodterms,
    relay: str | None,
    tls: str | None,
    user: str | None,
    password_env: str | None,
    password_file: str | None,
    ca_file: str | None,
) -> Relay:
    """The ``[desk]`` relay with each option given on the command line put over it; checked, or one line and exit 2."""
    configured = gt.settings.desk.relay()
    host, port = hostport(relay, "--relay") if relay is not None else (configured.host, configured.port)
    if tls is not None and tls not in TLS_MODES:
        fail(f"--relay-tls must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    if password_env is not None or password_file is not None:  # one source replaces the other
        configured = replace(configured, password_env=None, password_file=None)
    chosen = Relay(
        host=host,
        port=port,
        tls=tls or configured.tls,  # type: ignore[arg-type]  # checked against TLS_MODES above
        user=user if user is not None else configured.user,
        password_env=password_env if password_env is not None else configured.password_env,
        password_file=password_file if password_file is not None else configured.password_file,
        ca_file=ca_file if ca_file is not None else configured.ca_file,
    )
    try:
        chosen.check()
    except RelaySetupError as exc:
        fail(str(exc))
    return chosen


def database_failed(exc: SQLAlchemyError, what: str, kept: str) -> NoReturn:
    """Fail in one line: what could not be done, why (the database's own first line), what is kept."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    fail(
        f"{what}: the database is busy or unavailable ({reason[0] if reason else type(exc).__name__}); {kept}"
    )
