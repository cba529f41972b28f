from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from goodterms.text import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Palun saatke arve", "et"),
        ("Kas arve on juba makstud?", "et"),
        ("Tänan, sain kätte", "et"),
        ("Please send the invoice", "en"),
        ("Is the invoice paid yet?", "en"),
        ("Thanks, got it", "en"),
        ("ส่งงานให้หน่อยครับ", "th"),
        ("ok ขอบคุณค่ะ", "th"),
        ("Привет, как дела у вас?", "other"),
        ("Bitte schicken Sie mir die Rechnung morgen früh", "other"),
    ],
)
def test_short_messages_get_the_right_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_held_out_tatoeba_short_sentences_are_mostly_right(data_dir: Path) -> None:
    def sample(name: str) -> list[str]:
        lines = (data_dir / "language" / name).read_text(encoding="utf-8").splitlines()
        return [s for s in lines if 10 <= len(s) <= 30 and zlib.crc32(s.encode()) % 5 == 0]

    cases = [(s, "et") for s in sample("tatoeba.est-eng.est")] + [
        (s, "en") for s in sample("tatoeba.est-eng.eng")
    ]
    cases += [(s, "th") for s in sample("tatoeba.tha-eng.tha")]
    right = sum(detect_language(s) == lang for s, lang in cases)
    assert len(cases) > 200
    assert right / len(cases) >= 0.97
