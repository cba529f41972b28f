"""The labelled business-message set (tests/data/business_messages.jsonl) as a regression test.

The goals of docs/text-quality.md, checked on every row (dev and test); scripts/eval_text.py reports the test
split alone.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from pathlib import Path

import pytest

from goodterms.text.quality import Row, read_rows, score_by_language

SET = Path(__file__).resolve().parents[1] / "data" / "business_messages.jsonl"


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return read_rows(SET)


def test_the_set_has_150_messages_per_language_in_every_kind(rows: list[Row]) -> None:
    per_lang = Counter(r.lang for r in rows)
    assert set(per_lang) == {"th", "et", "en"}
    assert min(per_lang.values()) >= 150
    kinds = Counter((r.lang, r.tone) for r in rows)
    for lang in per_lang:
        for tone in ("polite", "neutral", "frustrated", "hostile", "threat"):
            assert kinds[lang, tone] >= 15, (lang, tone)
        assert sum(r.discount for r in rows if r.lang == lang) >= 15
        assert sum(r.deadline is not None for r in rows if r.lang == lang) >= 30


def test_the_split_is_the_documented_one(rows: list[Row]) -> None:
    """Test rows are those whose text's CRC-32 is 0 or 1 modulo 5, fixed before any tuning."""
    for row in rows:
        expected = "test" if zlib.crc32(row.text.encode("utf-8")) % 5 < 2 else "dev"
        assert row.split == expected, row.id
    assert len({r.id for r in rows}) == len(rows)


@pytest.mark.parametrize("lang", ["th", "et", "en"])
def test_business_goals_hold(rows: list[Row], lang: str) -> None:
    scores = score_by_language([r for r in rows if r.lang == lang])[lang]
    assert scores.hostile_f1 >= 0.92
    assert scores.threat_recall >= 0.9
    assert scores.frustrated_hostile * 50 <= scores.frustrated
    assert scores.deadline_accuracy >= 0.9
    assert scores.discount_f1 >= 0.85


def test_a_malformed_row_is_named_by_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "set.jsonl"
    good = json.loads(SET.read_text(encoding="utf-8").splitlines()[0])
    bad.write_text(json.dumps(good) + "\n" + json.dumps({**good, "at": "yesterday"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"set\.jsonl:2: not a business-message row"):
        read_rows(bad)
