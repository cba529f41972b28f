"""Packaged threat, insult, contempt, profanity, frustration and politeness lexicons, matched on stems.

An entry is a phrase matched as a sequence of stems (Thai: newmm words). Two marks make an entry a pattern:
``*`` stands for a gap of up to ``GAP`` words ("tell everyone * scam" matches "tell everyone I know that you are
a scam"), and a word ending in ``~`` matches every word that begins with it, whatever its stem ("advokaa~" matches
advokaat, advokaadi, advokaadiga: Estonian case endings the Snowball stemmer does not always strip alike).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from goodterms.text.tokenize import stem_word, stems, tokenize

CATEGORIES = ("threat", "insult", "contempt", "profanity", "frustration", "politeness")
LEXICON_LANGUAGES = ("th", "et", "en")
GAP = 8  # most words a "*" in an entry may stand for
_KEY = 3  # a prefix word (``~``) must have at least this many letters; patterns are indexed by them


@dataclass(frozen=True)
class Hit:
    """One lexicon phrase found in a message."""

    category: str
    phrase: str


# One word of a pattern: (True, prefix of the lower-cased word) or (False, stem).
_Word = tuple[bool, str]


@dataclass(frozen=True)
class _Pattern:
    parts: tuple[tuple[_Word, ...], ...]  # word sequences, each up to GAP words after the one before
    category: str


@dataclass(frozen=True)
class _Lexicon:
    phrases: dict[tuple[str, ...], str]  # stem sequence -> category
    max_len: int
    firsts: frozenset[str]  # the stems phrases start with
    patterns: dict[str, tuple[_Pattern, ...]]  # first stem, or first _KEY letters of a prefix -> patterns


def _pattern_words(part: str, lang: str) -> tuple[_Word, ...]:
    out: list[_Word] = []
    for word in part.split():
        if word.endswith("~"):
            prefix = word[:-1].lower()
            if len(prefix) < _KEY:
                raise ValueError(f"lexicon {lang}: prefix {word!r} is shorter than {_KEY} letters")
            out.append((True, prefix))
        else:
            out.extend((False, stem) for stem in stems(word, lang))
    return tuple(out)


def _read(lang: str, category: str) -> list[str]:
    text = resources.files("goodterms.text").joinpath(f"lexicons/{lang}.{category}.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=len(LEXICON_LANGUAGES))
def _lexicon(lang: str) -> _Lexicon:
    phrases: dict[tuple[str, ...], str] = {}
    patterns: dict[str, list[_Pattern]] = {}
    for category in CATEGORIES:
        for entry in _read(lang, category):
            if "*" in entry or "~" in entry:
                parts = tuple(_pattern_words(part, lang) for part in entry.split("*"))
                if all(parts):
                    prefix, first = parts[0][0]
                    patterns.setdefault(first[:_KEY] if prefix else first, []).append(
                        _Pattern(parts, category)
                    )
                continue
            key = tuple(stems(entry, lang))
            if key:
                # Earlier categories win: a threat stays a threat if it is also listed as an insult.
                phrases.setdefault(key, category)
    return _Lexicon(
        phrases,
        max(len(k) for k in phrases),
        frozenset(k[0] for k in phrases),
        {first: tuple(entries) for first, entries in patterns.items()},
    )


def _part_at(keys: list[str], lowered: list[str], i: int, part: tuple[_Word, ...]) -> bool:
    if i + len(part) > len(keys):
        return False
    return all(
        lowered[i + j].startswith(value) if prefix else keys[i + j] == value
        for j, (prefix, value) in enumerate(part)
    )


def _pattern_end(
    keys: list[str], lowered: list[str], start: int, parts: tuple[tuple[_Word, ...], ...]
) -> int | None:
    """Where a pattern matched from *start* ends (exclusive), or None."""
    if not _part_at(keys, lowered, start, parts[0]):
        return None
    end = start + len(parts[0])
    for part in parts[1:]:
        for i in range(end, min(end + GAP, len(keys)) + 1):
            if _part_at(keys, lowered, i, part):
                end = i + len(part)
                break
        else:
            return None
    return end


def _pattern_hits(lex: _Lexicon, words: list[str], keys: list[str], sep: str) -> list[Hit]:
    lowered = [w.lower() for w in words]
    firsts = set(keys) | {w[:_KEY] for w in lowered}
    hits: list[Hit] = []
    for first in lex.patterns.keys() & firsts:
        for pattern in lex.patterns[first]:
            for start in range(len(keys)):
                end = _pattern_end(keys, lowered, start, pattern.parts)
                if end is not None:
                    hits.append(Hit(pattern.category, sep.join(words[start:end])))
                    break
    return hits


def find_hits(text: str, lang: str) -> list[Hit]:
    """Return lexicon hits in *text* for *lang* (th, et or en): patterns first, then the longest plain phrase
    at each position."""
    if lang not in LEXICON_LANGUAGES:
        return []
    lex = _lexicon(lang)
    words = tokenize(text, lang)
    keys = [stem_word(w, lang) for w in words]
    sep = "" if lang == "th" else " "
    hits = _pattern_hits(lex, words, keys, sep) if lex.patterns else []
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
