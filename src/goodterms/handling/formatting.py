"""Dates, money and hours for a reader in Thai, Estonian or English (Babel; Buddhist era in Thai)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_currency, format_decimal

LANGUAGES = ("th", "et", "en")
LOCALES = {"th": "th_TH", "et": "et_EE", "en": "en_GB"}
#: Thai readers count years in the Buddhist era (Gregorian + 543); Babel's th_TH gives Gregorian.
BUDDHIST_ERA_OFFSET = 543
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def language_of(code: str | None) -> str:
    """Return th, et or en for a language code (anything else gets English)."""
    code = (code or "en").lower()[:2]
    return code if code in LANGUAGES else "en"


def format_day(day: date, *, lang: str) -> str:
    """Format a calendar day in the reader's language (Thai with the Buddhist-era year)."""
    lang = language_of(lang)
    if isinstance(day, datetime):
        day = day.date()
    if lang == "th":
        return f"{format_date(day, 'd MMMM', locale=LOCALES['th'])} {day.year + BUDDHIST_ERA_OFFSET}"
    if lang == "et":
        return format_date(day, "d. MMMM y", locale=LOCALES["et"])
    return format_date(day, "d MMMM y", locale=LOCALES["en"])


def format_short_day(day: date, *, lang: str) -> str:
    """Format a day compactly for tables (Thai year in the Buddhist era)."""
    lang = language_of(lang)
    if lang == "th":
        return f"{day.day:02d}/{day.month:02d}/{day.year + BUDDHIST_ERA_OFFSET}"
    if lang == "et":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return day.isoformat()


def format_clock(moment: datetime, *, lang: str) -> str:
    """Format a time of day (24-hour clock) in the reader's locale."""
    return format_time(moment, "HH:mm", locale=LOCALES[language_of(lang)])


def format_money(amount: Decimal, currency: str, *, lang: str) -> str:
    """Format money with its currency in the reader's locale."""
    return format_currency(amount, currency, locale=LOCALES[language_of(lang)])


def format_number(value: Decimal | float | int, *, lang: str) -> str:
    """Format a number in the reader's locale."""
    return format_decimal(value, locale=LOCALES[language_of(lang)])


def hours_lines(hours: dict[str, list[tuple[str, str]]], *, lang: str) -> list[str]:
    """Return one line per open weekday, e.g. 'Monday: 09:00–17:00', in the reader's language."""
    names = get_day_names("wide", locale=LOCALES[language_of(lang)])
    lines = []
    for index, key in enumerate(WEEKDAYS):
        spans = hours.get(key) or []
        if spans:
            text = ", ".join(f"{start}–{end}" for start, end in spans)
            lines.append(f"{names[index]}: {text}")
    return lines
