from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from goodterms.calendar import BusinessCalendar
from goodterms.desk.letters import format_moment
from goodterms.desk.promise import promised_at, refreshed_promise, response_target, resume_after_waiting

BKK = ZoneInfo("Asia/Bangkok")
CAL = BusinessCalendar.from_settings(
    "Asia/Bangkok", {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}, ["2026-03-09"]
)


def test_the_clients_own_target_wins_over_the_business_target() -> None:
    assert response_target(client_hours=Decimal(2), business_hours=Decimal(8)) == 2.0
    assert response_target(client_hours=None, business_hours=Decimal(8)) == 8.0
    assert response_target(client_hours=None, business_hours=None) == 4.0


def test_a_promise_skips_the_weekend_and_holidays() -> None:
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=BKK)
    # 2 hours on Friday, Monday 9 March is a holiday, 2 more on Tuesday.
    assert promised_at(calendar=CAL, received=friday, target_hours=4) == datetime(
        2026, 3, 10, 11, 0, tzinfo=BKK
    )


def test_a_repeat_before_the_promise_keeps_it_and_after_it_gets_a_fresh_one() -> None:
    promise = datetime(2026, 3, 3, 13, 0, tzinfo=BKK)
    early = datetime(2026, 3, 3, 10, 0, tzinfo=BKK)
    late = datetime(2026, 3, 3, 14, 0, tzinfo=BKK)
    assert refreshed_promise(calendar=CAL, now=early, current=promise, target_hours=4) == promise
    assert refreshed_promise(calendar=CAL, now=late, current=promise, target_hours=4) == datetime(
        2026, 3, 4, 10, 0, tzinfo=BKK
    )


def test_waiting_on_the_client_pauses_the_clock() -> None:
    received = datetime(2026, 3, 2, 9, 0, tzinfo=BKK)
    promise = promised_at(calendar=CAL, received=received, target_hours=4)  # Monday 13:00
    waiting = datetime(2026, 3, 2, 11, 0, tzinfo=BKK)  # 2 hours left
    answered = datetime(2026, 3, 3, 16, 0, tzinfo=BKK)
    resumed = resume_after_waiting(calendar=CAL, waiting_since=waiting, resumed=answered, promised=promise)
    assert resumed.promised_at == datetime(2026, 3, 4, 10, 0, tzinfo=BKK)
    assert resumed.paused_hours == 13.0


def test_thai_dates_use_the_buddhist_era_and_others_the_gregorian() -> None:
    moment = datetime(2026, 3, 3, 10, 0, tzinfo=BKK)
    assert format_moment(moment, lang="th", timezone="Asia/Bangkok") == "วันอังคารที่ 3 มีนาคม 2569 เวลา 10:00 น."
    assert (
        format_moment(moment, lang="et", timezone="Europe/Tallinn") == "teisipäev, 3. märts 2026 kell 05:00"
    )
    assert format_moment(moment, lang="en", timezone="Europe/London") == "Tuesday 3 March 2026, 03:00"
