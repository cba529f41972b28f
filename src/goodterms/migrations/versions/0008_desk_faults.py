"""Desk faults: outbox.failed_at (a row that cannot be sent is set aside with its reason) and kept_files.

Revision ID: 0008
Revises: 0007_imports
Create Date: 2026-12-04 19:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007_imports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "kept_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("unmatched_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_kept_files_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unmatched_id"],
            ["unmatched_messages.id"],
            name=op.f("fk_kept_files_unmatched_id_unmatched_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_files")),
    )
    with op.batch_alter_table("kept_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kept_files_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kept_files_unmatched_id"), ["unmatched_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kept_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kept_files_unmatched_id"))
        batch_op.drop_index(batch_op.f("ix_kept_files_contact_id"))
    op.drop_table("kept_files")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("failed_at")
