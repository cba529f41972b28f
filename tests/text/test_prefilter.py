"""The regex prefilters only skip work: deadlines and discount asks must come out as without them."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from goodterms.text import deadline, discount
from goodterms.text.prefilter import any_of, branches, starts_at_word


def test_branches_split_only_at_top_level() -> None:
    assert branches(r"a|(b|c)|[|(]x|\|y|[]|]z|[^]|]w") == ["a", "(b|c)", "[|(]x", r"\|y", "[]|]z", "[^]|]w"]
    assert branches("abc") == ["abc"]


def test_any_of_matches_exactly_when_one_pattern_does() -> None:
    patterns = [re.compile(r"(?<![\w])(?P<n>\d+) days?", re.I), re.compile(r"(?<![\w])asap(?![\w])", re.I)]
    combined = any_of(patterns)
    assert combined is not None and combined.pattern.startswith(r"(?<![\w])")
    for text in ("in 3 days", "ASAP please", "asapx", "x3 days", "nothing", "3days"):
        assert (combined.search(text) is not None) == any(p.search(text) for p in patterns), text
    assert any_of([]) is None


def test_latin_rules_start_at_a_word_so_their_prefilter_is_anchored() -> None:
    assert all(
        starts_at_word(p)
        for (p, _, _), thai in zip(deadline._RULES, deadline._THAI_RULE, strict=True)
        if not thai
    )
    assert all(
        starts_at_word(p) for p, thai in zip(discount._PATTERNS, discount._THAI, strict=True) if not thai
    )


def _all_rules_deadline(text: str, at: datetime, tz: str) -> deadline.Deadline | None:
    now = at.astimezone(ZoneInfo(tz))
    taken: list[tuple[int, int]] = []
    found = []
    for pattern, resolve, immediate in deadline._RULES:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append((resolve(now, match), immediate, match.group(0).strip()))
    return deadline.most_pressing(now, found)


def _all_patterns_discount(text: str) -> str | None:
    best: re.Match[str] | None = None
    for pattern in discount._PATTERNS:
        match = pattern.search(text)
        if match and (best is None or match.start() < best.start()):
            best = match
    return best.group(0).strip() if best else None


PHRASES = [
    "by tomorrow morning", "ASAP", "a.s.a.p", "reedeks", "homme hommikuks", "ภายในวันนี้", "พรุ่งนี้เช้า",
    "by Friday", "within 3 days", "ภายใน 2 ชั่วโมง", "end of month", "kohe", "täna õhtuks", "วันศุกร์",
    "\u212aohe", "2 tunni jooksul", "asapx", "_today", "discount", "10% off", "for free", "\u212aheaper",
    "allahindlust", "tasuta", "ส่วนลด", "ฟรี", "ลดราคา", "on the house", "Please send the file", "ขอบคุณครับ",
    "Aitäh, sain kätte", "no worries", "12345", "!!", "",
    "within 3 hours", "kahe tunni jooksul", "ภายใน 2 ชม.", "by 3pm", "kella 15-ks", "ก่อนบ่ายสามโมง",
    "tomorrow at 10am", "reedeks kella 12-ks", "เช้าวันจันทร์", "by 20 March", "20. märtsiks", "วันที่ 20",
    "within the hour", "ค่างานด่วน", "hulgisoodustust", "200 แทน 300", "for 200 instead of 300",
]  # fmt: skip


def test_prefiltered_search_finds_what_every_rule_finds() -> None:
    rng = random.Random(11)
    at = datetime(2025, 3, 12, 8, 15, tzinfo=UTC)
    for _ in range(3000):
        text = rng.choice([" ", "", ", "]).join(rng.sample(PHRASES, rng.randrange(1, 4)))
        assert deadline.find_deadline(text, at, "Asia/Bangkok") == _all_rules_deadline(
            text, at, "Asia/Bangkok"
        ), text
        assert discount.find_discount(text) == _all_patterns_discount(text), text


def _must_contain(items: Any, wanted: Callable[[str], bool]) -> bool:
    """Whether every match of the parsed (sub)pattern *items* contains a character that *wanted* accepts."""
    from re import _constants as c  # type: ignore[attr-defined]

    for op, arg in items:
        if op is c.LITERAL and wanted(chr(arg)):
            return True
        if op is c.SUBPATTERN and _must_contain(arg[-1], wanted):
            return True
        if op is c.BRANCH and all(_must_contain(b, wanted) for b in arg[1]):
            return True
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1 and _must_contain(arg[2], wanted):
            return True
    return False


def test_script_gates_hold_for_every_rule() -> None:
    """Thai rules are skipped for text without Thai letters, the others for text without other letters."""
    from re import _parser  # type: ignore[attr-defined]

    def thai(ch: str) -> bool:
        return "\u0e00" <= ch <= "\u0e7f"

    def other_letter(ch: str) -> bool:
        return ch.isalpha() and not thai(ch)

    rules = [(p, th) for (p, _, _), th in zip(deadline._RULES, deadline._THAI_RULE, strict=True)]
    rules += list(zip(discount._PATTERNS, discount._THAI, strict=True))
    assert sum(th for _, th in rules) == 16
    for pattern, is_thai in rules:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        assert _must_contain(parsed, thai if is_thai else other_letter), pattern.pattern
    # The check itself: optional parts and alternatives without the script do not count.
    assert not _must_contain(_parser.parse("(?:ภายใน)?tomorrow"), thai)
    assert not _must_contain(_parser.parse("ฟรี|free"), thai)
    assert _must_contain(_parser.parse("(?:ภายใน)?พรุ่งนี้"), thai)
