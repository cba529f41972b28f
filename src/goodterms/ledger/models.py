"""The ledger's tables: one business, its clients, and everything that happens with them.

Every record that comes from an import keeps the source's own id in ``ext_id`` (unique per
table) and a ``digest`` of its content, so that re-importing is idempotent and a changed record
is an update that gets recorded in ``record_changes``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from goodterms.ledger.types import Fixed2, UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), Decimal: Fixed2(), dict[str, Any]: JSON()}  # noqa: RUF012


class Imported:
    """Columns shared by every record that an import can create."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ext_id: Mapped[str] = mapped_column(String(200), unique=True)
    digest: Mapped[str | None] = mapped_column(String(32))


class Business(Imported, Base):
    __tablename__ = "business"
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    language: Mapped[str] = mapped_column(String(2), default="en")
    email: Mapped[str | None] = mapped_column(String(320))
    hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    holidays: Mapped[list[str]] = mapped_column(JSON, default=list)
    target_hourly_rate: Mapped[Decimal | None]
    response_target_hours: Mapped[Decimal | None]
    exchange_rates: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Client(Imported, Base):
    __tablename__ = "clients"
    name: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    phones: Mapped[list[str]] = mapped_column(JSON, default=list)
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    address: Mapped[str | None] = mapped_column(Text)
    rate: Mapped[Decimal | None]
    rate_unit: Mapped[str] = mapped_column(String(20), default="hour")
    billing: Mapped[str | None] = mapped_column(String(200))
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=14)
    payment_day: Mapped[int | None] = mapped_column(Integer)
    response_target_hours: Mapped[Decimal | None]
    started: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="active")
    prospect: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (CheckConstraint("status in ('active','paused','ended')", name="status"),)


class Staff(Imported, Base):
    __tablename__ = "staff"
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str | None] = mapped_column(String(50))


class Request(Imported, Base):
    __tablename__ = "requests"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    subject: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(50), default="general")
    deadline: Mapped[datetime | None]
    promised_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(10), default="open")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    chases: Mapped[int] = mapped_column(Integer, default=0)
    reference: Mapped[str | None] = mapped_column(String(40), unique=True)
    __table_args__ = (
        CheckConstraint("status in ('open','waiting','answered','closed')", name="status"),
        Index("ix_requests_client_at", "client_id", "at"),
    )
    # desk (0003): when the request started waiting on the client; the response clock pauses then.
    waiting_since: Mapped[datetime | None]


#: Values of ``Contact.staff_mark``: a staff member's judgement that the message is rude, or is not.
MARK_RUDE = "rude"
MARK_NOT_RUDE = "not_rude"
#: Stored tones that count as hostile: "threat" is a hostile message that also threatens (see goodterms.text).
HOSTILE_TONES = ("hostile", "threat")


def marked_tone(tone: str | None, mark: str | None) -> str | None:
    """Return a message's tone as the business stands by it: a staff mark overrules the reading.

    Marked rude: hostile (a threat stays a threat). Marked not rude: a hostile or threat reading is withdrawn
    (no tone), any other stays.
    ``goodterms.assess.sql.hostile_message`` is the same rule in SQL (tests/assess/test_staff_marks.py).
    """
    if mark == MARK_RUDE:
        return "threat" if tone == "threat" else "hostile"
    if mark == MARK_NOT_RUDE and tone in HOSTILE_TONES:
        return None
    return tone


class Contact(Imported, Base):
    __tablename__ = "contacts"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(10))
    direction: Mapped[str] = mapped_column(String(8))
    answered: Mapped[bool] = mapped_column(Boolean, default=True)
    duration_s: Mapped[int] = mapped_column(Integer, default=0)
    subject: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str | None] = mapped_column(Text)
    response: Mapped[str | None] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(String(320))
    message_id: Mapped[str | None] = mapped_column(String(500))
    in_reply_to: Mapped[str | None] = mapped_column(String(500))
    tone: Mapped[str | None] = mapped_column(String(12))
    tone_score: Mapped[float | None]
    staff_mark: Mapped[str | None] = mapped_column(String(10))  # MARK_RUDE, MARK_NOT_RUDE or None
    __table_args__ = (
        CheckConstraint("channel in ('call','email','sms','voicemail','chat','meeting')", name="channel"),
        CheckConstraint("direction in ('inbound','outbound')", name="direction"),
        CheckConstraint("duration_s >= 0", name="duration"),
        Index("ix_contacts_client_at", "client_id", "at"),
        Index("ix_contacts_at_client", "at", "client_id"),  # the last 30 days of every client (views)
        Index("ix_contacts_message_id", "message_id"),
    )


