"""Packaged insult, threat, profanity, frustration and politeness lexicons, matched on stems."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from goodterms.text.tokenize import stem_word, stems, tokenize

CATEGORIES = ("insult", "threat", "profanity", "frustration", "politeness")
LEXICON_LANGUAGES = ("th", "et", "en")


@dataclass(frozen=True)
class Hit:
    """One lexicon phrase found in a message."""

    category: str
    phrase: str


@dataclass(frozen=True)
class _Lexicon:
    phrases: dict[tuple[str, ...], str]  # stem sequence -> category
    max_len: int
    firsts: frozenset[str]  # the stems phrases start with


def _read(lang: str, category: str) -> list[str]:
    text = resources.files("goodterms.text").joinpath(f"lexicons/{lang}.{category}.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=len(LEXICON_LANGUAGES))
def _lexicon(lang: str) -> _Lexicon:
    phrases: dict[tuple[str, ...], str] = {}
    for category in CATEGORIES:
        for entry in _read(lang, category):
            key = tuple(stems(entry, lang))
            if key:
                # Earlier categories win: an insult stays an insult if it is also listed as profanity.
                phrases.setdefault(key, category)
    return _Lexicon(phrases, max(len(k) for k in phrases), frozenset(k[0] for k in phrases))


def find_hits(text: str, lang: str) -> list[Hit]:
    """Return lexicon hits in *text* for *lang* (th, et or en), longest phrase first at each position."""
    if lang not in LEXICON_LANGUAGES:
        return []
    lex = _lexicon(lang)
    words = tokenize(text, lang)
    keys = [stem_word(w, lang) for w in words]
    sep = "" if lang == "th" else " "
    hits: list[Hit] = []
    i = 0
    while i < len(keys):
        if keys[i] not in lex.firsts:
            i += 1
            continue
        for n in range(min(lex.max_len, len(keys) - i), 0, -1):
            category = lex.phrases.get(tuple(keys[i : i + n]))
            if category is not None:
                hits.append(Hit(category, sep.join(words[i : i + n])))
                i += n
                break
        else:
            i += 1
    return hits
