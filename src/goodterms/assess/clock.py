"""Business hours as arrays: open minutes counted over a date range, for many moments at once (pure).

``BusinessCalendar`` answers one moment at a time; the assessment asks about hundreds of thousands
of requests, so this precomputes, minute by minute, how many open minutes have passed since the start
of the range (numpy), and answers "business hours between" and "add business hours" by lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from goodterms.calendar import WEEKDAYS, BusinessCalendar

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class OpenClock:
    """Cumulative open minutes from ``start_min`` (epoch minutes), one entry per minute."""

    start_min: int
    cum: IntArray

    @classmethod
    def build(cls, calendar: BusinessCalendar, start: datetime, end: datetime) -> OpenClock:
        """Precompute open minutes from a day before ``start`` to 120 days after ``end``."""
        zone = calendar.zone
        first = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date() + timedelta(days=120)
        start_min = _start_min(calendar, start)
        size = int(datetime.combine(last, datetime.min.time(), tzinfo=zone).timestamp()) // 60 - start_min
        diff = np.zeros(size + 1, dtype=np.int64)
        day = first
        while day < last:
            if day not in calendar.holidays:
                for s, e in calendar.hours.get(WEEKDAYS[day.weekday()], ()):
                    a = int(datetime.combine(day, s, tzinfo=zone).timestamp()) // 60 - start_min
                    b = -(-int(datetime.combine(day, e, tzinfo=zone).timestamp()) // 60) - start_min
                    diff[max(a, 0)] += 1
                    diff[min(b, size)] -= 1
            day += timedelta(days=1)
        open_minutes = (np.cumsum(diff[:size]) > 0).astype(np.int64)
        return cls(start_min, np.concatenate(([0], np.cumsum(open_minutes))))

    def since(self, calendar: BusinessCalendar, start: datetime) -> OpenClock:
        """Return this clock as ``build(calendar, start, end)`` would make it, for a later ``start`` (no copy).

        Answers depend only on differences of ``cum``, and a time before the start counts from the start:
        the slice from that start answers exactly as a clock built from it.
        """
        skip = _start_min(calendar, start) - self.start_min
        if skip < 0:
            raise ValueError("a clock cannot start before the one it is cut from")
        return OpenClock(self.start_min + skip, self.cum[skip:])

    def _index(self, epoch_s: IntArray) -> IntArray:
        return np.clip(epoch_s // 60 - self.start_min, 0, len(self.cum) - 1)

    def hours_between(self, start_s: IntArray, end_s: IntArray) -> FloatArray:
        """Return business hours from each start to each end (0 where end is before start)."""
        minutes = self.cum[self._index(end_s)] - self.cum[self._index(start_s)]
        hours: FloatArray = np.maximum(minutes, 0).astype(np.float64) / 60.0
        return hours

    def add_hours(self, start_s: IntArray, hours: FloatArray) -> IntArray:
        """Return the epoch second at which ``hours`` business hours after each start have passed."""
        target = self.cum[self._index(start_s)] + np.ceil(hours * 60).astype(np.int64)
        index = np.searchsorted(self.cum, target, side="left")
        beyond = index >= len(self.cum)
        moment = (np.minimum(index, len(self.cum) - 1) + self.start_min) * 60
        return np.where(beyond, np.iinfo(np.int64).max // 2, np.maximum(moment, start_s))


def _start_min(calendar: BusinessCalendar, start: datetime) -> int:
    """Return the epoch minute a clock built from ``start`` begins at: business midnight a day before."""
    first = start.astimezone(calendar.zone).date() - timedelta(days=1)
    return int(datetime.combine(first, datetime.min.time(), tzinfo=calendar.zone).timestamp()) // 60


def _calendar_key(calendar: BusinessCalendar) -> tuple[Any, ...]:
    hours = tuple((day, tuple(spans)) for day, spans in sorted(calendar.hours.items()))
    return (calendar.timezone, hours, calendar.holidays)


@lru_cache(maxsize=8)
def _cached_clock(key: tuple[Any, ...], first: date, last: date) -> OpenClock:
    zone, hours, holidays = key
    calendar = BusinessCalendar(zone, dict(hours), holidays)
    return OpenClock.build(
        calendar, datetime.combine(first, time(), UTC), datetime.combine(last, time(), UTC)
    )


def clock_for(calendar: BusinessCalendar, first: datetime, horizon: datetime | None) -> OpenClock:
    """Return the open-minute clock from ``first`` to ``horizon``: built once per calendar, end day and year
    of ``first``, cut to start at ``first`` (one-client runs, each from its client's first record, share it)."""
    end = horizon or datetime.now(UTC)
    day = first.astimezone(UTC).date()
    whole = _cached_clock(_calendar_key(calendar), date(day.year, 1, 1), end.astimezone(UTC).date())
    return whole.since(calendar, datetime.combine(day, time(), UTC))


def offset_periods(zone_name: str, start: datetime, end: datetime) -> list[tuple[int, int]]:
    """Return ``(from_epoch_s, utc_offset_s)`` for each period of constant offset between two moments."""
    first_day, last_day = int(start.timestamp()) // 86400, -(-int(end.timestamp()) // 86400)
    return list(_day_periods(zone_name, first_day, last_day))  # whole days: one-client trends reuse it


@lru_cache(maxsize=64)
def _day_periods(zone_name: str, first_day: int, last_day: int) -> tuple[tuple[int, int], ...]:
    zone = ZoneInfo(zone_name)

    def offset(epoch: int) -> int:
        delta = datetime.fromtimestamp(epoch, UTC).astimezone(zone).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    begin, stop = (first_day - 1) * 86400, (last_day + 1) * 86400
    periods = [(begin, offset(begin))]
    for day in range(begin, stop, 86400):
        if offset(day + 86400) != periods[-1][1]:
            low, high = day, day + 86400  # the change lies in (low, high]: bisect to the second
            while high - low > 1:
                mid = (low + high) // 2
                low, high = (mid, high) if offset(mid) == periods[-1][1] else (low, mid)
            periods.append((high, offset(high)))
    return tuple(periods)
