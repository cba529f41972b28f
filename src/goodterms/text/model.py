"""The tone model: shipped linear heads over hashed n-grams, plus a per-business adjustment."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from goodterms.text.features import N_BUCKETS, hashed_features

FloatArray = npt.NDArray[np.float32]
IndexArray = npt.NDArray[np.int64]

_FORMAT = "goodterms-tone-adjustment/1"
# The shipped rudeness head learned English only; for other languages it starts from this prior logit
# (about 5 %) and relies on lexicons and the business's own marks.
FOREIGN_PRIOR_LOGIT = -3.0
SHIPPED_RUDENESS_LANGS = frozenset({"en", "other"})


@dataclass(frozen=True, eq=False)
class HeadScores:
    """Probabilities from each head for one message."""

    offensive: float
    thai: dict[str, float]
    estonian: dict[str, float]


@dataclass(frozen=True, eq=False)
class _Base:
    weights: FloatArray  # buckets x heads
    bias: FloatArray
    heads: tuple[str, ...]
    digest: str


@dataclass(frozen=True, eq=False)
class ToneModel:
    """Shipped tone heads plus an optional sparse per-business adjustment of the rudeness head."""

    base: _Base
    adj_index: IndexArray
    adj_value: FloatArray
    adj_bias: float = 0.0
    n_marks: int = 0

    @property
    def is_adjusted(self) -> bool:
        """Whether staff marks have been learned into this model."""
        return self.n_marks > 0

    def shipped_logit(self, idx: IndexArray, w: FloatArray, lang: str) -> float:
        """Return the shipped rudeness logit (English head, or a fixed prior for other languages)."""
        if lang not in SHIPPED_RUDENESS_LANGS:
            return FOREIGN_PRIOR_LOGIT
        return float(self.base.weights[idx, 0] @ w) + float(self.base.bias[0])

    def offensive_logit(self, idx: IndexArray, w: FloatArray, lang: str) -> float:
        """Return the rudeness logit for already hashed features, adjustment included."""
        logit = self.shipped_logit(idx, w, lang) + self.adj_bias
        if self.adj_index.shape[0] and idx.shape[0]:
            pos = np.searchsorted(self.adj_index, idx)
            pos[pos >= self.adj_index.shape[0]] = 0
            hit = self.adj_index[pos] == idx
            logit += float(self.adj_value[pos[hit]] @ w[hit])
        return logit

    def scores(self, text: str, lang: str = "en") -> HeadScores:
        """Return every head's probabilities for *text* written in *lang*."""
        idx, w = hashed_features(text)
        raw = w @ self.base.weights[idx] if idx.shape[0] else np.zeros(len(self.base.heads), np.float32)
        raw = raw + self.base.bias
        off = _sigmoid(self.offensive_logit(idx, w, lang))
        groups: dict[str, dict[str, float]] = {"th": {}, "et": {}}
        for prefix, probs in groups.items():
            cols = [i for i, h in enumerate(self.base.heads) if h.startswith(prefix + ":")]
            soft = _softmax(raw[cols])
            for col, p in zip(cols, soft, strict=True):
                probs[self.base.heads[col].split(":", 1)[1]] = float(p)
        return HeadScores(offensive=off, thai=groups["th"], estonian=groups["et"])

    def to_bytes(self) -> bytes:
        """Serialise the per-business adjustment (not the shipped weights) for storage."""
        buf = io.BytesIO()
        meta = {"format": _FORMAT, "base": self.base.digest, "bias": self.adj_bias, "n_marks": self.n_marks}
        np.savez_compressed(
            buf,
            meta=np.array(json.dumps(meta)),
            index=self.adj_index.astype(np.int64),
            value=self.adj_value.astype(np.float32),
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, base: ToneModel | None = None) -> ToneModel:
        """Rebuild a model stored with :meth:`to_bytes` on top of *base* (default: the shipped model).

        Raises ValueError when the bytes are not a goodterms adjustment.
        """
        shipped = base if base is not None else load_default_model()
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                meta = json.loads(str(npz["meta"]))
                index = np.asarray(npz["index"], dtype=np.int64)
                value = np.asarray(npz["value"], dtype=np.float32)
        except (OSError, ValueError, KeyError) as exc:
            raise ValueError(f"not a stored tone model: {exc}") from exc
        if meta.get("format") != _FORMAT:
            raise ValueError(f"unknown tone model format {meta.get('format')!r}")
        if index.shape != value.shape or (index.shape[0] and (index.min() < 0 or index.max() >= N_BUCKETS)):
            raise ValueError("corrupt tone model adjustment")
        return cls(shipped.base, index, value, float(meta["bias"]), int(meta["n_marks"]))


def _sigmoid(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0))))


def _softmax(x: FloatArray) -> FloatArray:
    e = np.exp(x - x.max())
    out: FloatArray = (e / e.sum()).astype(np.float32)
    return out


@lru_cache(maxsize=1)
def load_default_model() -> ToneModel:
    """Load the packaged tone model once (cached)."""
    blob = resources.files("goodterms.text").joinpath("model/tone.npz").read_bytes()
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        weights = np.asarray(npz["weights"], dtype=np.float32)
        bias = np.asarray(npz["bias"], dtype=np.float32)
        heads = tuple(str(h) for h in npz["heads"])
    base = _Base(weights, bias, heads, hashlib.sha256(blob).hexdigest()[:16])
    return ToneModel(base, np.zeros(0, np.int64), np.zeros(0, np.float32))


def learn(
    marks: Iterable[tuple[str, bool]],
    base: ToneModel | None = None,
    *,
    strength: float = 1.0,
    steps: int = 300,
) -> ToneModel:
    """Fit a per-business adjustment of the rudeness head from staff marks ``(text, is_rude)``.

    The shipped weights stay fixed; a sparse L2-regularised correction is fitted on the n-grams of the
    marked messages, starting from *base*'s own adjustment, so learning again on new marks stacks up.
    ``strength`` scales how far the marks may move the model (higher = follows marks more closely).
    """
    from goodterms.text.language import detect_language

    model = base if base is not None else load_default_model()
    kept = [(text, bool(rude)) for text, rude in marks if text.strip()]
    rows = [(hashed_features(text), rude) for text, rude in kept]
    if not rows:
        return model
    index = np.unique(np.concatenate([model.adj_index, *(r[0][0] for r in rows)]))
    value = np.zeros(index.shape[0], np.float32)
    if model.adj_index.shape[0]:
        value[np.searchsorted(index, model.adj_index)] = model.adj_value
    cols = [np.searchsorted(index, idx) for (idx, _), _ in rows]
    feats = [w for (_, w), _ in rows]
    target = np.array([1.0 if rude else 0.0 for _, rude in rows], np.float32)
    shipped = np.array(
        [
            model.shipped_logit(idx, w, detect_language(text))
            for ((idx, w), _), (text, _) in zip(rows, kept, strict=True)
        ],
        np.float32,
    )
    bias = model.adj_bias
    l2 = 0.05 / max(strength, 1e-6)
    lr = 2.0
    n = float(len(rows))
    for _ in range(steps):
        logits = (
            shipped + bias + np.array([value[c] @ w for c, w in zip(cols, feats, strict=True)], np.float32)
        )
        err = 1.0 / (1.0 + np.exp(-logits)) - target
        grad = l2 * value
        for c, w, e in zip(cols, feats, err, strict=True):
            np.add.at(grad, c, (e / n) * w * 10.0)
        value -= lr * grad
        bias -= lr * 0.1 * float(err.mean())
    return ToneModel(model.base, index, value.astype(np.float32), float(bias), model.n_marks + len(rows))
