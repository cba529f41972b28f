"""The business-hours clock: one built per year of the first record, cut to each client's own start."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest

from goodterms.assess import clock
from goodterms.assess.clock import OpenClock, clock_for
from goodterms.calendar import BusinessCalendar

WEEKDAY = [(time(9), time(17))]
CALENDAR = BusinessCalendar(
    "Europe/Tallinn",
    {d: WEEKDAY for d in ("mon", "tue", "wed", "thu", "fri")},
    frozenset({date(2025, 12, 24), date(2025, 12, 25)}),
)
END = datetime(2026, 3, 30, 12, tzinfo=UTC)


@pytest.mark.parametrize("first", [datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 3, 29, 23, tzinfo=UTC),
                                   datetime(2025, 10, 26, 1, tzinfo=UTC), datetime(2025, 12, 31, 22, tzinfo=UTC)])  # fmt: skip
def test_a_cut_clock_answers_as_one_built_from_its_start(first: datetime) -> None:
    built = OpenClock.build(CALENDAR, datetime.combine(first.date(), time(), UTC), END)
    cut = clock_for(CALENDAR, first, END)
    rng = np.random.default_rng(3)
    starts = rng.integers(int(first.timestamp()) - 86400 * 3, int(END.timestamp()), 2000)
    ends = starts + rng.integers(0, 86400 * 40, 2000)
    hours = rng.random(2000) * 60
    assert cut.start_min == built.start_min
    assert np.array_equal(cut.hours_between(starts, ends), built.hours_between(starts, ends))
    assert np.array_equal(cut.add_hours(starts, hours), built.add_hours(starts, hours))


def test_clients_starting_on_other_days_of_a_year_share_one_clock() -> None:
    clock._cached_clock.cache_clear()
    for day in range(0, 300, 7):  # one-client refreshes, each from its client's first record
        clock_for(CALENDAR, datetime(2025, 1, 3, 10, tzinfo=UTC) + timedelta(days=day), END)
    assert clock._cached_clock.cache_info().misses == 1


def test_a_clock_is_not_cut_before_its_own_start() -> None:
    clock = OpenClock.build(CALENDAR, datetime(2025, 6, 1, tzinfo=UTC), END)
    with pytest.raises(ValueError, match="cannot start before"):
        clock.since(CALENDAR, datetime(2025, 5, 1, tzinfo=UTC))
