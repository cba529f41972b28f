"""Stored assessments: the findings on the business in a row of their own, apart from the write counter.

Every write of a stored assessment bumps ``assessment_portfolio.generation``; on SQLite an update
rewrites the whole row, and the findings on the business with their evidence run to megabytes on a
large portfolio (14 MB for 10,000 clients: a quarter of each one-client refresh). They now live in
``assessment_business``, written only by a whole-portfolio refresh.

Revision ID: 0011_assessment_business
Revises: 0010_assessments
Create Date: 2026-12-05 01:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_assessment_business"
down_revision = "0010_assessments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_business",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_assessment_business_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_business")),
    )
    op.execute(
        "INSERT INTO assessment_business (id, findings)"
        " SELECT id, business FROM assessment_portfolio WHERE business IS NOT NULL"
    )
    with op.batch_alter_table("assessment_portfolio", schema=None) as batch_op:
        batch_op.drop_column("business")


def downgrade() -> None:
    with op.batch_alter_table("assessment_portfolio", schema=None) as batch_op:
        batch_op.add_column(sa.Column("business", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE assessment_portfolio SET business ="
        " (SELECT findings FROM assessment_business WHERE assessment_business.id = assessment_portfolio.id)"
    )
    op.drop_table("assessment_business")
