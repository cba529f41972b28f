from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from goodterms.text import analyze, find_deadline

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
