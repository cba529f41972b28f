"""Render acknowledgements in the client's language from editable Jinja2 templates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

LANGUAGES = ("th", "et", "en")
_LOCALES = {"th": "th_TH", "et": "et_EE", "en": "en_GB"}
#: Thai letters count years in the Buddhist era (Gregorian + 543).
BUDDHIST_ERA_OFFSET = 543


def language_of(code: str | None) -> str:
    """Return th, et or en for a language code (anything else gets English)."""
    code = (code or "en").lower()[:2]
    return code if code in LANGUAGES else "en"


def format_moment(moment: datetime, *, lang: str, timezone: str) -> str:
    """Format a moment for a client: weekday, date and time in their timezone and locale."""
    lang = language_of(lang)
    local = moment.astimezone(ZoneInfo(timezone))
    locale = _LOCALES[lang]
    clock = format_time(local, "HH:mm", locale=locale)
    if lang == "th":
        day = format_date(local, "EEEEที่ d MMMM", locale=locale)
        return f"{day} {local.year + BUDDHIST_ERA_OFFSET} เวลา {clock} น."
    if lang == "et":
        return f"{format_date(local, 'EEEE, d. MMMM y', locale=locale)} kell {clock}"
    return f"{format_date(local, 'EEEE d MMMM y', locale=locale)}, {clock}"


def format_hours(hours: float | Decimal) -> str:
    """Show a number of hours without a needless ``.0``."""
    value = Decimal(str(hours)).normalize()
    return format(value, "f")


@lru_cache(maxsize=8)
def _environment(override_dir: str | None) -> Environment:
    loaders: list[FileSystemLoader | PackageLoader] = []
    if override_dir:
        loaders.append(FileSystemLoader(override_dir))
    loaders.append(PackageLoader("goodterms.desk", "templates"))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=False,  # plain-text mail; nothing here is HTML
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
    )


def render(*, template: str, lang: str, context: dict[str, object], override_dir: str | None = None) -> str:
    """Render ``<lang>/<template>.txt.j2``; a business override folder wins over the built-in text."""
    env = _environment(override_dir)
    return env.get_template(f"{language_of(lang)}/{template}.txt.j2").render(**context)
