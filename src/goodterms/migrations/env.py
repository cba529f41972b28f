"""Alembic environment: runs the packaged migrations on the engine goodterms hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from goodterms.ledger.db import make_engine
from goodterms.ledger.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()


run_migrations_online()
