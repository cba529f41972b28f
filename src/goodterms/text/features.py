"""Turn a message into hashed character and word n-gram features (pure, numpy only)."""

from __future__ import annotations

import itertools
import re
import unicodedata
import zlib

import numpy as np
import numpy.typing as npt

N_BUCKETS = 1 << 18
CHAR_NGRAMS = (2, 3, 4, 5)

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_ENTITY = re.compile(r"&#?\w+;")
_REPEAT = re.compile(r"(.)\1{2,}")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


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


def hashed_features(text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Return sorted unique bucket indices and L2-normalised weights for *text*."""
    norm = normalise(text)
    grams: set[str] = set()
    padded = f" {norm} "
    size = len(padded)
    for n in CHAR_NGRAMS:
        for i in range(size - n + 1):
            grams.add(padded[i : i + n])
    words = _WORD.findall(norm)
    for word in words:
        grams.add("w:" + word)
    for left, right in itertools.pairwise(words):
        grams.add(f"b:{left} {right}")
    if not grams:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    idx = np.unique(np.fromiter((_bucket(g) for g in grams), dtype=np.int64, count=len(grams)))
    weights = np.full(idx.shape[0], 1.0 / np.sqrt(idx.shape[0]), dtype=np.float32)
    return idx, weights
