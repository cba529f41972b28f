"""Business hours in the business's timezone: open or not, and adding business hours (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(23, 59, 59, 999999) if hours == "24" else time(int(hours), int(minutes))


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours per weekday plus holidays, in one IANA timezone."""

    timezone: str
    hours: Mapping[str, Sequence[tuple[time, time]]]
    holidays: frozenset[date]

    @classmethod
    def from_settings(
        cls, timezone: str, hours: Mapping[str, Iterable[Sequence[str]]], holidays: Iterable[str | date]
    ) -> BusinessCalendar:
        """Build a calendar from settings as stored (``{"mon": [["09:00", "17:00"]]}``)."""
        spans = {day: sorted((_hhmm(s[0]), _hhmm(s[1])) for s in hours.get(day, ())) for day in WEEKDAYS}
        days = frozenset(d if isinstance(d, date) else date.fromisoformat(d) for d in holidays)
        return cls(timezone, spans, days)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _spans(self, day: date) -> Sequence[tuple[time, time]]:
        if day in self.holidays:
            return ()
        return self.hours.get(WEEKDAYS[day.weekday()], ())

    def is_open(self, moment: datetime) -> bool:
        """Say whether the business is open at an aware moment."""
        local = moment.astimezone(self.zone)
        now = local.timetz().replace(tzinfo=None)
        return any(start <= now < end for start, end in self._spans(local.date()))

    def open_spans(self, start: datetime, end: datetime) -> list[tuple[float, float]]:
        """Return the open hours from ``start`` to ``end`` (aware) as (opens, closes) POSIX timestamps in
        order: a moment is open when it falls in one of them, as ``is_open`` says of each moment alone."""
        zone = self.zone
        day, last = start.astimezone(zone).date() - timedelta(days=1), end.astimezone(zone).date()
        found: list[tuple[float, float]] = []
        while day <= last:
            for s, e in self._spans(day):
                opens = datetime.combine(day, s, tzinfo=zone).timestamp()
                found.append((opens, datetime.combine(day, e, tzinfo=zone).timestamp()))
            day += timedelta(days=1)
        out: list[tuple[float, float]] = []
        for opens, closes in sorted(found):  # spans that overlap or touch become one
            if out and opens <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], closes))
            else:
                out.append((opens, closes))
        return out

    def is_late_night(self, moment: datetime, *, start: int = 22, end: int = 6) -> bool:
        """Say whether a moment falls in the night (22:00-06:00 local by default)."""
        hour = moment.astimezone(self.zone).hour
        return hour >= start or hour < end

    def _open_intervals(self, start: datetime) -> Iterable[tuple[datetime, datetime]]:
        zone = self.zone
        day = start.astimezone(zone).date()
        for offset in range(0, 3 * 366):
            current = day + timedelta(days=offset)
            for s, e in self._spans(current):
                yield (
                    datetime.combine(current, s, tzinfo=zone),
                    datetime.combine(current, e, tzinfo=zone),
                )
        # A calendar with no open hours at all for three years cannot make a promise.

    def add_business_hours(self, start: datetime, hours: float) -> datetime:
        """Return the moment ``hours`` of open time after ``start`` (start is aware)."""
        if not any(self.hours.values()):
            raise ValueError("the business has no opening hours: cannot compute a promised time")
        remaining = timedelta(hours=hours)
        for open_at, close_at in self._open_intervals(start):
            if close_at <= start:
                continue
            begin = max(open_at, start)
            available = close_at - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise ValueError("no opening hours within three years")

    def business_hours_between(self, start: datetime, end: datetime) -> float:
        """Count open hours between two aware moments (0 if end is before start)."""
        if end <= start:
            return 0.0
        total = timedelta()
        for open_at, close_at in self._open_intervals(start):
            if open_at >= end:
                break
            lo, hi = max(open_at, start), min(close_at, end)
            if hi > lo:
                total += hi - lo
        return total.total_seconds() / 3600
