"""The import contract: one pydantic model per JSON Lines event type.

These models are the single source of ``docs/events.md`` and ``docs/events.schema.json``
(``python -m goodterms.ledger.eventdoc`` writes both; a test checks they are current).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    field_validator,
    model_validator,
)

Id = Annotated[
    str, StringConstraints(min_length=1, max_length=200), Field(description="The source's own id.")
]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Lang = Literal["th", "et", "en"]
Text = Annotated[str, StringConstraints(max_length=1_000_000)]


#: Largest amount a money field takes: stored as integer hundredths, sums must stay exact.
MAX_MONEY = Decimal("999999999999.99")
#: Earliest and latest moment (and date) a record may carry, in UTC.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


def _money(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    if value > MAX_MONEY:
        raise ValueError(f"{value} is larger than {MAX_MONEY}, the largest amount goodterms keeps")
    if value < 0:
        raise ValueError("must not be negative")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("has more than two decimal places")
    return value


def _day(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"{value.isoformat()} is outside {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    return value


def _moment(value: datetime) -> datetime:
    # Checked on the written date first: converting year 1 or 9999 to UTC can itself overflow.
    if not FIRST_DAY.year <= value.year <= LAST_DAY.year or not (
        FIRST_DAY <= value.astimezone(UTC).date() <= LAST_DAY
    ):
        raise ValueError(
            f"{value.isoformat()} is outside {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()} (UTC)"
        )
    return value


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA timezone {value!r}") from exc
    return value


Money = Annotated[
    Decimal,
    Field(
        description='A non-negative decimal string with at most two places, e.g. "1250.00"; '
        "at most 999999999999.99."
    ),
    AfterValidator(_money),
]
Zone = Annotated[str, Field(description="An IANA timezone, e.g. Asia/Bangkok."), AfterValidator(_zone)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(description="ISO 4217 code.")]
At = Annotated[
    AwareDatetime,
    Field(description="ISO 8601 time with an offset, between 1900-01-01 and 2199-12-31 (UTC)."),
    AfterValidator(_moment),
]
Day = Annotated[date, Field(description="ISO 8601 date, 1900-01-01 to 2199-12-31."), AfterValidator(_day)]

_HHMM = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Event(BaseModel):
    """Fields every event has."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=True)
    id: Id


