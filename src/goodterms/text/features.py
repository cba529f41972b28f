"""Turn a message into hashed character and word n-gram term frequencies (pure, numpy only)."""

from __future__ import annotations

import itertools
import re
import unicodedata
import zlib

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
    text = _URL.sub(" url ", text)
    text = _MENTION.sub(" @user ", text)
    text = _ENTITY.sub(" ", text)
    text = _REPEAT.sub(r"\1\1", text.lower())
    return _SPACE.sub(" ", text).strip()


def _bucket(gram: str) -> int:
    return zlib.crc32(gram.encode("utf-8")) % N_BUCKETS


def _words(norm: str) -> list[str]:
    if _THAI.search(norm) is None:
        return _WORD.findall(norm)
    from goodterms.text.tokenize import tokenize

    return [w for w in tokenize(norm, "th") if not w.isspace()]


def term_counts(text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Return sorted unique bucket indices and sublinear term frequencies (1 + ln count) for *text*.

    Terms: character 2–5-grams inside each space-separated token (padded with spaces, like scikit-learn's
    ``char_wb``), word unigrams and bigrams (PyThaiNLP newmm words for Thai). The model multiplies by its
    idf vector and L2-normalises (see ``ToneModel.features``).
    """
    norm = normalise(text)
    counts: dict[int, int] = {}
    for token in norm.split(" "):
        padded = f" {token} "
        size = len(padded)
        for n in CHAR_NGRAMS:
            for i in range(size - n + 1):
                b = _bucket(padded[i : i + n])
                counts[b] = counts.get(b, 0) + 1
    words = _words(norm)
    for word in words:
        b = _bucket("w:" + word)
        counts[b] = counts.get(b, 0) + 1
    for left, right in itertools.pairwise(words):
        b = _bucket(f"b:{left} {right}")
        counts[b] = counts.get(b, 0) + 1
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    order = np.argsort(idx)
    return idx[order], (1.0 + np.log(tf[order])).astype(np.float32)
