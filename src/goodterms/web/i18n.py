"""The interface in Thai, Estonian and English: gettext catalogs read from .po files at start-up."""

from __future__ import annotations

import gettext
import io
import re
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("en", "th", "et")
LANGUAGE_NAMES = {"en": "English", "th": "ไทย", "et": "Eesti"}
BABEL_LOCALES = {"en": "en_GB", "th": "th_TH", "et": "et_EE"}


_CODE = re.compile(r"[a-z]+(?:_[a-z0-9]+)+")


class English(gettext.NullTranslations):
    """English is the source text, but a code used as a message (``let_go``, ``approval_ask``) is shown in
    words: the assessment's own words for verdicts and flags, else the code with spaces."""

    def gettext(self, message: str) -> str:
        if _CODE.fullmatch(message) is None:
            return message
        from goodterms.assess.messages import NAMES

        return NAMES["en"].get(message, message.replace("_", " "))


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """Return the compiled catalog of a language (English is the source text, codes in words)."""
    if lang not in LANGUAGES or lang == "en":
        return English()
    source = resources.files("goodterms.web").joinpath("locale", f"{lang}.po")
    with source.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def pick_language(*, asked: str | None, cookie: str | None, user: str | None, accept: str | None) -> str:
    """Choose the interface language: the URL, then the cookie, the user's own, then Accept-Language."""
    for candidate in (asked, cookie, user):
        if candidate in LANGUAGES:
            return candidate
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


# Words the templates translate from data (roles, codes, types), so that extraction can see them;
# the client-facing template names come from template_store.FAMILIES, channels from handling.reasons.CHANNELS.
DYNAMIC_MESSAGES = (
    "owner",
    "manager",
    "staff",
    "active",
    "paused",
    "ended",
    "name",
    "contacts",
    "open_requests",
    "amount_due",
    "health",
    "keep",
    "set_boundaries",
    "renegotiate",
    "let_go",
    "after_hours",
    "concession_pressure",
    "controlling",
    "hostile_tone",
    "late_payment_trend",
    "over_contact",
    "rush_demands",
    "staff_strain",
    "thin_margin",
    "unpaid_time",
    "unresponsive",
    "slow_response",
    "contact",
    "request",
    "reply",
    "delivery",
    "approval_ask",
    "approval_answer",
    "invoice",
    "payment",
    "concession",
    "work",
    "note",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "desk",
    "followup",
)


def source_messages() -> list[str]:
    """Return every message the interface translates: gettext calls in templates and modules (the web app's
    and the command line's), plus data words."""
    from goodterms.web.template_store import FAMILIES

    pattern = re.compile(r"""_\(\s*"((?:[^"\\]|\\.)+)"\s*\)""")
    found: set[str] = set(DYNAMIC_MESSAGES)
    found.update(name for family in FAMILIES.values() for name in family.sources)  # template names
    # The command line's tables speak the same catalogue (``goodterms timeline``, ``desk queue``, ``analyze``).
    web, cli = resources.files("goodterms.web"), resources.files("goodterms").joinpath("cli")
    for folder, suffix in ((web / "templates", ".html"), (web, ".py"), (cli, ".py")):
        for entry in folder.iterdir():
            if entry.name.endswith(suffix):
                found.update(pattern.findall(entry.read_text(encoding="utf-8")))
    return sorted(found)
