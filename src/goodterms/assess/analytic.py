"""Run the assessment's aggregate queries through DuckDB over the SQLite ledger file, read-only.

A whole-portfolio assessment scans every ledger table once per query; SQLite does that row by row,
DuckDB column by column on all cores, several times faster. The queries are the same SQLAlchemy
statements (compiled by the ``duckdb_engine`` dialect); only the engine that runs them changes, and
a test holds both engines to the same results. DuckDB's ``sqlite_scanner`` extension comes from its
PyPI wheel and is loaded by path (nothing is downloaded at run time).

Used only where it pays and is safe: a SQLite file ledger, every client (one client is an index
lookup in SQLite), and ``[assess] engine = "duckdb"``, or ``"auto"`` on a file of at least
``duckdb_from_mb`` (opening DuckDB costs a few tenths of a second, more than a small ledger takes).
Anything else (PostgreSQL, an in-memory database, DuckDB not installed) runs on the ledger's own database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import StaticPool


@lru_cache(maxsize=1)
def _extension() -> Path | None:
    """Return the path of the sqlite_scanner extension shipped in its wheel, or None without it."""
    try:
        import duckdb  # noqa: F401
        import duckdb_engine  # noqa: F401
        import duckdb_extension_sqlite_scanner as wheel
    except ImportError:
        return None
    found = sorted(Path(wheel.__file__).parent.glob("extensions/*/sqlite_scanner.duckdb_extension"))
    return found[-1] if found else None


def ledger_file(engine: Engine) -> Path | None:
    """Return the SQLite file behind ``engine``, or None when it is not a SQLite file."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None
    path = Path(url.database)
    return path if path.is_file() else None


def available(engine: Engine) -> bool:
    """Whether DuckDB can read this ledger (a SQLite file, with duckdb and its scanner installed)."""
    return ledger_file(engine) is not None and _extension() is not None


def wanted(engine: Engine, choice: str, from_mb: float) -> bool:
    """Whether a whole-portfolio run should aggregate through DuckDB (``[assess] engine``)."""
    if choice == "database" or not available(engine):
        return False
    path = ledger_file(engine)
    return choice == "duckdb" or (path is not None and path.stat().st_size >= from_mb * 2**20)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@contextmanager
def duckdb_connection(engine: Engine) -> Iterator[Connection]:
    """Yield a SQLAlchemy connection to DuckDB with the ledger file attached read-only as the default schema."""
    path, extension = ledger_file(engine), _extension()
    if path is None or extension is None:
        raise RuntimeError(
            "DuckDB needs a SQLite file ledger and the duckdb, duckdb-engine, sqlite-scanner wheels"
        )
    duck = create_engine("duckdb:///:memory:", poolclass=StaticPool)

    @event.listens_for(duck, "connect")
    def _attach(dbapi: Any, _record: Any) -> None:
        dbapi.execute("SET TimeZone = 'UTC'")  # stored times are UTC; compare them as such
        dbapi.execute(f"LOAD {_quote(str(extension))}")
        dbapi.execute(f"ATTACH {_quote(str(path.resolve()))} AS ledger (TYPE sqlite, READ_ONLY)")
        dbapi.execute("USE ledger")

    try:
        with duck.connect() as conn:
            yield conn
    finally:
        duck.dispose()
