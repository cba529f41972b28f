"""Every symbol the web pages use (icons, arrows, marks) has a glyph in the fonts Debian's Chromium finds.

A character no installed font covers is drawn as an empty box ("tofu"): an icon that says nothing.
The fonts are the system's (/usr/share/fonts) plus the Thai font the app serves itself.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path

import pytest

FONT_DIRS = (Path("/usr/share/fonts"),)
SERVED = resources.files("goodterms.web").joinpath("static", "fonts")


@cache
def covered() -> frozenset[int]:
    """Return every code point some installed or served font draws."""
    from fontTools.ttLib import TTCollection, TTFont

    points: set[int] = set()
    paths = [
        p
        for d in FONT_DIRS
        if d.is_dir()
        for p in d.rglob("*")
        if p.suffix.lower() in (".ttf", ".otf", ".ttc")
    ]
    paths += [Path(str(p)) for p in SERVED.iterdir() if p.name.endswith(".ttf")]
    for path in paths:
        if path.suffix.lower() == ".ttc":
            with TTCollection(path) as collection:
                for font in collection.fonts:
                    points.update(font.getBestCmap() or {})
        else:
            with TTFont(path, lazy=True) as font:
                points.update(font.getBestCmap() or {})
    return frozenset(points)


def symbols(text: str) -> set[str]:
    """Return the non-ASCII symbols and punctuation in ``text`` (letters and marks of any script excluded)."""
    return {ch for ch in text if ord(ch) > 0x7F and unicodedata.category(ch)[0] in "SP"}


def sources() -> dict[str, str]:
    web = resources.files("goodterms.web")
    found = {
        f"templates/{p.name}": p.read_text(encoding="utf-8") for p in web.joinpath("templates").iterdir()
    }
    found.update({p.name: p.read_text(encoding="utf-8") for p in web.iterdir() if p.name.endswith(".py")})
    return found


def test_the_symbol_scan_sees_the_icons_the_pages_use() -> None:
    used = set().union(*(symbols(t) for t in sources().values()))
    assert {"⚑", "✓", "⚠", "→"} <= used


@pytest.mark.skipif(not any(d.is_dir() for d in FONT_DIRS), reason="no system fonts to check against")
def test_every_symbol_in_the_web_pages_has_a_glyph() -> None:
    have = covered()
    if not {ord("A"), ord("ก")} <= have:
        pytest.skip("the installed fonts cover neither Latin nor Thai: not a desktop font set")
    missing = {
        name: sorted(
            f"{ch} U+{ord(ch):04X} {unicodedata.name(ch, '?')}" for ch in symbols(text) if ord(ch) not in have
        )
        for name, text in sources().items()
    }
    missing = {k: v for k, v in missing.items() if v}
    assert not missing, f"drawn as empty boxes in Chromium: {missing}"


def test_no_emoji_presentation_selector_asks_for_a_colour_emoji_font() -> None:
    for name, text in sources().items():
        assert not re.search("\ufe0f", text), f"{name} asks for an emoji font (U+FE0F)"
