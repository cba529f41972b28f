"""The interface exists in Thai, Estonian and English: no message is missing, placeholders agree."""

from __future__ import annotations

import re

import pytest

from goodterms.web.i18n import pick_language, source_messages, translations

PLACEHOLDER = re.compile(r"%\(\w+\)s")
SAME_IN_EVERY_LANGUAGE = {"%(n)s min"}  # "min" is also the Estonian unit (Thai says นาที)


@pytest.mark.parametrize("lang", ["th", "et"])
def test_no_message_is_missing(lang: str) -> None:
    catalog = translations(lang)
    missing = [
        msg for msg in source_messages() if catalog.gettext(msg) == msg and msg not in SAME_IN_EVERY_LANGUAGE
    ]
    assert missing == []


@pytest.mark.parametrize("lang", ["th", "et"])
def test_placeholders_survive_translation(lang: str) -> None:
    catalog = translations(lang)
    for msg in source_messages():
        assert sorted(PLACEHOLDER.findall(catalog.gettext(msg))) == sorted(PLACEHOLDER.findall(msg)), msg


def test_thai_translations_are_in_thai_script() -> None:
    catalog = translations("th")
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in catalog.gettext("Portfolio"))


def test_extraction_finds_template_and_module_messages() -> None:
    found = source_messages()
    assert "Skip to content" in found
    assert "reply due %(when)s · %(h)s h left" in found


def test_language_is_picked_from_url_then_cookie_then_user_then_browser() -> None:
    assert pick_language(asked="th", cookie="et", user="en", accept="et") == "th"
    assert pick_language(asked=None, cookie="et", user="th", accept=None) == "et"
    assert pick_language(asked="xx", cookie=None, user="th", accept=None) == "th"
    assert pick_language(asked=None, cookie=None, user=None, accept="fr-FR,et;q=0.8") == "et"
    assert pick_language(asked=None, cookie=None, user=None, accept=None) == "en"
