"""The tone model: shipped linear (NB-LR) heads over hashed tf-idf n-grams (optionally with sentence-embedding heads),
plus a per-business adjustment."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import cast

import numpy as np
import numpy.typing as npt

from goodterms.text.embed import EmbedHeads
from goodterms.text.features import N_BUCKETS, term_counts

FloatArray = npt.NDArray[np.float32]
IndexArray = npt.NDArray[np.int64]

_FORMAT = "goodterms-tone-adjustment/2"
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
    idf: FloatArray
    # True when multi-class groups are one-vs-rest columns (NB-LR): probabilities are normalised sigmoids.
    ovr: bool = False

    @cached_property
    def groups(self) -> tuple[tuple[str, slice | IndexArray, tuple[str, ...]], ...]:
        """Per language group ("th", "et"): its head columns (a slice when adjacent) and class names in order."""
        out: list[tuple[str, slice | IndexArray, tuple[str, ...]]] = []
        for prefix in ("th", "et"):
            cols = [i for i, h in enumerate(self.heads) if h.startswith(prefix + ":")]
            names = tuple(self.heads[c].split(":", 1)[1] for c in cols)
            adjacent = bool(cols) and cols == list(range(cols[0], cols[0] + len(cols)))
            out.append(
                (prefix, slice(cols[0], cols[-1] + 1) if adjacent else np.array(cols, np.int64), names)
            )
        return tuple(out)


@dataclass(frozen=True, eq=False)
class ToneModel:
    """Shipped tone heads plus an optional sparse per-business adjustment of the rudeness head."""

    base: _Base
    adj_index: IndexArray
    adj_value: FloatArray
    adj_bias: float = 0.0
    n_marks: int = 0
    embed: EmbedHeads | None = field(default=None, repr=False)

    @property
    def is_adjusted(self) -> bool:
        """Whether staff marks have been learned into this model."""
        return self.n_marks > 0

    def features(self, text: str) -> tuple[IndexArray, FloatArray]:
        """Return the message's bucket indices and L2-normalised tf-idf weights."""
        idx, tf = term_counts(text)
        w = tf * self.base.idf[idx]
        norm = float(np.sqrt(w @ w))
        if norm > 0:
            w /= norm
        return idx, w.astype(np.float32, copy=False)

    def shipped_logit(
        self, idx: IndexArray, w: FloatArray, lang: str, vec: FloatArray | None = None
    ) -> float:
        """Return the shipped rudeness logit (English head, or a fixed prior for other languages).

        With embedding heads and the message's embedding *vec*, the English logit mixes the embedding head
        with an n-gram head: the embedding path's own (``EmbedHeads.ngram_offensive``) when it has one.
        """
        if lang not in SHIPPED_RUDENESS_LANGS:
            return FOREIGN_PRIOR_LOGIT
        if self.embed is None or vec is None:
            return float(self.base.weights[idx, 0] @ w) + float(self.base.bias[0])
        if self.embed.ngram_offensive is not None:
            partner, partner_bias = self.embed.ngram_offensive
            logit = float(partner[idx] @ w) + partner_bias
        else:
            logit = float(self.base.weights[idx, 0] @ w) + float(self.base.bias[0])
        p_emb = _sigmoid(float(self.embed.raw(vec)[0]))
        mix = self.embed.mix["offensive"]
        p = (1 - mix) * _sigmoid(logit) + mix * p_emb
        return _logit(p)

    def offensive_logit(
        self, idx: IndexArray, w: FloatArray, lang: str, vec: FloatArray | None = None
    ) -> float:
        """Return the rudeness logit for already computed features, adjustment included."""
        logit = self.shipped_logit(idx, w, lang, vec) + self.adj_bias
        if self.adj_index.shape[0] and idx.shape[0]:
            pos = np.searchsorted(self.adj_index, idx)
            pos[pos >= self.adj_index.shape[0]] = 0
            hit = self.adj_index[pos] == idx
            logit += float(self.adj_value[pos[hit]] @ w[hit])
        return logit

    def scores(self, text: str, lang: str = "en", groups: Collection[str] = ("th", "et")) -> HeadScores:
        """Return every head's probabilities for *text* written in *lang*.

        *groups* limits the multi-class heads computed to those language groups ("th", "et"); the others come
        back empty. ``analyze`` asks only for the message's own language, the only group its tone reads.
        """
        idx, w = self.features(text)
        wanted = [g for g in self.base.groups if g[0] in groups]
        vec = self.embed.vector(text) if self.embed is not None and lang in ("en", "th", "et") else None
        off = _sigmoid(self.offensive_logit(idx, w, lang, vec))
        probs: dict[str, dict[str, float]] = {"th": {}, "et": {}}
        if wanted:
            raw = w @ self.base.weights[idx] if idx.shape[0] else np.zeros(len(self.base.heads), np.float32)
            raw += self.base.bias
            # One-vs-rest groups: the sigmoid of every column at once, normalised within each group below.
            sig = _sigmoid_array(raw) if self.base.ovr else raw
            for prefix, cols, names in wanted:
                soft = _normalised(sig[cols]) if self.base.ovr else _softmax(raw[cols])
                if self.embed is not None and vec is not None and lang == prefix:
                    emb_cols = [self.embed.heads.index(f"{prefix}:{n}") for n in names]
                    mix = self.embed.mix[prefix]
                    soft = (1 - mix) * soft + mix * _softmax(self.embed.raw(vec)[emb_cols])
                probs[prefix] = dict(zip(names, soft.tolist(), strict=True))
        return HeadScores(offensive=off, thai=probs["th"], estonian=probs["et"])

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
        if meta.get("base") != shipped.base.digest:
            raise ValueError("the stored tone model was learned on another shipped model: run learn again")
        return cls(shipped.base, index, value, float(meta["bias"]), int(meta["n_marks"]), shipped.embed)


