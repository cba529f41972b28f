from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from goodterms.text import Deadline, analyze, find_deadline

# Wednesday 12 March 2025, 10:15 in Tallinn (08:15 UTC).
TALLINN = ZoneInfo("Europe/Tallinn")
BANGKOK = ZoneInfo("Asia/Bangkok")
SENT = datetime(2025, 3, 12, 8, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "tz", "due", "urgency", "phrase"),
    [
        (
            "Please send it by tomorrow morning",
            TALLINN,
            datetime(2025, 3, 13, 9, 0),
            "high",
            "by tomorrow morning",
        ),
        ("I need the transcript ASAP", TALLINN, datetime(2025, 3, 12, 10, 15), "high", "ASAP"),
        ("Can we have it today?", TALLINN, datetime(2025, 3, 12, 17, 0), "high", "today"),
        ("Send the draft by Friday", TALLINN, datetime(2025, 3, 14, 17, 0), "medium", "by Friday"),
        ("Palun saatke see homme hommikuks", TALLINN, datetime(2025, 3, 13, 9, 0), "high", "homme hommikuks"),
        ("Vajan seda kohe", TALLINN, datetime(2025, 3, 12, 10, 15), "high", "kohe"),
        ("Kas saaksite täna saata?", TALLINN, datetime(2025, 3, 12, 17, 0), "high", "täna"),
        ("Ootan tõlget reedeks", TALLINN, datetime(2025, 3, 14, 17, 0), "medium", "reedeks"),
        ("ขอไฟล์ภายในวันนี้นะคะ", BANGKOK, datetime(2025, 3, 12, 17, 0), "high", "ภายในวันนี้"),
        ("ส่งพรุ่งนี้เช้าได้ไหมครับ", BANGKOK, datetime(2025, 3, 13, 9, 0), "high", "พรุ่งนี้เช้า"),
        ("งานนี้ด่วนนะครับ", BANGKOK, datetime(2025, 3, 12, 15, 15), "high", "ด่วน"),
        (
            "Please finish by the end of the month",
            TALLINN,
            datetime(2025, 3, 31, 17, 0),
            "low",
            "by the end of the month",
        ),
    ],
)
def test_deadline_demand_resolves_to_a_concrete_time(
    text: str, tz: ZoneInfo, due: datetime, urgency: str, phrase: str
) -> None:
    deadline = analyze(text, at=SENT, tz=tz.key).deadline
    assert deadline is not None
    assert deadline.at == due.replace(tzinfo=tz)
    assert deadline.at.tzinfo is not None
    assert deadline.urgency == urgency
    assert deadline.phrase == phrase


