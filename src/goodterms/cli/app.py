"""The Typer application object that every command module registers on."""

from __future__ import annotations

import typer

from goodterms.ledger.db import dispose_engines

app = typer.Typer(
    name="goodterms",
    help="Stay on good terms with clients, or part on good terms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
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