def _sigmoid(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-min(max(x, -30.0), 30.0))))


def _logit(p: float) -> float:
    q = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(q / (1 - q)))


def _sigmoid_array(x: FloatArray) -> FloatArray:
    # np.minimum/np.maximum: np.clip's values at a fraction of its cost; float32 in, float32 out.
    return cast(FloatArray, 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(x, -30.0), 30.0))))


def _normalised(s: FloatArray) -> FloatArray:
    out: FloatArray = (s / s.sum()).astype(np.float32, copy=False)
    return out


def _softmax(x: FloatArray) -> FloatArray:
    e = np.exp(x - x.max())
    out: FloatArray = (e / e.sum()).astype(np.float32)
    return out


@lru_cache(maxsize=2)
def load_default_model(embed: bool = False) -> ToneModel:
    """Load the packaged tone model once (cached).

    With ``embed=True`` the sentence-embedding heads are mixed in; that needs the ``goodterms[embed]`` extra
    and raises ``EmbedUnavailable`` (an ImportError naming the extra) without it.
    """
    blob = resources.files("goodterms.text").joinpath("model/tone.npz").read_bytes()
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        weights = np.asarray(npz["weights"], dtype=np.float32)
        bias = np.asarray(npz["bias"], dtype=np.float32)
        heads = tuple(str(h) for h in npz["heads"])
        idf = np.asarray(npz["idf"], dtype=np.float32)
        ovr = "proba" in npz.files and str(npz["proba"]) == "ovr"
    base = _Base(weights, bias, heads, hashlib.sha256(blob).hexdigest()[:16], idf, ovr)
    heads_e: EmbedHeads | None = None
    if embed:
        from goodterms.text.embed import load_embed_heads

        heads_e = load_embed_heads()
    return ToneModel(base, np.zeros(0, np.int64), np.zeros(0, np.float32), embed=heads_e)


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
    rows = [(model.features(text), rude) for text, rude in kept]
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
            model.shipped_logit(
                idx, w, lang, model.embed.vector(text) if model.embed is not None and lang == "en" else None
            )
            for ((idx, w), _), (text, _) in zip(rows, kept, strict=True)
            for lang in (detect_language(text),)
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
    return ToneModel(
        model.base, index, value.astype(np.float32), float(bias), model.n_marks + len(rows), model.embed
    )
