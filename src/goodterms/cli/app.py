"""The Typer application object that every command module registers on."""

from __future__ import annotations

import typer

from goodterms.app import Goodterms
from goodterms.cli.output import fail
from goodterms.ledger.db import dispose_engines
from goodterms.settings import SettingsProblem

app = typer.Typer(
    name="goodterms",
    help="Stay on good terms with clients, or part on good terms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help texts are plain text: "goodterms[embed]" and "[desk] relay_host" must print as written, not
    # be read as Rich markup tags and dropped.
    rich_markup_mode=None,
)


class State:
    """Options given before the command (``goodterms --db URL ...``)."""

    db_url: str | None = None
    config_path: str | None = None


state = State()


@app.callback()
def _root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: GOODTERMS_DATABASE_URL or sqlite:///goodterms.db)."
    ),
    config: str | None = typer.Option(
        None, "--config", help="Path to goodterms.toml (default: GOODTERMS_CONFIG or ./goodterms.toml)."
    ),
) -> None:
    state.db_url = db
    state.config_path = config
    ctx.call_on_close(dispose_engines)


def open_app() -> Goodterms:
    """Open the application for a command, turning set-up problems into one clear line and exit 2."""
    try:
        return Goodterms.open(state.db_url, state.config_path)
    except SettingsProblem as exc:
        fail(str(exc))
    except Exception as exc:  # a database that cannot be reached or opened
        if type(exc).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
            fail(f"cannot open the database: {str(exc).splitlines()[0]}")
        raise


def hostport(value: str, option: str) -> tuple[str, int]:
    """Parse HOST:PORT given to ``option``, or fail with a clear message."""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        fail(f"{option} must be HOST:PORT (e.g. 127.0.0.1:2525), not {value!r}")
    return host, int(port)
