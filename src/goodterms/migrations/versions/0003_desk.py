"""Desk: requests.waiting_since (the response clock pauses), response_breaches, queue index.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 09:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_requests_status_promised", ["status", "promised_at"], unique=False)
    op.create_table(
        "response_breaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("promised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late_hours", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_response_breaches_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_response_breaches_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_breaches")),
        sa.UniqueConstraint(
            "request_id", "promised_at", name=op.f("uq_response_breaches_request_id_promised_at")
        ),
    )
    with op.batch_alter_table("response_breaches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_breaches_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_response_breaches_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("response_breaches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_breaches_request_id"))
        batch_op.drop_index(batch_op.f("ix_response_breaches_client_id"))
    op.drop_table("response_breaches")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_status_promised")
        batch_op.drop_column("waiting_since")