def test_friday_asked_on_friday_evening_means_next_friday() -> None:
    friday_evening = datetime(2025, 3, 14, 19, 0, tzinfo=UTC)
    deadline = find_deadline("by Friday please", friday_evening, "UTC")
    assert deadline is not None
    assert deadline.at == datetime(2025, 3, 21, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert deadline.urgency == "low"


def test_the_most_pressing_of_two_deadlines_wins() -> None:
    deadline = find_deadline("Draft by Friday, but the summary tomorrow morning", SENT, "UTC")
    assert deadline is not None
    assert deadline.phrase == "tomorrow morning"


def test_message_without_a_deadline_has_none() -> None:
    assert find_deadline("Thanks for the update, all good.", SENT, "UTC") is None


def test_naive_message_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        find_deadline("ASAP", datetime(2025, 3, 12, 8, 15), "UTC")


# Wednesday 11 March 2026, 10:15 in each client's own zone.
def _sent(zone: ZoneInfo) -> datetime:
    return datetime(2026, 3, 11, 10, 15, tzinfo=zone)


LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("text", "zone", "due"),
    [
        ("I need it within 3 hours", LONDON, datetime(2026, 3, 11, 13, 15)),
        ("We need the fix within two hours.", LONDON, datetime(2026, 3, 11, 12, 15)),
        ("Can you deliver within the hour?", LONDON, datetime(2026, 3, 11, 11, 15)),
        ("Send it in the next 30 minutes please", LONDON, datetime(2026, 3, 11, 10, 45)),
        ("It's urgent: we need it in 4 hours.", LONDON, datetime(2026, 3, 11, 14, 15)),
        ("I need it by 3pm.", LONDON, datetime(2026, 3, 11, 15, 0)),
        ("Can you deliver tomorrow at 10am?", LONDON, datetime(2026, 3, 12, 10, 0)),
        ("Please send it by Tuesday at 2pm.", LONDON, datetime(2026, 3, 17, 14, 0)),
        ("It has to be in my inbox Monday morning.", LONDON, datetime(2026, 3, 16, 9, 0)),
        ("We need the subtitles by 20 March.", LONDON, datetime(2026, 3, 20, 17, 0)),
        ("Please send it this evening.", LONDON, datetime(2026, 3, 11, 18, 0)),
        ("Mul on seda vaja kahe tunni jooksul.", TALLINN, datetime(2026, 3, 11, 12, 15)),
        ("Palun saatke poole tunni jooksul.", TALLINN, datetime(2026, 3, 11, 10, 45)),
        ("Palun tehke see kolme päeva jooksul.", TALLINN, datetime(2026, 3, 14, 10, 15)),
        ("Mul on seda vaja kella 15-ks.", TALLINN, datetime(2026, 3, 11, 15, 0)),
        ("Vajame kõike reedeks kella 12-ks.", TALLINN, datetime(2026, 3, 13, 12, 0)),
        ("See peab olema valmis esmaspäeva hommikuks.", TALLINN, datetime(2026, 3, 16, 9, 0)),
        ("Vajame subtiitreid 20. märtsiks.", TALLINN, datetime(2026, 3, 20, 17, 0)),
        ("ต้องการภายใน 2 ชม.", BANGKOK, datetime(2026, 3, 11, 12, 15)),
        ("รบกวนส่งภายในสองวันนะครับ", BANGKOK, datetime(2026, 3, 13, 10, 15)),
        ("ต้องการก่อนบ่ายสามโมง", BANGKOK, datetime(2026, 3, 11, 15, 0)),
        ("ส่งพรุ่งนี้สิบโมงได้ไหมคะ", BANGKOK, datetime(2026, 3, 12, 10, 0)),
        ("รบกวนส่งภายในวันอังคารบ่ายสองโมงนะคะ", BANGKOK, datetime(2026, 3, 17, 14, 0)),
        ("งานด่วน ต้องการภายใน 4 ชั่วโมง", BANGKOK, datetime(2026, 3, 11, 14, 15)),
        ("ต้องการซับไตเติ้ลภายในวันที่ 20 มีนาคม", BANGKOK, datetime(2026, 3, 20, 17, 0)),
    ],
)
def test_durations_times_of_day_and_dates_resolve_in_the_clients_zone(
    text: str, zone: ZoneInfo, due: datetime
) -> None:
    deadline = find_deadline(text, _sent(zone), zone.key)
    assert deadline is not None, text
    assert deadline.at == due.replace(tzinfo=zone)
    assert deadline.urgency == "high" or due - datetime(2026, 3, 11, 10, 15) > timedelta(hours=24)


def test_urgent_alone_is_the_message_time_and_a_named_deadline_stays_urgent() -> None:
    sent = _sent(LONDON)
    assert find_deadline("This is urgent", sent, "Europe/London") == Deadline(sent, "high", "urgent")
    named = find_deadline("Urgent: within 2 days please", sent, "Europe/London")
    assert named is not None and named.at == sent + timedelta(days=2) and named.urgency == "high"


@pytest.mark.parametrize(
    "text",
    [
        "Attached is the recording from Tuesday's board meeting.",
        "I uploaded the audio this morning.",
        "Kohtumine lükkus neljapäevale kell 14.",
        "Meie kontor on reedel suletud.",
        "ใบแจ้งหนี้เลขที่ 2231 โอนชำระแล้วเมื่อวันจันทร์",
        "ยกเว้นค่างานด่วนได้ไหมครับ",
    ],
)
def test_mentions_of_days_that_demand_nothing_are_not_deadlines(text: str) -> None:
    assert find_deadline(text, _sent(LONDON), "Europe/London") is None


def test_a_fixed_offset_zone_is_accepted() -> None:
    plus7 = timezone(timedelta(hours=7))
    deadline = find_deadline("by tomorrow morning", datetime(2026, 3, 11, 11, 0, tzinfo=UTC), plus7)
    assert deadline is not None
    assert deadline.at == datetime(2026, 3, 12, 9, 0, tzinfo=plus7)
