from __future__ import annotations

from goodterms.text import stems, tokenize


def test_thai_is_split_into_words_by_newmm() -> None:
    words = tokenize("ช่วยส่งงานภายในวันนี้ได้ไหมครับ", "th")
    assert words
    assert "ส่ง" in words
    assert "".join(words) == "ช่วยส่งงานภายในวันนี้ได้ไหมครับ"


def test_estonian_words_are_stemmed_with_snowball() -> None:
    assert stems("arved arvetega", "et")[0] == stems("arve", "et")[0][: len(stems("arved", "et")[0])]
    assert stems("hommikuks", "et") == ["hommiku"]


def test_english_words_are_stemmed_and_keep_unicode() -> None:
    assert stems("Invoices waiting", "en") == ["invoic", "wait"]
    assert tokenize("naïve café", "en") == ["naïve", "café"]