class Reply(Imported, Base):
    __tablename__ = "replies"
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text, default="")
    resolves: Mapped[bool] = mapped_column(Boolean, default=True)


class Delivery(Imported, Base):
    __tablename__ = "deliveries"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    title: Mapped[str] = mapped_column(String(500))
    hours: Mapped[Decimal] = mapped_column(Fixed2, default=Decimal(0))
    outcome: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_deliveries_client_at", "client_id", "at"),)


class ApprovalAsk(Imported, Base):
    __tablename__ = "approval_asks"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(500), default="")
    round: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (
        CheckConstraint("kind in ('approval','feedback','question','asset')", name="kind"),
        Index("ix_approval_asks_client_at", "client_id", "at"),
    )


class ApprovalAnswer(Imported, Base):
    __tablename__ = "approval_answers"
    ask_id: Mapped[int] = mapped_column(ForeignKey("approval_asks.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(10))
    text: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (CheckConstraint("outcome in ('approved','changes','answered')", name="outcome"),)


class Invoice(Imported, Base):
    __tablename__ = "invoices"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    issued: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (CheckConstraint("amount >= 0", name="amount"),)


class Payment(Imported, Base):
    __tablename__ = "payments"
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    amount: Mapped[Decimal]
    __table_args__ = (CheckConstraint("amount > 0", name="amount"),)


class Concession(Imported, Base):
    __tablename__ = "concessions"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(12))
    asked: Mapped[bool] = mapped_column(Boolean, default=True)
    granted: Mapped[bool] = mapped_column(Boolean, default=False)
    value: Mapped[Decimal] = mapped_column(Fixed2, default=Decimal(0))
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint(
            "kind in ('discount','free_trial','free_work','rush_no_fee','extension')", name="kind"
        ),
        CheckConstraint("value >= 0", name="value"),
    )


class WorkLog(Imported, Base):
    __tablename__ = "work_logs"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    minutes: Mapped[int] = mapped_column(Integer)
    billable: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint("minutes >= 0", name="minutes"),
        Index("ix_work_logs_client_at", "client_id", "at"),
    )


class StaffNote(Imported, Base):
    __tablename__ = "staff_notes"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    feeling: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (CheckConstraint("feeling between -2 and 2", name="feeling"),)


class Account(Imported, Base):
    __tablename__ = "accounts"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    service: Mapped[str] = mapped_column(String(200))
    handle: Mapped[str] = mapped_column(String(300))
    access: Mapped[str] = mapped_column(String(50), default="admin")
    transferred_at: Mapped[datetime | None]


class ImportRun(Base):
    """One file imported: what it was and what it changed."""

    __tablename__ = "import_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    #: What a person should know of the run (an overpaid invoice ...), as shown after the import.
    notes: Mapped[list[str] | None] = mapped_column(JSON)


class RecordChange(Base):
    """A record that an import changed: which one, when, and what it held before."""

    __tablename__ = "record_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id", ondelete="SET NULL"))
    table_name: Mapped[str] = mapped_column(String(40))
    ext_id: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
    before: Mapped[dict[str, Any]] = mapped_column(JSON)


class UnmatchedMessage(Base):
    """Mail that matched no client: kept so that nobody's message is silently dropped."""

    __tablename__ = "unmatched_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_key: Mapped[str] = mapped_column(String(500), unique=True)
    sender: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)


class Outbox(Base):
    """Messages to send: stored first, sent after, exactly once (``key`` is the idempotency key)."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # desk (0007): set when the row cannot be built or the relay refuses it for good; never retried.
    failed_at: Mapped[datetime | None]


class KeptFile(Base):
    """Bytes the desk keeps beside a message: text over the cap, or the raw mail it could not take."""

    __tablename__ = "kept_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    unmatched_id: Mapped[int | None] = mapped_column(
        ForeignKey("unmatched_messages.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class Blob(Base):
    """Named binary state of the business, e.g. its own tone model."""

    __tablename__ = "blobs"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]


#: Tables in the order their rows may be inserted (parents before children).
IMPORT_ORDER: tuple[type[Imported], ...] = (
    Business,
    Client,
    Staff,
    Request,
    Contact,
    Reply,
    Delivery,
    ApprovalAsk,
    ApprovalAnswer,
    Invoice,
    Payment,
    Concession,
    WorkLog,
    StaffNote,
    Account,
)


# --- desk (migration 0003) -------------------------------------------------------------------

Index("ix_requests_status_promised", Request.status, Request.promised_at)


class ResponseBreach(Base):
    """A promise we did not keep: the request was answered after, or is still open past, its promise."""

    __tablename__ = "response_breaches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    promised_at: Mapped[datetime]
    detected_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    late_hours: Mapped[float] = mapped_column(default=0.0)
    __table_args__ = (UniqueConstraint("request_id", "promised_at"),)


# --- handling (migration 0004) ---------------------------------------------------------------


class FollowupNotice(Base):
    """A follow-up notice that went out (or a manual action issued): the ladder's memory."""

    __tablename__ = "followup_notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(60))
    template: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(10))
    sent_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    records: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    document: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (CheckConstraint("channel in ('email','letter','manual')", name="channel"),)


