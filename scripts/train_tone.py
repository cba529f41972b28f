"""Train the shipped tone model from commercially usable data and write it as a numpy .npz.

Run from the repository root: ``.venv/bin/python scripts/train_tone.py``. Needs the dev extra (scikit-learn).
Data is read from ``../shared/data`` (or ``GOODTERMS_DATA``).
Never reads the non-commercial Thai toxicity set.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import time
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from goodterms.text.features import N_BUCKETS, hashed_features  # noqa: E402

DATA = Path(os.environ.get("GOODTERMS_DATA", ROOT.parent / "shared" / "data"))
OUT = ROOT / "src" / "goodterms" / "text" / "model" / "tone.npz"

TH4 = ("pos", "neu", "neg", "q")
ET3 = ("positiivne", "neutraalne", "negatiivne")


def read_jsonl(path: Path) -> list[dict[str, object]]:
    """Read a JSON-lines file, skipping blank lines."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def tweeteval(split: str) -> tuple[list[str], list[int]]:
    """TweetEval offensive (1 = offensive)."""
    rows = read_jsonl(DATA / "tone" / "en" / f"tweeteval_offensive.{split}.jsonl")
    return [str(r["text"]) for r in rows], [int(str(r["offensive"])) for r in rows]


def davidson() -> tuple[list[str], list[int]]:
    """Davidson et al.: hate (0) and offensive (1) count as abusive; neither (2) is clean."""
    texts, labels = [], []
    with (DATA / "tone" / "en" / "davidson_hate_offensive.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            texts.append(row["tweet"])
            labels.append(0 if row["class"] == "2" else 1)
    return texts, labels


def wisesight(split: str) -> tuple[list[str], list[int]]:
    """Wisesight sentiment, 4 classes in TH4 order."""
    rows = read_jsonl(DATA / "tone" / "th" / f"wisesight_sentiment.{split}.jsonl")
    return [str(r["texts"]) for r in rows], [TH4.index(str(r["category"])) for r in rows]


def in_valence_heldout(text: str) -> bool:
    """Deterministic 25 % held-out part of the Estonian valence file (by CRC32 of the text)."""
    return zlib.crc32(text.encode("utf-8")) % 4 == 0


def estonian_valence(part: str) -> tuple[list[str], list[int]]:
    """Estonian valence, 3 classes in ET3 order; part is "train" or "heldout" (duplicates stay together)."""
    rows = read_jsonl(DATA / "tone" / "et" / "estonian_valence.dev.jsonl")
    want_heldout = part == "heldout"
    pairs = [(str(r["text"]), ET3.index(str(r["label"]))) for r in rows]
    kept = [(t, y) for t, y in pairs if in_valence_heldout(t) == want_heldout]
    return [t for t, _ in kept], [y for _, y in kept]


def matrix(texts: Iterable[str]) -> sparse.csr_matrix:
    """Hashed feature matrix for *texts* (same featuriser as runtime)."""
    indptr, indices, data = [0], [], []
    for text in texts:
        idx, w = hashed_features(text)
        indices.append(idx)
        data.append(w)
        indptr.append(indptr[-1] + idx.shape[0])
    return sparse.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.array(indptr)), shape=(len(indptr) - 1, N_BUCKETS)
    )


def fit(
    x: sparse.csr_matrix, y: list[int], c: float, balanced: bool
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Fit a logistic regression; return (weights buckets x classes, bias) for softmax/sigmoid."""
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced" if balanced else None)
    clf.fit(x, y)
    coef = clf.coef_.astype(np.float32)
    bias = clf.intercept_.astype(np.float32)
    return coef.T.copy(), bias


def main() -> None:
    """Train every head and write the .npz."""
    start = time.time()
    en_x, en_y = tweeteval("train")
    # Davidson et al. was tried too: adding it lowered TweetEval validation macro-F1 from 0.714 to 0.655.
    off_w, off_b = fit(matrix(en_x), en_y, c=float(os.environ.get("C_OFF", "4")), balanced=True)
    th_x, th_y = wisesight("train")
    th_w, th_b = fit(matrix(th_x), th_y, c=float(os.environ.get("C_TH", "2")), balanced=False)
    et_x, et_y = estonian_valence("train")
    et_w, et_b = fit(matrix(et_x), et_y, c=float(os.environ.get("C_ET", "16")), balanced=False)
    weights = np.concatenate([off_w, th_w, et_w], axis=1).astype(np.float16)
    bias = np.concatenate([off_b, th_b, et_b]).astype(np.float32)
    heads = np.array(["offensive", *(f"th:{c}" for c in TH4), *(f"et:{c}" for c in ET3)])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, weights=weights, bias=bias, heads=heads, n_buckets=np.array(N_BUCKETS))
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()[:16]
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB, sha256 {digest}) in {time.time() - start:.0f} s")
    print(
        f"trained on: tweeteval train {len(en_x)}, wisesight train {len(th_x)}, "
        f"estonian valence train part {len(et_x)}"
    )


if __name__ == "__main__":
    main()
