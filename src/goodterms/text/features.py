"""Turn a message into hashed character and word n-gram term frequencies (pure, numpy only)."""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache
from zlib import crc32

import numpy as np
import numpy.typing as npt

N_BUCKETS = 1 << 19
CHAR_NGRAMS = (2, 3, 4, 5)

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_ENTITY = re.compile(r"&#?\w+;")
_REPEAT = re.compile(r"(.)\1{2,}")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)
_THAI = re.compile(r"[\u0e00-\u0e7f]")


def normalise(text: str) -> str:
    """Return the lower-cased, NFC form of *text* with URLs, mentions and long repeats folded."""
    text = unicodedata.normalize("NFC", text)
    # Each substitution is skipped when a character its pattern needs is absent (the same result, sooner).
    if "://" in text or "." in text:
        text = _URL.sub(" url ", text)
    if "@" in text:
        text = _MENTION.sub(" @user ", text)
    if "&" in text:
        text = _ENTITY.sub(" ", text)
    text = _REPEAT.sub(r"\1\1", text.lower())
    return _SPACE.sub(" ", text).strip()


def bucket(term: str) -> int:
    """Return the hash bucket of one term: its UTF-8 CRC-32 modulo ``N_BUCKETS`` (what the model was trained on)."""
    return crc32(term.encode("utf-8")) % N_BUCKETS


def _words(norm: str) -> list[str]:
    if _THAI.search(norm) is None:
        return _WORD.findall(norm)
    from goodterms.text.tokenize import tokenize

    return [w for w in tokenize(norm, "th") if not w.isspace()]


def _gram_slices(size: int) -> tuple[slice, ...]:
    """The 2–5-character windows of a padded token of *size* characters (depends on the size only)."""
    return _short_gram_slices(size) if size <= _CACHED_SIZE else _windows(size)


_CACHED_SIZE = 64  # tokens up to this length (nearly all) reuse their windows; longer ones are rare


@lru_cache(maxsize=_CACHED_SIZE + 1)
def _short_gram_slices(size: int) -> tuple[slice, ...]:
    return _windows(size)


def _windows(size: int) -> tuple[slice, ...]:
    return tuple(slice(i, i + n) for n in CHAR_NGRAMS for i in range(size - n + 1))


def _char_gram_hashes(tokens: list[str]) -> list[int]:
    """CRC-32s of the character 2–5-grams of each token padded with a space on either side.

    The per-gram work runs in C (``map`` over precomputed slices); this was a third of the analysis time
    as a Python loop.
    """
    out: list[int] = []
    for token in tokens:
        padded = f" {token} "
        slices = _gram_slices(len(padded))
        if padded.isascii():
            out.extend(map(crc32, map(padded.encode("ascii").__getitem__, slices)))
        else:
            out.extend(map(crc32, map(str.encode, map(padded.__getitem__, slices))))
    return out


def term_counts(text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Return sorted unique bucket indices and sublinear term frequencies (1 + ln count) for *text*.

    Terms: character 2–5-grams inside each space-separated token (padded with spaces, like scikit-learn's
    ``char_wb``), word unigrams and bigrams (PyThaiNLP newmm words for Thai). The model multiplies by its
    idf vector and L2-normalises (see ``ToneModel.features``). A term's bucket is :func:`bucket`.
    """
    norm = normalise(text)
    hashes = _char_gram_hashes(norm.split(" "))
    words = _words(norm)
    hashes.extend(crc32(f"w:{word}".encode()) for word in words)
    hashes.extend(crc32(f"b:{left} {right}".encode()) for left, right in itertools.pairwise(words))
    if not hashes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    n = len(hashes)
    terms = np.fromiter(hashes, dtype=np.int64, count=n)
    terms &= N_BUCKETS - 1  # == % N_BUCKETS: N_BUCKETS is a power of two
    terms.sort()
    # Run boundaries of the sorted terms (with sentinels at both ends): unique terms and their counts.
    edge = np.empty(n + 1, dtype=np.bool_)
    edge[0] = edge[n] = True
    np.not_equal(terms[1:], terms[:-1], out=edge[1:n])
    bounds = edge.nonzero()[0]
    counts = (bounds[1:] - bounds[:-1]).astype(np.float32)
    return terms[bounds[:-1]], (1.0 + np.log(counts)).astype(np.float32)
