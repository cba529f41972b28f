"""The ``[followup]`` section of goodterms.toml: the payment ladder and the other notices."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class LadderLevel(BaseModel):
    """One step of the payment follow-up ladder (like an Odoo follow-up level)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="Short name of the level, used in idempotency keys and the plan.")
    delay_days: int = Field(ge=0, description="Days after the reference date before this level is due.")
    since: Literal["due", "previous"] = Field(
        "previous", description="Count the delay from the invoice due date or from the previous level."
    )
    channel: Literal["email", "letter", "manual"] = Field(
        "email", description="email: sent; letter: a PDF to post; manual: a task for a person (a call)."
    )
    template: str = Field(description="Template name under handling/templates/<lang>/ (without .txt.j2).")
    pauses_work: bool = Field(False, description="Sending this level pauses work for the client.")
    send: Literal["approval", "auto"] = Field(
        "approval",
        description="approval: waits on the follow-ups page for a person to send it; auto: `goodterms run` "
        "sends it by itself once a day at send_hour (business time zone).",
    )
    send_hour: int = Field(
        9, ge=0, le=23, description="With send = 'auto': the hour of the day (business time) it goes out."
    )

    @model_validator(mode="after")
    def _auto_by_email(self) -> LadderLevel:
        if self.send == "auto" and self.channel != "email":
            raise ValueError(
                f"level {self.name!r}: only e-mail levels can be sent automatically; a {self.channel} "
                "needs a person, so it waits for approval (send = 'approval')"
            )
        return self


def _default_levels() -> list[LadderLevel]:
    return [
        LadderLevel(name="reminder", delay_days=3, since="due", template="payment_reminder"),
        LadderLevel(name="pause", delay_days=7, template="payment_pause", pauses_work=True),
        LadderLevel(name="call", delay_days=7, channel="manual", template="payment_call"),
    ]


class FollowupSettings(BaseModel):
    """How goodterms follows up unpaid invoices, unanswered asks and boundaries."""

    model_config = ConfigDict(extra="forbid")
    levels: list[LadderLevel] = Field(
        default_factory=_default_levels,
        description="Payment ladder, in order: face-saving reminder, pause notice, then a phone call.",
    )
    min_gap_days: int = Field(
        3,
        ge=0,
        description="Fewest days between two levels for one invoice, so a backlog is not sent at once.",
    )
    exclude_disputed: bool = Field(True, description="Send no payment follow-up for a disputed invoice.")
    need_answer_after_days: int = Field(
        3, ge=0, description="Days an approval or feedback ask waits before 'we need your answer' goes out."
    )
    boundaries_repeat_days: int = Field(
        90, ge=1, description="Days before the same boundaries statement may go to a client again."
    )
    template_dir: str | None = Field(
        None, description="Folder with th/et/en/*.txt.j2 that override the built-in notice texts."
    )
    letters_dir: str = Field(
        "letters", description="Folder where letter-channel notices are written as PDF for posting."
    )

    @model_validator(mode="after")
    def _names_unique(self) -> FollowupSettings:
        names = [level.name for level in self.levels]
        if len(set(names)) != len(names):
            raise ValueError("followup level names must be unique")
        if self.levels and self.levels[0].since != "due":
            raise ValueError("the first followup level counts from the due date (since = 'due')")
        return self
