"""The hashed n-gram features must stay exactly what the shipped model was trained on."""

from __future__ import annotations

import itertools
import random
import zlib

import numpy as np
import numpy.typing as npt

from goodterms.text.features import CHAR_NGRAMS, N_BUCKETS, _words, bucket, normalise, term_counts


def reference_term_counts(text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """The original one-gram-at-a-time implementation (what scripts/train_tone.py trained the model with)."""
    norm = normalise(text)
    counts: dict[int, int] = {}

    def add(term: str) -> None:
        b = zlib.crc32(term.encode("utf-8")) % N_BUCKETS
        counts[b] = counts.get(b, 0) + 1

    for token in norm.split(" "):
        padded = f" {token} "
        for n in CHAR_NGRAMS:
            for i in range(len(padded) - n + 1):
                add(padded[i : i + n])
    words = _words(norm)
    for word in words:
        add("w:" + word)
    for left, right in itertools.pairwise(words):
        add(f"b:{left} {right}")
    idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    order = np.argsort(idx)
    return idx[order], (1.0 + np.log(tf[order])).astype(np.float32)


def _random_text(rng: random.Random) -> str:
    ranges = [(0x20, 0x7F), (0xA0, 0x800), (0x800, 0xD7FF), (0xE00, 0xE7F), (0x10000, 0x1FFFF)]
    chars = []
    for _ in range(rng.randrange(0, 60)):
        lo, hi = rng.choice(ranges)
        chars.append(" " if rng.random() < 0.15 else chr(rng.randrange(lo, hi)))
    return "".join(chars)


TEXTS = [
    "",
    " ",
    "a",
    "Please send the invoice by Friday, thanks",
    "You are useless idiots!!!!!! http://x.example/a?b=c @someone &amp;",
    "Palun saatke arve homme hommikuks, tänan",
    "ขอส่วนลดหน่อยได้ไหมครับ ok 55555",
    "😀😀 emoji 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and e\u0301 combining",
    "x" * 300,
]


def test_term_counts_match_the_reference_exactly() -> None:
    rng = random.Random(20250312)
    texts = TEXTS + [_random_text(rng) for _ in range(400)]
    for text in texts:
        idx, tf = term_counts(text)
        ref_idx, ref_tf = reference_term_counts(text)
        assert idx.dtype == np.int64 and tf.dtype == np.float32
        assert np.array_equal(idx, ref_idx), text
        assert np.array_equal(tf, ref_tf), text


def test_bucket_is_crc32_modulo_buckets() -> None:
    for term in ("w:invoice", "b:by friday", " ขอ", "😀x"):
        assert bucket(term) == zlib.crc32(term.encode("utf-8")) % N_BUCKETS
