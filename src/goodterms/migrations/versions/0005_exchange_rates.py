"""Add the business's exchange rates, so money in client currencies can be compared.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("business") as batch:
        batch.add_column(sa.Column("exchange_rates", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("business") as batch:
        batch.drop_column("exchange_rates")
