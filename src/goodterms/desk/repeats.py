"""Is a new message a repeat of an open request? Near-duplicate text and "any news?" (pure).

Text is compared as a sparse vector of words plus character 3-grams inside each word:
Thai has no spaces between words, so its "words" are long runs and the 3-grams carry the
match; Estonian's rich inflection (``arve``, ``arvet``, ``arvega``) shares most 3-grams too.
Weights are sublinear term frequency, optionally times an inverse document frequency learnt
from a corpus (the evaluation uses one; the desk compares against a client's few open requests).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r"(?m)^\s*>.*$")
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|vs|vast|ตอบกลับ|aw|sv)\s*:\s*)+", re.IGNORECASE)
_REFERENCE = re.compile(r"\[[A-Z]{1,10}-\d+\]")
_NGRAM = 3
#: How much a word counts next to its 3-grams (words are fewer, so they get more weight each).
_WORD_WEIGHT = 2.0

Vector = dict[str, float]


def normalize(text: str) -> str:
    """Fold case and width, drop quoted reply lines, request references and reply prefixes."""
    text = unicodedata.normalize("NFKC", text)
    text = _QUOTED.sub(" ", text)
    text = _REFERENCE.sub(" ", text)
    return _REPLY_PREFIX.sub("", text).casefold()


def terms(text: str) -> Counter[str]:
    """Count the words and the character 3-grams of a text."""
    counts: Counter[str] = Counter()
    for word in _WORD.findall(normalize(text)):
        counts["w:" + word] += 1
        padded = f"_{word}_"
        if len(padded) <= _NGRAM:
            continue
        for i in range(len(padded) - _NGRAM + 1):
            counts[padded[i : i + _NGRAM]] += 1
    return counts


def vectorize(text: str, idf: Mapping[str, float] | None = None) -> Vector:
    """Return the unit-length weighted vector of a text."""
    vec: Vector = {}
    for term, count in terms(text).items():
        weight = 1.0 + math.log(count)
        if term.startswith("w:"):
            weight *= _WORD_WEIGHT
        if idf is not None:
            weight *= idf.get(term, idf.get("", 1.0))
        vec[term] = weight
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {t: w / norm for t, w in vec.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    """Return the cosine of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


_NUMBER = re.compile(r"\d{2,}")


def numbers_disagree(a: str, b: str) -> bool:
    """Say whether two texts both name numbers (invoice, order, page counts) and share none of them."""
    left, right = set(_NUMBER.findall(normalize(a))), set(_NUMBER.findall(normalize(b)))
    return bool(left) and bool(right) and not (left & right)


def learn_idf(texts: Iterable[str]) -> dict[str, float]:
    """Learn smoothed inverse document frequencies; the key ``""`` holds the weight of unseen terms."""
    df: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        df.update(terms(text).keys())
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
    idf[""] = math.log(1 + n) + 1.0
    return idf


def is_chase(text: str, phrases: Mapping[str, Sequence[str]]) -> str | None:
    """Return the "any news?" phrase a message uses, in any language, or None."""
    folded = normalize(text)
    for lang_phrases in phrases.values():
        for phrase in lang_phrases:
            if phrase.casefold() in folded:
                return phrase
    return None


@dataclass(frozen=True)
class OpenRequest:
    """An open request of the same client, as the detector sees it."""

    id: int
    subject: str
    text: str


@dataclass(frozen=True)
class RepeatMatch:
    """The open request a message repeats, and why we think so."""

    request_id: int
    reason: str  # "similar" or "chase"
    score: float
    phrase: str | None = None


def find_repeat(
    *,
    subject: str,
    text: str,
    open_requests: Sequence[OpenRequest],
    threshold: float,
    chase_phrases: Mapping[str, Sequence[str]],
) -> RepeatMatch | None:
    """Return the open request this message repeats, or None when it is a new request.

    The most similar open request wins when it clears ``threshold``; a message that asks for
    news ("any update?", "มีความคืบหน้า", "kas on uudiseid") is folded into the most similar
    open request, or the latest one when none is similar at all.
    """
    if not open_requests:
        return None
    body = f"{subject}\n{text}"
    new = vectorize(body)
    scored = []
    for r in open_requests:
        other = f"{r.subject}\n{r.text}"
        score = cosine(new, vectorize(other))
        # "Invoice 123 is wrong" and "invoice 456 is wrong" are two requests, not one asked twice.
        scored.append((score / 2 if numbers_disagree(body, other) else score, r))
    best_score, best = max(scored, key=lambda pair: (pair[0], pair[1].id))
    if best_score >= threshold:
        return RepeatMatch(request_id=best.id, reason="similar", score=round(best_score, 4))
    phrase = is_chase(body, chase_phrases)
    if phrase is None:
        return None
    if best_score <= 0.0:
        best = max(open_requests, key=lambda r: r.id)
    return RepeatMatch(request_id=best.id, reason="chase", score=round(best_score, 4), phrase=phrase)
