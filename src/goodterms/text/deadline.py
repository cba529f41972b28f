"""Find deadline demands ("by tomorrow morning", "reedeks", "ภายในวันนี้") and resolve them to a datetime."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from goodterms.text.prefilter import NON_THAI_LETTER, THAI_CHAR, any_of, earliest

Urgency = Literal["low", "medium", "high"]

END_OF_DAY = time(17, 0)
MORNING = time(9, 0)
NOON = time(12, 0)
EVENING = time(18, 0)
NIGHT = time(21, 0)


@dataclass(frozen=True)
class Deadline:
    """A deadline the sender demands: when, how urgent, and the words that said so."""

    at: datetime
    urgency: Urgency
    phrase: str


Resolver = Callable[[datetime, re.Match[str]], datetime]


def _on(day: datetime, at: time, plus_days: int = 0) -> datetime:
    base = (day + timedelta(days=plus_days)).date()
    return datetime.combine(base, at, tzinfo=day.tzinfo)


def _now(now: datetime, _: re.Match[str]) -> datetime:
    return now


def _today(now: datetime, _: re.Match[str]) -> datetime:
    eod = _on(now, END_OF_DAY)
    return eod if now < eod else max(now, _on(now, time(23, 59)))


def _at_today(at: time) -> Resolver:
    return lambda now, _: max(now, _on(now, at))


def _days(days: int, at: time) -> Resolver:
    return lambda now, _: _on(now, at, days)


def _weekday(index: int) -> Resolver:
    def resolve(now: datetime, _: re.Match[str]) -> datetime:
        ahead = (index - now.weekday()) % 7
        if ahead == 0 and now >= _on(now, END_OF_DAY):
            ahead = 7
        return _on(now, END_OF_DAY, ahead)

    return resolve


def _weekday_from(names: dict[str, int]) -> Resolver:
    def resolve(now: datetime, match: re.Match[str]) -> datetime:
        word = match.group("day").lower()
        index = next(i for name, i in names.items() if word.startswith(name))
        return _weekday(index)(now, match)

    return resolve


def _end_of_week(now: datetime, match: re.Match[str]) -> datetime:
    return _weekday(4)(now, match)


def _next_week(now: datetime, _: re.Match[str]) -> datetime:
    return _on(now, END_OF_DAY, 7 - now.weekday())


def _end_of_month(now: datetime, _: re.Match[str]) -> datetime:
    first_next = (now.replace(day=28) + timedelta(days=4)).replace(day=1)
    return _on(first_next, END_OF_DAY, -1)


def _within(now: datetime, match: re.Match[str]) -> datetime:
    amount = int(match.group("n"))
    unit = match.group("unit").lower()
    hours = unit.startswith(("h", "t", "ช"))
    return now + (timedelta(hours=amount) if hours else timedelta(days=amount))


_EN_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_ET_DAYS = {"esmasp": 0, "teisip": 1, "kolmap": 2, "neljap": 3, "reede": 4, "laup": 5, "pühap": 6}
_TH_DAYS = {"จันทร์": 0, "อังคาร": 1, "พุธ": 2, "พฤหัส": 3, "ศุกร์": 4, "เสาร์": 5, "อาทิตย์": 6}

_IMMEDIATE = "immediate"
_B = r"(?<![\w])"
_E = r"(?![\w])"

# (pattern, resolver, immediate?) — more specific patterns first; overlapping later matches are dropped.
_RULES: list[tuple[re.Pattern[str], Resolver, bool]] = [
    (re.compile(p, re.IGNORECASE), r, imm)
    for p, r, imm in [
        # English
        (
            rf"{_B}(?:asap|a\.s\.a\.p|as soon as possible|immediately|right away|right now|urgent(?:ly)?){_E}",
            _now,
            True,
        ),
        (rf"{_B}(?:(?:by|before|until) )?(?:the )?day after tomorrow{_E}", _days(2, END_OF_DAY), False),
        (
            rf"{_B}(?:(?:by|before|until) )?tomorrow (?:morning|am){_E}|{_B}first thing tomorrow{_E}",
            _days(1, MORNING),
            False,
        ),
        (rf"{_B}(?:(?:by|before|until) )?tomorrow (?:noon|lunch(?:time)?){_E}", _days(1, NOON), False),
        (rf"{_B}(?:(?:by|before|until) )?tomorrow (?:evening|night){_E}", _days(1, EVENING), False),
        (rf"{_B}(?:(?:by|before|until) )?tomorrow{_E}", _days(1, END_OF_DAY), False),
        (rf"{_B}(?:(?:by|before|until) )?tonight{_E}", _at_today(NIGHT), False),
        (
            rf"{_B}(?:(?:by|before) )?(?:the )?end of (?:the )?(?:day|today){_E}|{_B}eod{_E}|{_B}(?:(?:by|before) )?today{_E}",
            _today,
            False,
        ),
        (
            rf"{_B}(?:(?:by|before|until) )?(?:the )?end of (?:the |this )?week{_E}|{_B}(?:by|before) (?:the )?weekend{_E}",
            _end_of_week,
            False,
        ),
        (rf"{_B}(?:(?:by|before|until) )?(?:the )?end of (?:the |this )?month{_E}", _end_of_month, False),
        (
            rf"{_B}(?:(?:by|before|until|on) )?(?:next )?(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday){_E}",
            _weekday_from(_EN_DAYS),
            False,
        ),
        (rf"{_B}(?:(?:by|before|until) )?next week{_E}", _next_week, False),
        (
            rf"{_B}(?:within|in) (?:the next )?(?P<n>\d{{1,3}}) ?(?P<unit>hours?|hrs?|h|days?){_E}",
            _within,
            False,
        ),
        # Estonian
        (
            rf"{_B}(?:kohe|koheselt|viivitamatult|niipea kui võimalik|esimesel võimalusel|kiiremas korras|kiiresti|kiirelt|kiireloomuline){_E}",
            _now,
            True,
        ),
        (rf"{_B}ülehomme(?:ks)?{_E}", _days(2, END_OF_DAY), False),
        (rf"{_B}(?:homme|homseks) hommiku(?:ks|l){_E}", _days(1, MORNING), False),
        (rf"{_B}(?:homme|homseks) (?:lõunaks|lõunal){_E}", _days(1, NOON), False),
        (rf"{_B}(?:homme|homseks) õhtu(?:ks|l){_E}", _days(1, EVENING), False),
        (rf"{_B}(?:homme|homseks|homsest){_E}", _days(1, END_OF_DAY), False),
        (rf"{_B}täna õhtu(?:ks|l){_E}", _at_today(NIGHT), False),
        (rf"{_B}(?:täna|tänaseks|tänase päeva lõpuks|päeva lõpuks){_E}", _today, False),
        (rf"{_B}(?:nädala lõpuks|nädalavahetuseks){_E}", _end_of_week, False),
        (rf"{_B}kuu lõpuks{_E}", _end_of_month, False),
        (rf"{_B}(?:järgmisel nädalal|järgmiseks nädalaks){_E}", _next_week, False),
        (
            rf"{_B}(?P<day>esmaspäev|teisipäev|kolmapäev|neljapäev|reede|laupäev|pühapäev)(?:aks|ks|al|l|a)?{_E}",
            _weekday_from(_ET_DAYS),
            False,
        ),
        (rf"{_B}(?P<n>\d{{1,3}}) ?(?P<unit>tunni|tundi|päeva)(?: jooksul| pärast|ga){_E}", _within, False),
        # Thai (no spaces between words, so no word boundaries)
        (r"ด่วนที่สุด|ด่วนมาก|ด่วน|ทันที|เดี๋ยวนี้|เร็วที่สุด|โดยเร็ว", _now, True),
        (r"(?:ภายใน)?มะรืน(?:นี้)?", _days(2, END_OF_DAY), False),
        (r"(?:ภายใน)?พรุ่งนี้\s*เช้า", _days(1, MORNING), False),
        (r"(?:ภายใน)?พรุ่งนี้\s*เที่ยง", _days(1, NOON), False),
        (r"(?:ภายใน)?พรุ่งนี้\s*(?:เย็น|ค่ำ)", _days(1, EVENING), False),
        (r"(?:ภายใน)?พรุ่งนี้", _days(1, END_OF_DAY), False),
        (r"(?:ภายใน)?(?:คืนนี้)", _at_today(NIGHT), False),
        (r"(?:ภายใน)?(?:เย็นนี้)", _at_today(EVENING), False),
        (r"(?:ภายใน)?วันนี้", _today, False),
        (r"(?:ภายใน)?(?:สิ้น|ปลาย)(?:สัปดาห์|อาทิตย์)(?:นี้)?", _end_of_week, False),
        (r"(?:ภายใน)?สิ้นเดือน(?:นี้)?", _end_of_month, False),
        (r"(?:ภายใน)?(?:สัปดาห์|อาทิตย์)หน้า", _next_week, False),
        (r"(?:ภายใน)?วัน(?P<day>จันทร์|อังคาร|พุธ|พฤหัส(?:บดี)?|ศุกร์|เสาร์|อาทิตย์)", _weekday_from(_TH_DAYS), False),
        (r"ภายใน\s*(?P<n>\d{1,3})\s*(?P<unit>ชั่วโมง|ชม\.?|วัน)", _within, False),
    ]
]

# Most messages demand no deadline, and running every rule over every message was a sixth of the analysis
# time. The rules are split by script (Thai rules need a Thai character to match, the others a letter of
# another script) and each group is first ruled in or out with one search (see ``prefilter``); only groups
# that can match run rule by rule, in the original order (which decides overlaps), from where the group's
# first match starts, so the result is the same.
_THAI_RULE = tuple(THAI_CHAR.search(p.pattern) is not None for p, _, _ in _RULES)
_ANY_THAI_RULE = any_of([p for (p, _, _), thai in zip(_RULES, _THAI_RULE, strict=True) if thai])
_ANY_OTHER_RULE = any_of([p for (p, _, _), thai in zip(_RULES, _THAI_RULE, strict=True) if not thai])


def urgency_for(now: datetime, due: datetime, immediate: bool) -> Urgency:
    """High when asked for at once or within a day, medium within three days, low beyond."""
    if immediate or due - now <= timedelta(hours=24):
        return "high"
    if due - now <= timedelta(hours=72):
        return "medium"
    return "low"


def find_deadline(text: str, at: datetime, tz: str = "UTC") -> Deadline | None:
    """Return the most pressing deadline demanded in *text*, relative to the message time *at*, or None.

    *at* must be timezone-aware; dates are resolved in the IANA zone *tz* and returned in that zone.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be a timezone-aware datetime")
    now = at.astimezone(ZoneInfo(tz))
    thai_from = earliest(_ANY_THAI_RULE, text, THAI_CHAR)
    other_from = earliest(_ANY_OTHER_RULE, text, NON_THAI_LETTER)
    taken: list[tuple[int, int]] = []
    found: list[Deadline] = []
    for (pattern, resolve, immediate), thai_rule in zip(_RULES, _THAI_RULE, strict=True):
        search_from = thai_from if thai_rule else other_from
        if search_from is None:
            continue
        for match in pattern.finditer(text, search_from):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            due = resolve(now, match)
            found.append(Deadline(due, urgency_for(now, due, immediate), match.group(0).strip()))
    if not found:
        return None
    return min(found, key=lambda d: d.at)
