"""Find deadline demands ("by tomorrow morning", "within 3 hours", "reedeks kella 12-ks", "ภายใน 2 ชม.") and
resolve them to a datetime in the client's time zone.

Conventions (docs/text-quality.md): a day without a time means 17:00 that day; morning 09:00, noon 12:00,
afternoon 15:00, evening 18:00, tonight 21:00; "end of the week" is Friday 17:00; "within N hours/days" counts
from the message's time; a clock time alone is today, or tomorrow once it has passed; an hour from 1 to 6 without
am/pm is in the afternoon (office hours). Words that only say "at once" (ASAP, urgent, kohe, ด่วน) give the
message's own time, but only when no more precise deadline is named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from goodterms.text.prefilter import NON_THAI_LETTER, THAI_CHAR, any_of, earliest

Urgency = Literal["low", "medium", "high"]

END_OF_DAY = time(17, 0)
MORNING = time(9, 0)
NOON = time(12, 0)
AFTERNOON = time(15, 0)
EVENING = time(18, 0)
NIGHT = time(21, 0)


@dataclass(frozen=True)
class Deadline:
    """A deadline the sender demands: when, how urgent, and the words that said so."""

    at: datetime
    urgency: Urgency
    phrase: str


Resolver = Callable[[datetime, re.Match[str]], datetime]

# --- times of day -------------------------------------------------------------------------------------------

_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty-four": 24, "forty-eight": 48, "half": 0.5,
    "a couple of": 2, "couple of": 2, "few": 3, "a few": 3,
}  # fmt: skip
_ET_NUMBERS = {
    "ühe": 1, "üks": 1, "kahe": 2, "kaks": 2, "kolme": 3, "kolm": 3, "nelja": 4, "neli": 4, "viie": 5,
    "viis": 5, "kuue": 6, "kuus": 6, "seitsme": 7, "seitse": 7, "kaheksa": 8, "üheksa": 9, "kümne": 10,
    "kümme": 10, "üheteistkümne": 11, "üksteist": 11, "kaheteistkümne": 12, "kaksteist": 12, "poole": 0.5,
    "paari": 2,
}  # fmt: skip
_TH_NUMBERS = {
    "หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9, "สิบ": 10,
    "สิบเอ็ด": 11, "สิบสอง": 12, "ครึ่ง": 0.5, "ยี่สิบสี่": 24, "สี่สิบแปด": 48,
}  # fmt: skip
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _alternation(words: dict[str, float]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_EN_CLOCK = (
    r"\d{1,2}(?:[:.]\d{2})? ?(?:a\.?m\.?|p\.?m\.?)(?![\w])|\d{1,2}:\d{2}(?![\w])|noon|midday|midnight"
    r"|lunch(?:time)?|morning|afternoon|evening|night|eod|cob|close of business"
)
_ET_HOUR_WORDS = _alternation({k: v for k, v in _ET_NUMBERS.items() if v >= 1 and v <= 12})
_ET_CLOCK = (
    rf"kella? ?\d{{1,2}}(?:[:.]\d{{2}})?(?:-?ks|-?ni|-?st)?(?![\w])|kella? (?:{_ET_HOUR_WORDS})(?:ks|ni)?(?![\w])"
    r"|hommiku(?:ks|l)|pärastlõuna(?:ks|l)|lõuna(?:ks|l)|õhtu(?:ks|l)|keskpäeva(?:ks)?|tööpäeva lõpuks"
)
# A time of day that by itself says "by then" (terminative -ks / "until" -ni), for a deadline without a day.
_ET_BY_CLOCK = (
    rf"kella ?\d{{1,2}}(?:[:.]\d{{2}})?-?(?:ks|ni)|kella (?:{_ET_HOUR_WORDS})(?:ks|ni)"
    r"|hommikuks|pärastlõunaks|lõunaks|õhtuks|keskpäevaks"
)
_TH_HOUR_WORDS = _alternation({k: v for k, v in _TH_NUMBERS.items() if v >= 1 and v <= 12})
_TH_CLOCK = (
    rf"\d{{1,2}}[.:]\d{{2}}\s*(?:น\.)?|\d{{1,2}}\s*น\.|บ่าย\s*(?:\d{{1,2}}|{_TH_HOUR_WORDS})?\s*โมง(?:เย็น)?"
    rf"|(?:\d{{1,2}}|{_TH_HOUR_WORDS})\s*โมง(?:เช้า|เย็น|ตรง)?|เที่ยงคืน|เที่ยง(?:วัน|ตรง)?|ตอนเช้า|เช้า|ตอนเย็น|เย็น|ค่ำ"
)
_CLOCK_WORDS = {
    "noon": NOON, "midday": NOON, "lunch": NOON, "lunchtime": NOON, "midnight": time(23, 59),
    "morning": MORNING, "afternoon": AFTERNOON, "evening": EVENING, "night": NIGHT, "eod": END_OF_DAY,
    "cob": END_OF_DAY, "close of business": END_OF_DAY,
    "hommikuks": MORNING, "hommikul": MORNING, "lõunaks": NOON, "lõunal": NOON, "keskpäeva": NOON,
    "keskpäevaks": NOON, "pärastlõunaks": AFTERNOON, "pärastlõunal": AFTERNOON, "õhtuks": EVENING,
    "õhtul": EVENING, "tööpäeva lõpuks": END_OF_DAY,
    "เที่ยง": NOON, "เที่ยงวัน": NOON, "เที่ยงตรง": NOON, "เที่ยงคืน": time(23, 59), "เช้า": MORNING,
    "ตอนเช้า": MORNING, "เย็น": EVENING, "ตอนเย็น": EVENING, "ค่ำ": NIGHT,
}  # fmt: skip
_DIGITS = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?")


def _hour_word(text: str) -> int | None:
    for table in (_ET_NUMBERS, _TH_NUMBERS):
        for word, value in sorted(table.items(), key=lambda kv: -len(kv[0])):
            if word in text and value >= 1:
                return int(value)
    return None


def parse_clock(text: str) -> time | None:
    """Read a time of day in English, Estonian or Thai ("3pm", "15:00", "kella kolmeks", "บ่ายสามโมง")."""
    low = " ".join(text.lower().translate(_THAI_DIGITS).split())
    if low in _CLOCK_WORDS:
        return _CLOCK_WORDS[low]
    digits = _DIGITS.search(low)
    hour = int(digits.group(1)) if digits else _hour_word(low)
    if hour is None:
        return NOON if "เที่ยง" in low else None
    minute = int(digits.group(2)) if digits and digits.group(2) else 0
    if "บ่าย" in low or "เย็น" in low or re.search(r"p\.?m", low):
        hour = hour + 12 if hour < 12 else hour
    elif re.search(r"a\.?m", low) or "เช้า" in low:
        hour = 0 if hour == 12 else hour
    elif 1 <= hour <= 6:
        hour += 12  # "by 5", "kella kolmeks", "ห้าโมง": office hours, so the afternoon
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


# --- resolvers ----------------------------------------------------------------------------------------------


def _on(day: datetime, at: time, plus_days: int = 0) -> datetime:
    base = (day + timedelta(days=plus_days)).date()
    return datetime.combine(base, at, tzinfo=day.tzinfo)


def _clock(match: re.Match[str]) -> time | None:
    """The time of day named next to a day ("Friday at noon", "10am tomorrow"), if any."""
    groups = match.groupdict()
    for name in ("clock", "clock0"):
        if groups.get(name):
            return parse_clock(groups[name])
    return None


def _now(now: datetime, _: re.Match[str]) -> datetime:
    return now


def _today(now: datetime, match: re.Match[str]) -> datetime:
    at = _clock(match)
    if at is not None:
        return max(now, _on(now, at))
    eod = _on(now, END_OF_DAY)
    return eod if now < eod else max(now, _on(now, time(23, 59)))


def _at_today(at: time) -> Resolver:
    return lambda now, match: max(now, _on(now, _clock(match) or at))


def _clock_alone(now: datetime, match: re.Match[str]) -> datetime:
    at = _clock(match) or END_OF_DAY
    due = _on(now, at)
    return due if due >= now else _on(now, at, 1)


def _days(days: int, at: time) -> Resolver:
    return lambda now, match: _on(now, _clock(match) or at, days)


def _weekday(index: int, now: datetime, at: time = END_OF_DAY) -> datetime:
    ahead = (index - now.weekday()) % 7
    if ahead == 0 and now >= _on(now, at):
        ahead = 7
    return _on(now, at, ahead)


def _weekday_from(names: dict[str, int]) -> Resolver:
    def resolve(now: datetime, match: re.Match[str]) -> datetime:
        word = match.group("day").lower()
        index = next(i for name, i in names.items() if word.startswith(name))
        return _weekday(index, now, _clock(match) or END_OF_DAY)

    return resolve


def _end_of_week(now: datetime, match: re.Match[str]) -> datetime:
    return _weekday(4, now, _clock(match) or END_OF_DAY)


def _next_week(now: datetime, _: re.Match[str]) -> datetime:
    return _on(now, END_OF_DAY, 7 - now.weekday())


def _end_of_month(now: datetime, _: re.Match[str]) -> datetime:
    first_next = (now.replace(day=28) + timedelta(days=4)).replace(day=1)
    return _on(first_next, END_OF_DAY, -1)


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
    "jaan": 1, "veebr": 2, "märts": 3, "aprill": 4, "mai": 5, "juuni": 6, "juuli": 7, "august": 8,
    "septemb": 9, "oktoob": 10, "novemb": 11, "detsemb": 12,
    "มกรา": 1, "กุมภา": 2, "มีนา": 3, "เมษา": 4, "พฤษภา": 5, "มิถุนา": 6, "กรกฎา": 7, "สิงหา": 8,
    "กันยา": 9, "ตุลา": 10, "พฤศจิกา": 11, "ธันวา": 12,
    "ม.ค": 1, "ก.พ": 2, "มี.ค": 3, "เม.ย": 4, "พ.ค": 5, "มิ.ย": 6, "ก.ค": 7, "ส.ค": 8, "ก.ย": 9, "ต.ค": 10,
    "พ.ย": 11, "ธ.ค": 12,
}  # fmt: skip


def _date(now: datetime, match: re.Match[str]) -> datetime:
    """A day of the month ("20 March", "20. märtsiks", "วันที่ 20"): this year's, or the next one once past."""
    groups = match.groupdict()
    day = int((groups.get("d") or groups.get("d2") or "1").translate(_THAI_DIGITS))
    word = (groups.get("mon") or groups.get("monab") or "").lower()
    month = next((m for name, m in _MONTHS.items() if word.startswith(name)), None)
    at = _clock(match) or END_OF_DAY
    candidates = []
    for offset in range(0, 13):
        year, mon = divmod(now.month - 1 + offset, 12)
        if month is not None and mon + 1 != month:
            continue
        try:
            candidates.append(
                datetime.combine(datetime(now.year + year, mon + 1, day).date(), at, now.tzinfo)
            )
        except ValueError:
            continue  # 31 June and the like
    future = [c for c in candidates if c >= now]
    return future[0] if future else now