# --- web (migration 0005) --------------------------------------------------------------------


class WebUser(Base):
    """A person who signs in to the web app or the API: owner, manager or staff."""

    __tablename__ = "web_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    setup_hash: Mapped[str | None] = mapped_column(String(64))
    sees_money: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(2), default="en")
    created_at: Mapped[datetime]
    __table_args__ = (CheckConstraint("role in ('owner','manager','staff')", name="role"),)


class WebSession(Base):
    """A server-side login session; the cookie holds a random key whose hash is stored here."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiToken(Base):
    """A bearer token for the JSON API; only its hash is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """An append-only record of logins, role changes, exports and messages sent."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(40), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))


class SavedView(Base):
    """A named portfolio query (sort, filter, search) a user saved."""

    __tablename__ = "saved_views"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(1000))
    __table_args__ = (UniqueConstraint("user_id", "name"),)


class MailboxFolder(Base):
    """How far goodterms has read one IMAP folder (``goodterms mailbox``): its UIDVALIDITY and last UID.

    The last UID moves in the same transaction that stores the message, so a crash never loses or
    repeats one. No password or other secret is ever kept here.
    """

    __tablename__ = "mailbox_folders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(100))
    folder: Mapped[str] = mapped_column(String(500))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    synced_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("mailbox", "folder"),)


# --- stored assessments (migration 0010) -----------------------------------------------------


class StoredAssessment(Base):
    """A client's latest assessment, as ``goodterms assess --json`` gives it (``goodterms.assess.store``)."""

    __tablename__ = "assessments"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    computed_at: Mapped[datetime]  # when the refresh that made it began reading the ledger
    as_of: Mapped[datetime]
    settings_key: Mapped[str] = mapped_column(String(64))
    health: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    generation: Mapped[int] = mapped_column(BigInteger, index=True)  # AssessmentPortfolio.generation then


class AssessmentStale(Base):
    """A change to a client's ledger since its assessment, added in the transaction of the change.

    Only ever inserted (never updated), so concurrent changes of one client never wait on each other;
    a refresh deletes exactly the rows it read before it read the ledger.
    """

    __tablename__ = "assessment_stale"
    # AUTOINCREMENT on SQLite: a deleted top id is never handed out again, so a refresh that deletes the
    # ids it read can never delete a later mark of another client that got the same id.
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    marked_at: Mapped[datetime]


class AssessmentMonth(Base):
    """A client's health at a past month end, kept so that a trend does not recompute closed months."""

    __tablename__ = "assessment_months"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    as_of: Mapped[datetime] = mapped_column(primary_key=True)  # the start of the next month
    month: Mapped[str] = mapped_column(String(7))
    settings_key: Mapped[str] = mapped_column(String(64))
    health: Mapped[int | None] = mapped_column(Integer)  # None: the client had not started then
    computed_at: Mapped[datetime]


class VerdictChange(Base):
    """A stored assessment whose verdict differs from the one it replaced."""

    __tablename__ = "verdict_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    old_verdict: Mapped[str] = mapped_column(String(30))
    new_verdict: Mapped[str] = mapped_column(String(30))
    old_health: Mapped[int] = mapped_column(Integer)
    new_health: Mapped[int] = mapped_column(Integer)


class AssessmentPortfolio(Base):
    """The one row of the stored portfolio: medians and a write counter (the findings on the business
    are in ``AssessmentBusiness``: this row is rewritten by every write, and must stay small)."""

    __tablename__ = "assessment_portfolio"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)  # bumped by every write (in its lock)
    computed_at: Mapped[datetime | None]  # of the last whole-portfolio refresh
    as_of: Mapped[datetime | None]
    settings_key: Mapped[str | None] = mapped_column(String(64))
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)


class AssessmentBusiness(Base):
    """The one row of the findings on the business of the last whole-portfolio refresh (JSON, as stored)."""

    __tablename__ = "assessment_business"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    findings: Mapped[list[Any]] = mapped_column(JSON)
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)
