"""Dates, money and promise labels in the reader's locale (Babel), for templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_time_format
from babel.numbers import format_currency, format_decimal

from goodterms.web.i18n import BABEL_LOCALES


@lru_cache(maxsize=4096)
def _medium_date(day: date, locale: str, buddhist_era: bool) -> str:
    """Format a day in the locale's medium style (a page of a timeline repeats the same days)."""
    text = format_date(day, format="medium", locale=locale)
    return text.replace(str(day.year), str(day.year + 543)) if buddhist_era else text


@lru_cache(maxsize=16)
def _babel(locale: str) -> Locale:
    """Return Babel's locale object, parsed once (Babel parses a locale name on every call)."""
    return Locale.parse(locale)


@lru_cache(maxsize=16)
def _short_time_pattern(locale: str) -> str:
    return str(get_time_format("short", locale=locale).pattern)


@dataclass(frozen=True)
class Formatter:
    """Format values for one interface language and one business timezone."""

    lang: str
    tz: str = "UTC"
    buddhist_era: bool = False

    @property
    def locale(self) -> str:
        return BABEL_LOCALES.get(self.lang, "en_GB")

    def local(self, moment: datetime) -> datetime:
        """Return the moment in the business's timezone."""
        return moment.astimezone(ZoneInfo(self.tz))

    def date(self, value: datetime | str | None) -> str:
        """Format a date (or the date of a moment) in the medium style of the locale."""
        if value is None:
            return ""
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        day = self.local(moment).date() if moment.tzinfo else moment.date()
        return _medium_date(day, self.locale, self.lang == "th" and self.buddhist_era)

    def time(self, value: datetime) -> str:
        """Format a time of day in the business's timezone."""
        local = self.local(value)
        if _short_time_pattern(self.locale) == "HH:mm":  # every interface language today: no Babel per call
            return f"{local.hour:02d}:{local.minute:02d}"
        return format_time(local, format="short", locale=_babel(self.locale))

    def moment(self, value: datetime | str) -> str:
        """Format a moment as the local date and time of day (no seconds)."""
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:  # a naive time in the ledger is UTC
            moment = moment.replace(tzinfo=UTC)
        return f"{self.date(moment)} {self.time(moment)}"

    def number(self, value: float | int | str | Decimal) -> str:
        """Format a count or a number of hours in the locale, to one decimal (3.5 h; 3,5 t in Estonian)."""
        return format_decimal(Decimal(str(value)), format="#,##0.#", locale=_babel(self.locale))

    def money(self, amount: str | Decimal, currency: str) -> str:
        """Format an amount of money in the locale."""
        return format_currency(Decimal(amount), currency, locale=_babel(self.locale))


@dataclass(frozen=True)
class Promise:
    """An honest promise label: the words, whether it is missed, and an icon that is not colour alone."""

    text: str
    missed: bool
    icon: str


def promise_label(
    *, promised_at: datetime | None, now: datetime, late: bool, fmt: Formatter, _: Callable[[str], str]
) -> Promise:
    """Say when a reply is due and how long is left (or by how much it was missed)."""
    if promised_at is None:
        return Promise(_("no promise made"), False, "•")
    hours = (promised_at - now).total_seconds() / 3600
    when = (
        f"{fmt.time(promised_at)}" if abs(hours) < 24 else f"{fmt.date(promised_at)} {fmt.time(promised_at)}"
    )
    if late or hours < 0:
        return Promise(
            _("reply was due %(when)s · missed by %(h)s h")
            % {"when": when, "h": fmt.number(round(-hours, 1))},
            True,
            "⚠",
        )
    return Promise(
        _("reply due %(when)s · %(h)s h left") % {"when": when, "h": fmt.number(round(hours, 1))}, False, "◷"
    )
