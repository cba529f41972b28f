"""Identify the language of a short message: Thai, Estonian, English or other."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Literal

Language = Literal["th", "et", "en", "other"]
LANGUAGES: tuple[Language, ...] = ("th", "et", "en", "other")

# Latin text is Estonian or English unless the unrestricted classifier is very sure it is something else.
_OTHER_MIN_PROB = 0.9
_OTHER_MAX_ET_EN = 0.02
_OTHER_MIN_LETTERS = 15


class _Identifier:
    """Two py3langid classifiers: one restricted to et/en, one over all its languages."""

    def __init__(self) -> None:
        import py3langid.langid as langid

        self.pair = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
        self.pair.set_languages(["et", "en"])
        self.full = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)

    def latin(self, text: str, letters: int) -> Language:
        if letters >= _OTHER_MIN_LETTERS:
            ranked = dict(self.full.rank(text))
            best = max(ranked, key=lambda k: ranked[k])
            ours = ranked.get("et", 0.0) + ranked.get("en", 0.0)
            if best not in ("et", "en") and ranked[best] >= _OTHER_MIN_PROB and ours < _OTHER_MAX_ET_EN:
                return "other"
        return "et" if self.pair.classify(text)[0] == "et" else "en"


@lru_cache(maxsize=1)
def _identifier() -> _Identifier:
    return _Identifier()


def script_counts(text: str) -> tuple[int, int, int]:
    """Count Thai, Latin and other letters in *text*."""
    thai = latin = other = 0
    for ch in text:
        if "\u0e00" <= ch <= "\u0e7f":
            thai += 1
        elif ch.isalpha():
            if ch.isascii() or unicodedata.name(ch, "").startswith("LATIN"):
                latin += 1
            else:
                other += 1
    return thai, latin, other


def detect_language(text: str) -> Language:
    """Return "th", "et", "en" or "other" for *text*; Thai by script, et/en by a restricted classifier."""
    thai, latin, other = script_counts(text)
    if thai and thai >= 0.3 * (latin + other):
        return "th"
    if latin == 0 or other > latin:
        return "other"
    if _has_estonian_letters(text):
        return "et"
    return _identifier().latin(text, latin)


def _has_estonian_letters(text: str) -> bool:
    # õ is Estonian-only among our languages; š/ž with ä/ö/ü are typical of Estonian as well.
    return "õ" in text.lower()
