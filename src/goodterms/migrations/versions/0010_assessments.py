"""Stored assessments: each client's latest, stale marks, month-end health, verdict changes, the portfolio.

Revision ID: 0010_assessments
Revises: 0009_mailbox
Create Date: 2026-12-04 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_assessments"
down_revision = "0009_mailbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settings_key", sa.String(length=64), nullable=False),
        sa.Column("health", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=30), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_assessments_client_id_clients"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_assessments")),
    )
    op.create_index(op.f("ix_assessments_generation"), "assessments", ["generation"])
    op.create_table(
        "assessment_stale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_assessment_stale_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_stale")),
        sqlite_autoincrement=True,  # ids never reused: a refresh deletes exactly the marks it read
    )
    op.create_index(op.f("ix_assessment_stale_client_id"), "assessment_stale", ["client_id"])
    op.create_table(
        "assessment_months",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("settings_key", sa.String(length=64), nullable=False),
        sa.Column("health", sa.Integer(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_assessment_months_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", "as_of", name=op.f("pk_assessment_months")),
    )
    op.create_table(
        "verdict_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_verdict", sa.String(length=30), nullable=False),
        sa.Column("new_verdict", sa.String(length=30), nullable=False),
        sa.Column("old_health", sa.Integer(), nullable=False),
        sa.Column("new_health", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_verdict_changes_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verdict_changes")),
    )
    op.create_index(op.f("ix_verdict_changes_client_id"), "verdict_changes", ["client_id"])
    op.create_index(op.f("ix_verdict_changes_at"), "verdict_changes", ["at"])
    op.create_table(
        "assessment_portfolio",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settings_key", sa.String(length=64), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=True),
        sa.Column("business", sa.JSON(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_assessment_portfolio_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_portfolio")),
    )


def downgrade() -> None:
    op.drop_table("assessment_portfolio")
    op.drop_index(op.f("ix_verdict_changes_at"), table_name="verdict_changes")
    op.drop_index(op.f("ix_verdict_changes_client_id"), table_name="verdict_changes")
    op.drop_table("verdict_changes")
    op.drop_table("assessment_months")
    op.drop_index(op.f("ix_assessment_stale_client_id"), table_name="assessment_stale")
    op.drop_table("assessment_stale")
    op.drop_index(op.f("ix_assessments_generation"), table_name="assessments")
    op.drop_table("assessments")
