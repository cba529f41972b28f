from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from goodterms.ledger.db import alembic_config


def test_models_and_migrations_agree(engine: Engine) -> None:
    # Raises when an autogenerate run would find a difference between the models and the schema.
    command.check(alembic_config(engine))


def test_migrations_form_one_line_of_history(engine: Engine) -> None:
    script = ScriptDirectory.from_config(alembic_config(engine))
    assert len(script.get_heads()) == 1
    for rev in script.walk_revisions():
        assert rev.doc and rev.doc[0].isupper(), f"migration {rev.revision} needs a one-line summary"