def _amount(text: str) -> float | None:
    low = " ".join(text.lower().translate(_THAI_DIGITS).split())
    if not low:
        return 1.0  # "within the hour", "tunni jooksul", "ภายในชั่วโมงนี้"
    if low.isdecimal():
        return float(low)
    for table in (_EN_NUMBERS, _ET_NUMBERS, _TH_NUMBERS):
        if low in table:
            return float(table[low])
    if low in ("half an", "half a", "a half"):
        return 0.5
    return None


def _within(now: datetime, match: re.Match[str]) -> datetime:
    amount = _amount(match.groupdict().get("n") or "")
    unit = match.group("unit").lower()
    if amount is None:
        return now
    if unit.startswith(("min", "นาที")):
        return now + timedelta(minutes=amount)
    if unit.startswith(("h", "t", "ช")):
        return now + timedelta(hours=amount)
    if unit.startswith(("week", "näd", "สัปดาห์")):
        return now + timedelta(days=7 * amount)
    return now + timedelta(days=amount)


# --- rules --------------------------------------------------------------------------------------------------

_EN_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_ET_DAYS = {"esmasp": 0, "teisip": 1, "kolmap": 2, "neljap": 3, "reede": 4, "laup": 5, "pühap": 6}
_TH_DAYS = {"จันทร์": 0, "อังคาร": 1, "พุธ": 2, "พฤหัส": 3, "ศุกร์": 4, "เสาร์": 5, "อาทิตย์": 6}

