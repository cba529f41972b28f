from __future__ import annotations

import pytest

from goodterms.text import analyze


@pytest.mark.parametrize(
    "text",
    [
        "I've written three times and still no answer, this is really disappointing",
        "We are still waiting for the files you promised last week. This is unacceptable.",
        "Kirjutan juba kolmas kord ja ikka vastust pole. Olen väga pettunud.",
        "ติดต่อมาหลายครั้งแล้วยังไม่มีใครตอบเลย ผิดหวังมากค่ะ",
    ],
)
def test_frustrated_customer_who_waited_is_not_hostile(text: str) -> None:
    tone = analyze(text).tone
    assert tone.label == "frustrated"
    assert tone.phrases


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("You are useless idiots and I want my money back", "idiots"),
        ("Sa oled täielik tohman, kas sa lugeda ei oska?", "tohman"),
        ("ไอ้ควาย ทำงานแบบนี้ได้ยังไง", "ไอ้ควาย"),
    ],
)
def test_insult_aimed_at_staff_is_hostile(text: str, phrase: str) -> None:
    tone = analyze(text).tone
    assert tone.label == "hostile"
    assert phrase in tone.phrases
    assert tone.score >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Fix this today or I will sue you and leave a one star review everywhere.",
        "Kui arve pole homseks parandatud, kaeban kohtusse.",
        "ถ้าไม่คืนเงินภายในวันนี้ จะฟ้องร้องแน่นอน",
    ],
)
def test_threat_is_hostile(text: str) -> None:
    assert analyze(text).tone.label == "hostile"


@pytest.mark.parametrize(
    "text",
    [
        "Thank you so much for the quick reply, have a nice day!",
        "Aitäh kiire vastuse eest, ilusat päeva!",
        "ขอบคุณมากค่ะ ได้รับไฟล์เรียบร้อยแล้ว",
    ],
)
def test_thankful_client_is_polite(text: str) -> None:
    tone = analyze(text).tone
    assert tone.label == "polite"
    assert tone.score < 0.5


def test_swearing_at_the_situation_is_frustrated_not_hostile() -> None:
    assert analyze("This is fucking ridiculous, still waiting for the invoice").tone.label == "frustrated"


def test_plain_request_is_neutral() -> None:
    tone = analyze("The meeting is moved to room 4.").tone
    assert tone.label == "neutral"
    assert tone.phrases == ()


def test_json_has_the_documented_shape() -> None:
    out = analyze("Please send the report by Friday, thanks").to_json()
    assert set(out) == {"language", "tone", "asks_discount", "deadline"}
    assert set(out["tone"]) == {"label", "score", "phrases", "threat"}
    assert set(out["deadline"]) == {"at", "urgency", "phrase"}
    assert analyze("Hello").to_json()["deadline"] is None


def test_unknown_language_or_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        analyze("hello", lang="de")
    with pytest.raises(ValueError, match="time zone"):
        analyze("hello", tz="Mars/Olympus")
