"""Settings, declared once: typed, with defaults and help text, read from goodterms.toml.

Sections for other parts of goodterms (``assess``, ``desk``, ``followup``, ``text``) are declared in
those packages and collected here, so every setting has one home and one description.
"""

from __future__ import annotations

import os
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from goodterms.assess.config import AssessSettings
from goodterms.connect.config import MailboxSettings
from goodterms.desk.config import DeskSettings
from goodterms.handling.config import FollowupSettings
from goodterms.ledger.events import BusinessEvent
from goodterms.text.config import TextSettings


class SettingsProblem(Exception):
    """goodterms.toml could not be read or holds an invalid value."""


class BusinessSettings(BaseModel):
    """The business's own settings; a ``business`` record in the ledger overrides them."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field("My business", description="Trading name shown in letters.")
    timezone: str = Field("UTC", description="IANA timezone of the business.")
    currency: str = Field("EUR", description="Currency of the business (ISO 4217).")
    language: str = Field("en", description="The business's own language: th, et or en.")
    email: str | None = Field(None, description="Address client mail is answered from.")
    hours: dict[str, list[tuple[str, str]]] = Field(
        default_factory=lambda: {d: [("09:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")},
        description="Opening hours per weekday (mon..sun); a missing day is closed.",
    )
    holidays: list[str] = Field(
        default_factory=list, description="Dates (YYYY-MM-DD) the business is closed."
    )
    target_hourly_rate: Decimal | None = Field(
        None, description="Effective hourly rate the business aims for."
    )
    response_target_hours: Decimal = Field(
        Decimal(4), description="Business hours within which every request gets an answer."
    )
    exchange_rates: dict[str, Decimal] = Field(
        default_factory=dict,
        description='Value of one unit of a client currency in the business currency, e.g. EUR = "38.50"; '
        "money in a currency without a rate is left out of comparisons between clients.",
    )

    def as_event(self) -> BusinessEvent:
        """Validate these settings with the same rules as the ledger's business record."""
        return BusinessEvent.model_validate({"type": "business", "id": "settings", **self.model_dump()})


class Settings(BaseModel):
    """Everything goodterms.toml may hold."""

    model_config = ConfigDict(extra="allow")
    database_url: str | None = Field(
        None, description="Database URL; GOODTERMS_DATABASE_URL or --db override it."
    )
    business: BusinessSettings = Field(default_factory=BusinessSettings, description="The business.")
    desk: DeskSettings = Field(default_factory=DeskSettings, description="The request desk.")
    assess: AssessSettings = Field(default_factory=AssessSettings, description="The client assessment.")
    followup: FollowupSettings = Field(
        default_factory=FollowupSettings, description="Payment follow-up ladder and client notices."
    )
    text: TextSettings = Field(default_factory=TextSettings, description="Reading client messages.")
    mailbox: list[MailboxSettings] = Field(
        default_factory=list,
        description="IMAP mailboxes the desk reads (`[[mailbox]]` entries, written by `goodterms mailbox add`).",
    )


def config_path(explicit: str | None = None) -> Path:
    """Return where goodterms.toml is looked for."""
    return Path(explicit or os.environ.get("GOODTERMS_CONFIG") or "goodterms.toml")


def load_settings(path: str | None = None) -> Settings:
    """Read and validate goodterms.toml (a missing file gives the defaults)."""
    where = config_path(path)
    data: dict[str, Any] = {}
    if where.exists():
        try:
            data = tomllib.loads(where.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsProblem(f"{where}: not valid TOML ({exc})") from None
    try:
        settings = Settings.model_validate(data)
        settings.business.as_event()
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in err["loc"] if p not in ("business", "settings")) or "?"
        raise SettingsProblem(f"{where}: {loc}: {err['msg']}") from None
    return settings
