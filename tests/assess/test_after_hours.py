from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from goodterms.assess.config import AssessSettings
from goodterms.assess.load import Scope, load_facts
from goodterms.calendar import BusinessCalendar
from goodterms.ledger.importing import import_event_dicts
from tests.assess.builder import assert_healthy_clean, codes, flag, healthy, portfolio, run, t
from tests.factories import business, client


def email(cid: str, n: int, when: str) -> dict[str, object]:
    return {"type": "contact", "id": f"{cid}-n{n}", "client": cid, "at": when, "channel": "email",
            "direction": "inbound"}  # fmt: skip


def test_late_night_and_weekend_messages_are_after_hours_late_night_weighted(engine: Engine) -> None:
    nights = [email("owl", w, t(7 * w, 13.5)) for w in range(12)]  # Mondays 23:30
    weekends = [email("owl", 100 + w, t(7 * w + 5, 1)) for w in range(12)]  # Saturdays 11:00
    result = run(engine, portfolio(*healthy("owl"), *nights, *weekends))
    assert_healthy_clean(result)
    found = flag(result, "owl", "after_hours")
    assert (found.measures["after_hours"], found.measures["late_night"]) == (12, 12)
    assert found.measures["weighted_share"] == round((12 + 2 * 12) / 48, 3)  # 0.75
    assert found.severity == "high"
    assert found.measures["evidence_total"] == 24


def test_messages_on_a_holiday_are_after_hours(engine: Engine) -> None:
    on_holiday = [email("hol", n, t(2, n * 0.5)) for n in range(6)]  # Wednesday 4 March, 10:00-12:30
    events = portfolio(*healthy("hol"), *on_holiday, biz=business(holidays=["2026-03-04"]))
    found = flag(run(engine, events), "hol", "after_hours")
    assert found.measures["after_hours"] == 6
    assert found.measures["weighted_share"] == 0.2  # 6 of 30: exactly the low threshold
    assert found.severity == "low"


def test_the_same_messages_on_a_working_day_are_not_after_hours(engine: Engine) -> None:
    on_workday = [email("hol", n, t(2, n * 0.5)) for n in range(6)]
    assert "after_hours" not in codes(run(engine, portfolio(*healthy("hol"), *on_workday)), "hol")


def test_office_hours_follow_daylight_saving_time(engine: Engine) -> None:
    tallinn = ZoneInfo("Europe/Tallinn")
    summer = [datetime(2026, 7, 6 + d, 9, 30, tzinfo=tallinn) for d in range(5)]  # UTC+3: open
    winter = [datetime(2026, 1, 5 + d, 8, 30, tzinfo=tallinn) for d in range(5)]  # UTC+2: closed
    events = [business(timezone="Europe/Tallinn"), client("ee", timezone="Europe/Tallinn")]
    events += [email("ee", n, moment.isoformat()) for n, moment in enumerate(summer + winter)]
    import_event_dicts(engine, events)
    calendar = BusinessCalendar.from_settings(
        "Europe/Tallinn", {d: [("09:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")}, []
    )
    as_of = datetime(2026, 8, 1, tzinfo=tallinn)
    scope = Scope(as_of, AssessSettings(), calendar, 4.0, winter[0] - timedelta(days=1))
    with engine.connect() as conn:
        (facts,) = load_facts(conn, scope=scope).values()
    assert (facts.inbound, facts.after_hours, facts.late_night) == (10, 5, 0)
