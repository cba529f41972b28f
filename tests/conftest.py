"""Fixtures shared by every test: a fresh database per test, on SQLite or PostgreSQL.

With GOODTERMS_TEST_DATABASE_URL set (``make test`` sets it for its second run) every test gets
its own PostgreSQL database, cloned from a migrated template; otherwise a migrated SQLite file.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from goodterms.ledger.db import dispose_engines, make_engine, migrate

PG_ADMIN_URL = os.environ.get("GOODTERMS_TEST_DATABASE_URL")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
_counter = itertools.count()


def shared_data(*parts: str) -> Path:
    """Return a path under ../shared/data, failing clearly when CI has not put it there."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: tests read the shared data from ../shared/data beside the clone")
    return path


def _admin() -> Engine:
    assert PG_ADMIN_URL
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if PG_ADMIN_URL:
        admin = _admin()
        name = f"gt_template_{os.getpid()}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield name
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
        engine.dispose()
        yield str(path)


@pytest.fixture
def db_url(_template: str, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty, migrated database of this test's own."""
    if PG_ADMIN_URL:
        name = f"gt_test_{os.getpid()}_{next(_counter)}"
        admin = _admin()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_template}"'))
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        dispose_engines()  # engines a test (or a command it ran) opened on this database
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        target = tmp_path / "goodterms.db"
        shutil.copyfile(_template, target)
        yield f"sqlite:///{target}"
        dispose_engines()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on this test's own database."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()
