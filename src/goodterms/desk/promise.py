"""When we promise an answer, in business hours, and how waiting on the client pauses the clock (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from goodterms.calendar import BusinessCalendar


def response_target(*, client_hours: Decimal | None, business_hours: Decimal | None) -> float:
    """Return the response target in business hours: the client's own, else the business's, else 4."""
    chosen = client_hours if client_hours is not None else business_hours
    return float(chosen) if chosen is not None and chosen > 0 else 4.0


def promised_at(*, calendar: BusinessCalendar, received: datetime, target_hours: float) -> datetime:
    """Return the moment ``target_hours`` of opening hours after ``received``."""
    return calendar.add_business_hours(received, target_hours)


def refreshed_promise(
    *, calendar: BusinessCalendar, now: datetime, current: datetime | None, target_hours: float
) -> datetime:
    """Return the promise to give on a repeat: the current one if still ahead, else a fresh one.

    A client who asks again before the promise is due gets the same promise (we keep our word);
    one who asks after it passed gets a new, honest time counted from now.
    """
    if current is not None and current > now:
        return current
    return calendar.add_business_hours(now, target_hours)


@dataclass(frozen=True)
class Resumed:
    """The promise after the client answered us: shifted by the business hours we waited."""

    promised_at: datetime
    paused_hours: float


def resume_after_waiting(
    *, calendar: BusinessCalendar, waiting_since: datetime, resumed: datetime, promised: datetime
) -> Resumed:
    """Move a promise on by the business hours the request spent waiting on the client."""
    remaining = calendar.business_hours_between(waiting_since, promised)
    paused = calendar.business_hours_between(waiting_since, resumed)
    if remaining <= 0:
        return Resumed(promised_at=promised, paused_hours=paused)
    return Resumed(promised_at=calendar.add_business_hours(resumed, remaining), paused_hours=paused)


def late_hours(*, calendar: BusinessCalendar, promised: datetime, answered_or_now: datetime) -> float:
    """Return how many business hours past the promise an answer came (0 when on time)."""
    return calendar.business_hours_between(promised, answered_or_now)
