"""Contacts by time then client: the last 30 days of every client counted from a range of one index.

The client page compares a client's contacts in the last 30 days with the portfolio's median; counting
them per client through ``ix_contacts_client_at`` reads every contact ever made (2.5 M rows on the
10,000-client bench). ``ix_contacts_at_client`` holds the same two columns time first, so the count
reads only the last 30 days' entries and never the table.

Revision ID: 0012_contacts_at
Revises: 0011_assessment_business
Create Date: 2026-12-05 11:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0012_contacts_at"
down_revision = "0011_assessment_business"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contacts_at_client", "contacts", ["at", "client_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_contacts_at_client", table_name="contacts")
