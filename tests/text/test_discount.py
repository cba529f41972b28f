from __future__ import annotations

import pytest

from goodterms.text import analyze


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Could you give us a discount if we order ten more?", "a discount"),
        ("Can you do the first file for free as a trial?", "for free"),
        ("Kas saaksite hinda alla lasta? Maht on ju väike.", "hinda alla"),
        ("Kas esimene kuu võiks olla tasuta?", "tasuta"),
        ("ขอส่วนลดหน่อยได้ไหมคะ", "ส่วนลด"),
        ("ลดราคาให้หน่อยได้ไหมครับ", "ลดราคา"),
        ("Is there any flexibility on the price for a nonprofit?", "flexibility on the price"),
        ("Can you do it for 200 instead of 300?", "for 200 instead of 300"),
        ("Kas 40 tunni heli puhul on võimalik hulgisoodustust saada?", "hulgisoodustust"),
        ("Kas kiirtöö lisatasust saab loobuda?", "lisatasust saab loobuda"),
        ("มีราคานักศึกษาไหมครับ", "ราคานักศึกษา"),
        ("ทำให้ 200 แทน 300 ได้ไหมครับ", "200 แทน 300"),
    ],
)
def test_discount_or_free_work_ask_is_found_with_its_phrase(text: str, phrase: str) -> None:
    result = analyze(text)
    assert result.asks_discount
    assert result.discount_phrase == phrase


@pytest.mark.parametrize(
    "text",
    [
        "Please find the signed contract attached.",
        "Arve on tasutud.",
        "ได้รับงานแล้วค่ะ ขอบคุณค่ะ",
        "Feel free to call me.",
        "แถมยังส่งไฟล์ตรงเวลาด้วย ขอบคุณค่ะ",
    ],
)
def test_ordinary_message_is_not_a_discount_ask(text: str) -> None:
    assert not analyze(text).asks_discount
