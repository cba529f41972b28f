"""Create the ledger: business, clients, staff, contacts, requests, deliveries, approvals,
invoices, payments, concessions, work logs, staff notes, accounts, import log, outbox.
Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:32:20.264625
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "blobs",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_blobs")),
    )
    op.create_table(
        "business",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("target_hourly_rate", sa.BigInteger(), nullable=True),
        sa.Column("response_target_hours", sa.BigInteger(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_business_ext_id")),
    )
    op.create_table(
        "clients",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("phones", sa.JSON(), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("rate", sa.BigInteger(), nullable=True),
        sa.Column("rate_unit", sa.String(length=20), nullable=False),
        sa.Column("billing", sa.String(length=200), nullable=True),
        sa.Column("payment_terms_days", sa.Integer(), nullable=False),
        sa.Column("payment_day", sa.Integer(), nullable=True),
        sa.Column("response_target_hours", sa.BigInteger(), nullable=True),
        sa.Column("started", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("prospect", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.CheckConstraint("status in ('active','paused','ended')", name=op.f("ck_clients_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_clients_ext_id")),
    )
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
    )
    op.create_table(
        "staff",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("role", sa.String(length=50), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_staff_ext_id")),
    )
    op.create_table(
        "unmatched_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(length=500), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmatched_messages")),
        sa.UniqueConstraint("message_key", name=op.f("uq_unmatched_messages_message_key")),
    )
    op.create_table(
        "accounts",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=200), nullable=False),
        sa.Column("handle", sa.String(length=300), nullable=False),
        sa.Column("access", sa.String(length=50), nullable=False),
        sa.Column("transferred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_accounts_client_id_clients"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_accounts_ext_id")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_client_id"), ["client_id"], unique=False)

    op.create_table(
        "concessions",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("asked", sa.Boolean(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "kind in ('discount','free_trial','free_work','rush_no_fee','extension')",
            name=op.f("ck_concessions_kind"),
        ),
        sa.CheckConstraint("value >= 0", name=op.f("ck_concessions_value")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_concessions_client_id_clients"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concessions")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_concessions_ext_id")),
    )
    with op.batch_alter_table("concessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concessions_client_id"), ["client_id"], unique=False)

    op.create_table(
        "invoices",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("issued", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("disputed", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_invoices_amount")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_invoices_client_id_clients"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_invoices_ext_id")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoices_client_id"), ["client_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("to_addr", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_outbox_client_id_clients"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_client_id"), ["client_id"], unique=False)

    op.create_table(
        "record_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_run_id", sa.Integer(), nullable=True),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_run_id"],
            ["import_runs.id"],
            name=op.f("fk_record_changes_import_run_id_import_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_changes")),
    )
    op.create_table(
        "requests",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("promised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("chases", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "status in ('open','waiting','answered','closed')", name=op.f("ck_requests_status")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_requests_client_id_clients"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_requests_ext_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_requests_reference")),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_client_at", ["client_id", "at"], unique=False)

    op.create_table(
        "staff_notes",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("feeling", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.CheckConstraint("feeling between -2 and 2", name=op.f("ck_staff_notes_feeling")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_staff_notes_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_notes_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_notes")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_staff_notes_ext_id")),
    )
    with op.batch_alter_table("staff_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_notes_client_id"), ["client_id"], unique=False)

    op.create_table(
        "work_logs",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.CheckConstraint("minutes >= 0", name=op.f("ck_work_logs_minutes")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_work_logs_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_work_logs_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_logs")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_work_logs_ext_id")),
    )
    with op.batch_alter_table("work_logs", schema=None) as batch_op:
        batch_op.create_index("ix_work_logs_client_at", ["client_id", "at"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("sender", sa.String(length=320), nullable=True),
        sa.Column("message_id", sa.String(length=500), nullable=True),
        sa.Column("in_reply_to", sa.String(length=500), nullable=True),
        sa.Column("tone", sa.String(length=12), nullable=True),
        sa.Column("tone_score", sa.Double(), nullable=True),
        sa.Column("staff_mark", sa.String(length=10), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "channel in ('call','email','sms','voicemail','chat','meeting')", name=op.f("ck_contacts_channel")
        ),
        sa.CheckConstraint("direction in ('inbound','outbound')", name=op.f("ck_contacts_direction")),
        sa.CheckConstraint("duration_s >= 0", name=op.f("ck_contacts_duration")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_contacts_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_contacts_request_id_requests"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_contacts_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_contacts_ext_id")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index("ix_contacts_client_at", ["client_id", "at"], unique=False)
        batch_op.create_index("ix_contacts_message_id", ["message_id"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("hours", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_deliveries_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_deliveries_request_id_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_deliveries_ext_id")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_client_at", ["client_id", "at"], unique=False)

    op.create_table(
        "payments",
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount")),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payments_invoice_id_invoices"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_payments_ext_id")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_invoice_id"), ["invoice_id"], unique=False)

    op.create_table(
        "replies",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("resolves", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_replies_request_id_requests"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_replies_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replies")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_replies_ext_id")),
    )
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replies_request_id"), ["request_id"], unique=False)

    op.create_table(
        "approval_asks",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "kind in ('approval','feedback','question','asset')", name=op.f("ck_approval_asks_kind")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_approval_asks_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_approval_asks_delivery_id_deliveries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_asks")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_approval_asks_ext_id")),
    )
    with op.batch_alter_table("approval_asks", schema=None) as batch_op:
        batch_op.create_index("ix_approval_asks_client_at", ["client_id", "at"], unique=False)

    op.create_table(
        "approval_answers",
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "outcome in ('approved','changes','answered')", name=op.f("ck_approval_answers_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["ask_id"],
            ["approval_asks.id"],
            name=op.f("fk_approval_answers_ask_id_approval_asks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_answers")),
        sa.UniqueConstraint("ext_id", name=op.f("uq_approval_answers_ext_id")),
    )
    with op.batch_alter_table("approval_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_approval_answers_ask_id"), ["ask_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("approval_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_answers_ask_id"))

    op.drop_table("approval_answers")
    with op.batch_alter_table("approval_asks", schema=None) as batch_op:
        batch_op.drop_index("ix_approval_asks_client_at")

    op.drop_table("approval_asks")
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replies_request_id"))

    op.drop_table("replies")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_invoice_id"))

    op.drop_table("payments")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_client_at")

    op.drop_table("deliveries")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_message_id")
        batch_op.drop_index("ix_contacts_client_at")

    op.drop_table("contacts")
    with op.batch_alter_table("work_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_work_logs_client_at")

    op.drop_table("work_logs")
    with op.batch_alter_table("staff_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_notes_client_id"))

    op.drop_table("staff_notes")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_client_at")

    op.drop_table("requests")
    op.drop_table("record_changes")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_client_id"))

    op.drop_table("outbox")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_client_id"))

    op.drop_table("invoices")
    with op.batch_alter_table("concessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concessions_client_id"))

    op.drop_table("concessions")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_client_id"))

    op.drop_table("accounts")
    op.drop_table("unmatched_messages")
    op.drop_table("staff")
    op.drop_table("import_runs")
    op.drop_table("clients")
    op.drop_table("business")
    op.drop_table("blobs")
