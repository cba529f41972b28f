"""Open the ledger database (SQLite by default, PostgreSQL for teams) and migrate it."""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///goodterms.db"

# Engines this process created, so a command can close their connections when it ends.
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def resolve_url(url: str | None = None) -> str:
    """Return the database URL: the one given, else GOODTERMS_DATABASE_URL, else ./goodterms.db."""
    return url or os.environ.get("GOODTERMS_DATABASE_URL") or DEFAULT_URL


def json_dumps(value: Any) -> str:
    """Write a JSON column's value (orjson: several times faster than ``json`` on a portfolio's 70 MB of
    stored assessments). Non-ASCII text is kept as UTF-8; dataclasses (a finding's evidence) are written
    field by field and datetimes in ISO 8601, as their ``isoformat``."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def json_loads(text: str | bytes) -> Any:
    """Read a JSON column's value; a value written before orjson with ``NaN`` in it is still read."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    """Create an engine; SQLite gets WAL and enforced foreign keys."""
    resolved = make_url(resolve_url(url))
    if resolved.get_backend_name() == "sqlite":
        engine = create_engine(
            resolved,
            connect_args={"check_same_thread": False},
            json_serializer=json_dumps,
            json_deserializer=json_loads,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        if resolved.get_backend_name() == "postgresql" and resolved.drivername == "postgresql":
            resolved = resolved.set(drivername="postgresql+psycopg")
        engine = create_engine(
            resolved, pool_pre_ping=True, json_serializer=json_dumps, json_deserializer=json_loads
        )
    _ENGINES.add(engine)
    return engine


def dispose_engines() -> None:
    """Close the pooled connections of every engine this process made (they reopen on use)."""
    for engine in list(_ENGINES):
        engine.dispose()


def alembic_config(engine: Engine) -> Config:
    """Return the Alembic configuration for the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(files("goodterms") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session inside one transaction: committed on success, rolled back on error."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session
