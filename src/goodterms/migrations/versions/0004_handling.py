"""Handling: followup_notices, the record of every follow-up notice sent or manual action issued.

Revision ID: 0004
Revises: 0003 (brief said 0001; chained on 0003 so there is one head)
Create Date: 2026-11-23 10:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=60), nullable=False),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("records", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("document", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "channel in ('email','letter','manual')", name=op.f("ck_followup_notices_channel")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_followup_notices_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_followup_notices_outbox_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_notices")),
        sa.UniqueConstraint("key", name=op.f("uq_followup_notices_key")),
    )
    with op.batch_alter_table("followup_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_notices_client_id"), ["client_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("followup_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_notices_client_id"))
    op.drop_table("followup_notices")
