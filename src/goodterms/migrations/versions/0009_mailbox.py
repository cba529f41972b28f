"""Mailbox: how far each IMAP folder has been read (UIDVALIDITY and last UID per mailbox and folder).

Revision ID: 0009_mailbox
Revises: 0008
Create Date: 2026-12-04 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_mailbox"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailbox_folders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", sa.String(length=100), nullable=False),
        sa.Column("folder", sa.String(length=500), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_folders")),
        sa.UniqueConstraint("mailbox", "folder", name=op.f("uq_mailbox_folders_mailbox_folder")),
    )


def downgrade() -> None:
    op.drop_table("mailbox_folders")