_B = r"(?<![\w])"
_E = r"(?![\w])"
_BY = r"(?:(?:by|before|until|till|no later than|latest by|at the latest by) )?"
# A time of day before ("10am tomorrow") or after ("tomorrow at 10am", "Friday noon") a day.
_EN_PRE = rf"(?:(?P<clock0>{_EN_CLOCK}) )?"
_EN_POST = rf"(?:,? (?:at |by |before |around |@ ?)?(?P<clock>{_EN_CLOCK}))?"
_ET_POST = rf"(?:,? (?:hiljemalt |enne )?(?P<clock>{_ET_CLOCK}))?"
_TH_PRE = rf"(?:(?:ตอน|ก่อน)?(?P<clock0>{_TH_CLOCK})\s*)?"
_TH_POST = rf"(?:\s*(?:ตอน|ก่อน|เวลา)?\s*(?P<clock>{_TH_CLOCK}))?"
_EN_DAY = (
    r"(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri)"
)
_ET_DAY = r"(?P<day>esmaspäev|teisipäev|kolmapäev|neljapäev|reede|laupäev|pühapäev)"
_TH_DAY = r"วัน(?P<day>จันทร์|อังคาร|พุธ|พฤหัส(?:บดี)?|ศุกร์|เสาร์|อาทิตย์)"
_EN_N = _alternation({k: v for k, v in _EN_NUMBERS.items() if k != "half"}) + r"|\d{1,3}|half an?|a half"
_ET_N = _alternation(_ET_NUMBERS) + r"|\d{1,3}"
_TH_N = _alternation(_TH_NUMBERS) + r"|\d{1,3}|[๐-๙]{1,3}"
_EN_MONTH = (
    r"(?P<mon>january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
_ET_MONTH = (
    r"(?P<mon>jaanuar|veebruar|märts|aprill|mai|juuni|juuli|august|september|oktoober|november|detsember)\w*"
)
_TH_MONTH = (
    r"(?P<mon>มกรา|กุมภา|มีนา|เมษา|พฤษภา|มิถุนา|กรกฎา|สิงหา|กันยา|ตุลา|พฤศจิกา|ธันวา)(?:คม|ยน|พันธ์)?"
    r"|(?P<monab>ม\.ค|ก\.พ|มี\.ค|เม\.ย|พ\.ค|มิ\.ย|ก\.ค|ส\.ค|ก\.ย|ต\.ค|พ\.ย|ธ\.ค)\.?"
)

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
        (
            rf"{_B}(?:within|in|during) (?:the )?(?:next )?(?P<n>{_EN_N})[ -]?"
            rf"(?P<unit>minutes?|mins?|hours?|hrs?|h|days?|business days?|working days?|weeks?){_E}",
            _within,
            False,
        ),
        (rf"{_B}(?:within|in) the (?:next )?(?P<unit>hour|day|week){_E}", _within, False),
        (rf"{_B}{_BY}(?:the )?day after tomorrow{_E}{_EN_POST}", _days(2, END_OF_DAY), False),
        (rf"{_B}first thing tomorrow{_E}|{_B}tomorrow first thing{_E}", _days(1, MORNING), False),
        (rf"{_B}{_BY}{_EN_PRE}tomorrow(?: am{_E})?{_EN_POST}", _days(1, END_OF_DAY), False),
        (rf"{_B}{_BY}tonight{_E}{_EN_POST}", _at_today(NIGHT), False),
        (rf"{_B}{_BY}this (?P<clock>afternoon|evening){_E}", _at_today(EVENING), False),
        (
            rf"{_B}{_BY}(?:the )?end of (?:the |this )?(?:day|today){_E}|{_B}eod{_E}"
            rf"|{_B}{_BY}{_EN_PRE}today{_E}{_EN_POST}|{_B}(?:by )?close of business{_E}",
            _today,
            False,
        ),
        (
            rf"{_B}{_BY}(?:the )?end of (?:the |this )?week{_E}|{_B}(?:by|before) (?:the )?weekend{_E}",
            _end_of_week,
            False,
        ),
        (rf"{_B}{_BY}(?:the )?end of (?:the |this )?month{_E}", _end_of_month, False),
        (
            rf"{_B}(?:(?:by|before|until|till|on|for|no later than|latest|next|this) )+{_EN_DAY}{_E}(?!['’]s){_EN_POST}",
            _weekday_from(_EN_DAYS),
            False,
        ),
        (
            rf"{_B}{_EN_DAY}{_E},? (?:at |by |before )?(?P<clock>{_EN_CLOCK})",
            _weekday_from(_EN_DAYS),
            False,
        ),
        (rf"{_B}{_BY}next week{_E}", _next_week, False),
        (
            rf"{_B}(?:(?:by|before|until|on|no later than) )(?:the )?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?: of)? "
            rf"{_EN_MONTH}{_E}",
            _date,
            False,
        ),
        (
            rf"{_B}(?:(?:by|before|until|on|no later than) ){_EN_MONTH} (?P<d>\d{{1,2}})(?:st|nd|rd|th)?{_E}",
            _date,
            False,
        ),
        (rf"{_B}(?:by|before|until|no later than) the (?P<d>\d{{1,2}})(?:st|nd|rd|th){_E}", _date, False),
        (
            rf"{_B}(?:by|before|until|till|no later than|at the latest by) (?P<clock>{_EN_CLOCK})",
            _clock_alone,
            False,
        ),
        (rf"{_B}(?:deadline is|due) (?:at )?(?P<clock>{_EN_CLOCK})", _clock_alone, False),
        # Estonian
        (
            rf"{_B}(?:kohe|koheselt|viivitamatult|niipea kui võimalik|esimesel võimalusel|kiiremas korras|kiiresti|kiirelt|kiireloomuline){_E}",
            _now,
            True,
        ),
        (
            rf"{_B}(?:(?P<n>{_ET_N}) )?(?P<unit>minuti|tunni|päeva|tööpäeva|nädala)(?: aja)?"
            rf"(?: jooksul| pärast|ga){_E}",
            _within,
            False,
        ),
        (rf"{_B}ülehomme(?:ks)?{_E}{_ET_POST}", _days(2, END_OF_DAY), False),
        (rf"{_B}(?:homme|homseks) esimese asjana{_E}", _days(1, MORNING), False),
        (rf"{_B}(?:homme|homseks|homsest){_E}{_ET_POST}", _days(1, END_OF_DAY), False),
        (rf"{_B}(?:täna|tänaseks) õhtuks{_E}", _at_today(NIGHT), False),
        (rf"{_B}(?:täna|tänaseks){_E}{_ET_POST}|{_B}(?:tänase )?päeva lõpuks{_E}", _today, False),
        (rf"{_B}(?:nädala lõpuks|nädalavahetuseks){_E}{_ET_POST}", _end_of_week, False),
        (rf"{_B}kuu lõpuks{_E}", _end_of_month, False),
        (rf"{_B}(?:järgmisel nädalal|järgmiseks nädalaks){_E}", _next_week, False),
        (rf"{_B}(?:hiljemalt |enne )?{_ET_DAY}(?:aks|ks){_E}{_ET_POST}", _weekday_from(_ET_DAYS), False),
        (
            rf"{_B}(?:hiljemalt |enne )?{_ET_DAY}(?:a|al|l)?,? (?:hiljemalt )?(?P<clock0>{_ET_CLOCK})",
            _weekday_from(_ET_DAYS),
            False,
        ),
        (rf"{_B}hiljemalt {_ET_DAY}(?:al|l|a)?{_E}", _weekday_from(_ET_DAYS), False),
        (rf"{_B}(?P<d>\d{{1,2}})\. ?{_ET_MONTH}", _date, False),
        (rf"{_B}(?:tänase )?tööpäeva lõpuks{_E}", _today, False),
        (rf"{_B}(?:hiljemalt |enne )?(?P<clock>{_ET_BY_CLOCK}){_E}", _clock_alone, False),
        # Thai (no spaces between words, so no word boundaries)
        (r"(?<!ค่า)(?<!ค่างาน)(?:ด่วนที่สุด|ด่วนมาก|ด่วน)|ทันที|เดี๋ยวนี้|เร็วที่สุด|โดยเร็ว", _now, True),
        (
            rf"(?:ภายใน|อีก)\s*(?P<n>{_TH_N})?\s*(?P<unit>ชั่วโมง|ชม\.?|นาที|สัปดาห์|วัน)(?!ที่|นี้|จันทร์|อังคาร|พุธ|พฤหัส|ศุกร์|เสาร์|อาทิตย์)",
            _within,
            False,
        ),
        (r"(?:ภายใน)?มะรืน(?:นี้)?", _days(2, END_OF_DAY), False),
        (rf"(?:ภายใน)?{_TH_PRE}พรุ่งนี้(?:นี้)?{_TH_POST}", _days(1, END_OF_DAY), False),
        (r"(?:ภายใน)?(?:คืนนี้)", _at_today(NIGHT), False),
        (r"(?:ภายใน)?(?:เย็นนี้)", _at_today(EVENING), False),
        (rf"(?:ภายใน)?{_TH_PRE}วันนี้{_TH_POST}", _today, False),
        (r"(?:ภายใน)?(?:สิ้น|ปลาย)(?:สัปดาห์|อาทิตย์)(?:นี้)?", _end_of_week, False),
        (r"(?:ภายใน)?สิ้นเดือน(?:นี้)?", _end_of_month, False),
        (r"(?:ภายใน)?(?:สัปดาห์|อาทิตย์)หน้า", _next_week, False),
        (
            rf"(?:ภายใน|ก่อน|อย่างช้า(?:สุด)?|ไม่เกิน|ถึง)\s*(?:ขอ)?(?:ภายใน)?\s*{_TH_DAY}(?:นี้|หน้า)?{_TH_POST}",
            _weekday_from(_TH_DAYS),
            False,
        ),
        (rf"(?P<clock0>{_TH_CLOCK})\s*{_TH_DAY}", _weekday_from(_TH_DAYS), False),
        (rf"วันที่\s*(?P<d>\d{{1,2}}|[๐-๙]{{1,2}})\s*(?:{_TH_MONTH})?", _date, False),
        (rf"(?:ภายใน|ก่อน|ไม่เกิน)\s*(?P<clock>{_TH_CLOCK})", _clock_alone, False),
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


def most_pressing(now: datetime, found: list[tuple[datetime, bool, str]]) -> Deadline | None:
    """The deadline a message demands, from every ``(due, immediate, phrase)`` found in it, or None.

    A named deadline ("within 4 hours", "by Friday") wins over words that only say "at once" ("urgent", "ด่วน"),
    which then only make it urgent; among named ones the earliest wins.
    """
    if not found:
        return None
    immediate = any(imm for _, imm, _ in found)
    named = [f for f in found if not f[1]]
    due, _, phrase = min(named or found, key=lambda f: f[0])
    return Deadline(due, urgency_for(now, due, immediate), phrase)


def find_deadline(text: str, at: datetime, tz: str | tzinfo = "UTC") -> Deadline | None:
    """Return the most pressing deadline demanded in *text*, relative to the message time *at*, or None.

    *at* must be timezone-aware; dates are resolved in *tz* (an IANA zone name, or a tzinfo such as the
    sender's own UTC offset) and returned in that zone.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be a timezone-aware datetime")
    now = at.astimezone(ZoneInfo(tz) if isinstance(tz, str) else tz)
    thai_from = earliest(_ANY_THAI_RULE, text, THAI_CHAR)
    other_from = earliest(_ANY_OTHER_RULE, text, NON_THAI_LETTER)
    taken: list[tuple[int, int]] = []
    found: list[tuple[datetime, bool, str]] = []
    for (pattern, resolve, immediate), thai_rule in zip(_RULES, _THAI_RULE, strict=True):
        search_from = thai_from if thai_rule else other_from
        if search_from is None:
            continue
        for match in pattern.finditer(text, search_from):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append((resolve(now, match), immediate, match.group(0).strip()))
    return most_pressing(now, found)
