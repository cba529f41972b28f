"""Split text into words and stems: newmm for Thai, Snowball for Estonian and English."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from goodterms.gcpause import gc_paused

if TYPE_CHECKING:
    from pythainlp.util import Trie

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def tokenize(text: str, lang: str) -> list[str]:
    """Return the words of *text*: PyThaiNLP newmm for Thai, a Unicode word regex otherwise."""
    if lang == "th":
        return list(_thai_words(text))
    return _WORD.findall(text)


@lru_cache(maxsize=8)
def _thai_words(text: str) -> tuple[str, ...]:
    # One analysis segments a Thai message twice (lexicon hits on the text, n-gram words on its normalised
    # form, usually the same string); the last few are kept so that newmm runs once.
    from pythainlp.tokenize import word_tokenize

    words = word_tokenize(text, engine="newmm", custom_dict=thai_dictionary(), keep_whitespace=False)
    return tuple(t for t in words if t.strip())


@lru_cache(maxsize=1)
def thai_dictionary() -> Trie:
    """Return PyThaiNLP's default word trie (the one newmm uses), built with the garbage collector paused.

    The trie of 62,000 words is 235,000 small objects made in one go; the cyclic garbage collector,
    triggered again and again by so many new objects, would scan them over and over, and took about
    two thirds of the 0.75 s the first Thai message spent building it (0.29 s with collection paused).
    Nothing in it is garbage, so pausing loses nothing (``goodterms.gcpause``).
    """
    from pythainlp.tokenize import word_dict_trie

    with gc_paused():
        return word_dict_trie()  # PyThaiNLP keeps it too: newmm's own default is this same trie


@lru_cache(maxsize=4)
def _stemmer(name: str) -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer(name)


def stem_word(word: str, lang: str) -> str:
    """Return the lower-cased Snowball stem of one Estonian or English word (other words: lower-cased)."""
    if word.isdecimal():
        # Numbers (amounts, dates, invoice numbers) have no suffix to strip and are mostly new each time: the
        # stemmer (30-60 µs a word) would return them unchanged, and they would only crowd the cache.
        return word
    return _stem_word(word, lang)


@lru_cache(maxsize=65536)
def _stem_word(word: str, lang: str) -> str:
    lowered = word.lower()
    if lang == "et":
        return str(_stemmer("estonian").stemWord(lowered))
    if lang == "en":
        return str(_stemmer("english").stemWord(lowered))
    return lowered


def stems(text: str, lang: str) -> list[str]:
    """Return lower-cased stems of the words of *text* (Thai words are returned lower-cased as they are)."""
    return [stem_word(w, lang) for w in tokenize(text, lang)]