class BusinessEvent(Event):
    """The business itself and its settings (the same ones goodterms.toml can hold)."""

    type: Literal["business"]
    name: str = Field(description="Trading name shown in letters.")
    timezone: Zone = "UTC"
    currency: Currency = "EUR"
    language: Lang = Field("en", description="The business's own language.")
    email: str | None = Field(None, description="Address that client mail is answered from.")
    hours: dict[Weekday, list[tuple[str, str]]] = Field(
        default_factory=lambda: {d: [("09:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")},
        description='Opening hours per weekday, e.g. {"mon": [["09:00", "17:00"]]}; a missing day is closed.',
    )
    holidays: list[Day] = Field(default_factory=list, description="Dates the business is closed.")
    target_hourly_rate: Money | None = Field(None, description="Effective hourly rate the business aims for.")
    response_target_hours: Money = Field(
        Decimal(4), description="Business hours within which every request gets an answer."
    )
    exchange_rates: dict[Currency, Money] = Field(
        default_factory=dict,
        description='Value of one unit of a client currency in the business currency, e.g. {"EUR": "38.50"}; '
        "money in a currency without a rate is left out of comparisons between clients.",
    )

    @field_validator("hours")
    @classmethod
    def _check_hours(cls, value: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
        for day, spans in value.items():
            for start, end in spans:
                if not (_HHMM.match(start) and _HHMM.match(end)) or start >= end:
                    raise ValueError(f"{day}: {start}-{end} is not a span HH:MM-HH:MM")
        return value


class ClientEvent(Event):
    """A client (or prospect) and the terms of the relationship."""

    type: Literal["client"]
    name: str = Field(min_length=1, max_length=300)
    language: Lang = "en"
    timezone: Zone = "UTC"
    currency: Currency = "EUR"
    emails: list[str] = Field(default_factory=list, description="Addresses mail is matched on.")
    domains: list[str] = Field(default_factory=list, description="Mail domains that belong to this client.")
    phones: list[str] = Field(default_factory=list, description="Numbers call logs are matched on (E.164).")
    address: str | None = None
    rate: Money | None = Field(None, description="Agreed rate per rate_unit.")
    rate_unit: Literal["hour", "page", "minute", "item", "month"] = "hour"
    billing: str | None = Field(None, description="Billing terms in words, e.g. 'monthly, due on the 1st'.")
    payment_terms_days: int = Field(14, ge=0, le=365, description="Days from invoice to due date.")
    payment_day: int | None = Field(None, ge=1, le=31, description="Day of month payment is due, if fixed.")
    response_target_hours: Money | None = Field(None, description="Overrides the business's target.")
    started: Day | None = None
    status: Literal["active", "paused", "ended"] = "active"


class StaffEvent(Event):
    """A member of staff."""

    type: Literal["staff"]
    name: str = Field(min_length=1, max_length=200)
    email: str | None = None
    role: str | None = None


class ContactEvent(Event):
    """A call, e-mail, text, voicemail, chat or meeting, either way."""

    type: Literal["contact"]
    client: Ref
    at: At
    channel: Literal["call", "email", "sms", "voicemail", "chat", "meeting"]
    direction: Literal["inbound", "outbound"]
    answered: bool = Field(True, description="False for a missed call or an unanswered message.")
    duration_s: int = Field(0, ge=0, le=86_400, description="Length of a call or meeting in seconds.")
    staff: Ref | None = None
    request: Ref | None = Field(None, description="The request this contact is about, if any.")
    subject: str | None = Field(None, max_length=500)
    text: Text | None = None
    problem: str | None = Field(None, description="The problem the client raised, in a few words.")
    response: str | None = Field(None, description="What we did about it.")
    tone: Literal["polite", "neutral", "frustrated", "hostile", "threat"] | None = Field(
        None,
        description="Tone if the source already knows it (threat: a hostile message that threatens a bad "
        "review, a lawyer, public shaming or payment held back); otherwise goodterms reads it from text.",
    )
    sender: str | None = Field(None, max_length=320, description="Sender address or number, as received.")
    message_id: str | None = Field(None, max_length=500, description="Message-ID of an e-mail.")
    in_reply_to: str | None = Field(None, max_length=500, description="In-Reply-To of an e-mail.")


class RequestEvent(Event):
    """Something the client asked us to do or answer."""

    type: Literal["request"]
    client: Ref
    at: At
    subject: str = Field("", max_length=500)
    text: Text = ""
    kind: str = Field("general", max_length=50, description="Kind of work, for normal turnaround times.")
    deadline: At | None = Field(None, description="When the client asked to have it.")
    promised_at: At | None = Field(None, description="When we promised an answer.")
    status: Literal["open", "waiting", "answered", "closed"] = "open"


class ReplyEvent(Event):
    """Our reply to a request."""

    type: Literal["reply"]
    request: Ref
    at: At
    staff: Ref | None = None
    text: Text = ""
    resolves: bool = Field(True, description="False for a holding reply that does not answer the request.")


class DeliveryEvent(Event):
    """Work delivered to the client (feeds the final report)."""

    type: Literal["delivery"]
    client: Ref
    at: At
    title: str = Field(min_length=1, max_length=500)
    hours: Money = Decimal(0)
    request: Ref | None = None
    outcome: str | None = None


class ApprovalAskEvent(Event):
    """Something we asked the client to approve, give feedback on, answer or send."""

    type: Literal["approval_ask"]
    client: Ref
    at: At
    kind: Literal["approval", "feedback", "question", "asset"]
    subject: str = Field("", max_length=500)
    delivery: Ref | None = None
    round: int = Field(1, ge=1, le=1000, description="Revision round, 1 for the first ask.")


class ApprovalAnswerEvent(Event):
    """The client's answer to an approval ask."""

    type: Literal["approval_answer"]
    ask: Ref
    at: At
    outcome: Literal["approved", "changes", "answered"]
    text: Text | None = None


class InvoiceEvent(Event):
    """An invoice we issued."""

    type: Literal["invoice"]
    client: Ref
    number: str = Field(min_length=1, max_length=100)
    issued: Day
    due: Day
    amount: Money
    currency: Currency
    disputed: bool = False

    @model_validator(mode="after")
    def _due_after_issue(self) -> InvoiceEvent:
        if self.due < self.issued:
            raise ValueError("due date is before the issue date")
        return self


class PaymentEvent(Event):
    """A payment received against an invoice."""

    type: Literal["payment"]
    invoice: Ref
    at: At
    amount: Money

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value == 0:
            raise ValueError("a payment of zero is not a payment")
        return value


class ConcessionEvent(Event):
    """A discount, free trial, free work, rush without fee or extension: asked and/or granted."""

    type: Literal["concession"]
    client: Ref
    at: At
    kind: Literal["discount", "free_trial", "free_work", "rush_no_fee", "extension"]
    asked: bool = True
    granted: bool = False
    value: Money = Decimal(0)
    note: str | None = None


class WorkEvent(Event):
    """Time spent for a client."""

    type: Literal["work"]
    client: Ref
    at: At
    minutes: int = Field(ge=0, le=24 * 60)
    billable: bool = True
    staff: Ref | None = None
    note: str | None = None


class NoteEvent(Event):
    """A staff note about a client, with how the writer felt (-2 to +2)."""

    type: Literal["note"]
    client: Ref
    at: At
    text: Text
    feeling: int = Field(0, ge=-2, le=2)
    staff: Ref | None = None


class AccountEvent(Event):
    """An account we manage for the client (to hand over when parting)."""

    type: Literal["account"]
    client: Ref
    service: str = Field(min_length=1, max_length=200)
    handle: str = Field(min_length=1, max_length=300)
    access: str = Field("admin", max_length=50)
    transferred_at: At | None = None


AnyEvent = Annotated[
    BusinessEvent
    | ClientEvent
    | StaffEvent
    | ContactEvent
    | RequestEvent
    | ReplyEvent
    | DeliveryEvent
    | ApprovalAskEvent
    | ApprovalAnswerEvent
    | InvoiceEvent
    | PaymentEvent
    | ConcessionEvent
    | WorkEvent
    | NoteEvent
    | AccountEvent,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)

EVENT_TYPES: dict[str, type[Event]] = {
    "business": BusinessEvent,
    "client": ClientEvent,
    "staff": StaffEvent,
    "contact": ContactEvent,
    "request": RequestEvent,
    "reply": ReplyEvent,
    "delivery": DeliveryEvent,
    "approval_ask": ApprovalAskEvent,
    "approval_answer": ApprovalAnswerEvent,
    "invoice": InvoiceEvent,
    "payment": PaymentEvent,
    "concession": ConcessionEvent,
    "work": WorkEvent,
    "note": NoteEvent,
    "account": AccountEvent,
}

__all__ = ["EVENT_ADAPTER", "EVENT_TYPES", "AnyEvent", "Event"]
