"""Identify the language of a short message: Thai, Estonian, English or other."""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
Language = Literal["th", "et", "en", "other"]
LANGUAGES: tuple[Language, ...] = ("th", "et", "en", "other")

# Latin text is Estonian or English unless the unrestricted classifier is very sure it is something else.
_OTHER_MIN_PROB = 0.9
_OTHER_MAX_ET_EN = 0.02
_OTHER_MIN_LETTERS = 15


class _Identifier:
    """py3langid's model, scored two ways: restricted to et/en, and over all its languages.

    The byte n-gram features are extracted once (py3langid's DFA walk) and scored with both, exactly as
    py3langid's ``rank`` (all languages) and ``classify`` after ``set_languages(["et", "en"])`` would with
    ``norm_probs=True``; tests/text/test_language.py checks that they agree. The class-conditional table is
    kept as float32 (one copy instead of two float16 ones, as two py3langid identifiers held): a float16
    product costs six times as much.
    """

    def __init__(self) -> None:
        import py3langid.langid as langid

        model = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
        self._visit = langid.visit_counts
        self._nextmove = model.tk_nextmove
        self._output = model.tk_output
        self._rowbase = [row << 8 for row in model.tk_row]
        self.classes: list[str] = list(model.nb_classes)
        self._ptc: FloatArray = np.asarray(model.nb_ptc, dtype=np.float32)
        self._pc: FloatArray = np.asarray(model.nb_pc)
        self._aliases = _alias_pairs(self.classes)
        self._et_en = (self.classes.index("et"), self.classes.index("en"))
        pair = [i for i, c in enumerate(self.classes) if c in ("et", "en")]
        self.pair_classes = [self.classes[i] for i in pair]
        self._pair_ptc: FloatArray = np.ascontiguousarray(self._ptc[:, pair])
        self._pair_pc: FloatArray = self._pc[pair]
        self._pair_aliases = _alias_pairs(self.pair_classes)

    def features(self, text: str) -> tuple[Any, int]:
        """Return py3langid's feature counts for *text* (None when it has none) and its UTF-8 length."""
        if text.isupper():
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")
        return self._visit(self._nextmove, self._rowbase, self._output, data), len(data)

    def probs(self, visits: Any, size: int, pair: bool = False) -> FloatArray:
        """Class probabilities (over et/en only with *pair*), as py3langid's ``LanguageIdentifier._decide``."""
        if not visits:
            pc = self._pair_pc if pair else self._pc
            return self._normalise(np.full(pc.shape[0], 0.0, dtype=np.float32), size, pair)
        idx, weight = self._sparse(visits)
        return self._normalise(self._raw(idx, weight, pair), size, pair)

    @staticmethod
    def _sparse(visits: Any) -> tuple[npt.NDArray[np.intp], FloatArray]:
        idx = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
        counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
        return idx, np.log1p(counts)

    def _raw(self, idx: npt.NDArray[np.intp], weight: FloatArray, pair: bool) -> FloatArray:
        """Naive-Bayes log scores per class."""
        if pair:
            return weight @ self._pair_ptc[idx] + self._pair_pc
        return weight @ self._ptc[idx] + self._pc

    def _normalise(self, scores: FloatArray, size: int, pair: bool) -> FloatArray:
        scores *= 1.0 / math.sqrt(size or 1)  # py3langid's length temperature
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        for i, j in self._pair_aliases if pair else self._aliases:
            scores[i] += scores[j]
            scores[j] = 0.0
        return scores

    def latin(self, text: str, letters: int) -> Language:
        visits, size = self.features(text)
        if not visits:
            return self._latin(self.probs(visits, size), self.probs(visits, size, pair=True), letters)
        idx, weight = self._sparse(visits)
        full = None
        if letters >= _OTHER_MIN_LETTERS:
            full = self._raw(idx, weight, pair=False)
            # "other" needs its best label at >= 0.9 and et + en under 0.02: impossible when et or en scores
            # highest (normalising is monotonic), so the probabilities are only needed otherwise.
            if self.classes[int(full.argmax())] in ("et", "en"):
                full = None
            else:
                full = self._normalise(full, size, pair=False)
        pair = self._raw(idx, weight, pair=True)
        first, second = (x / math.sqrt(size or 1) for x in pair.tolist())
        # A clear margin decides without normalising: exp and the division keep the order, and with the
        # scaled gap above 1e-3 (plus float32 rounding of the scaling) they cannot make the two equal. A near
        # tie goes the exact way.
        if not self._pair_aliases and abs(first - second) > 1e-3 + 1e-6 * max(abs(first), abs(second)):
            best = 0 if first > second else 1
        else:
            best = int(self._normalise(pair, size, pair=True).argmax())
        if full is not None and self._is_other(full):
            return "other"
        return "et" if self.pair_classes[best] == "et" else "en"

    def _latin(self, full: FloatArray, pair: FloatArray, letters: int) -> Language:
        if letters >= _OTHER_MIN_LETTERS and self._is_other(full):
            return "other"
        return "et" if self.pair_classes[int(pair.argmax())] == "et" else "en"

    def _is_other(self, probs: FloatArray) -> bool:
        best = int(probs.argmax())  # a label's first column holds its aliases' merged probability
        ours = float(probs[self._et_en[0]]) + float(probs[self._et_en[1]])
        label = self.classes[best]
        return label not in ("et", "en") and float(probs[best]) >= _OTHER_MIN_PROB and ours < _OTHER_MAX_ET_EN


def _alias_pairs(classes: list[str]) -> list[tuple[int, int]]:
    """(first column, duplicate column) for labels that appear more than once (py3langid's script aliases)."""
    first: dict[str, int] = {}
    pairs = []
    for i, label in enumerate(classes):
        if label in first:
            pairs.append((first[label], i))
        else:
            first[label] = i
    return pairs


@lru_cache(maxsize=1)
def _identifier() -> _Identifier:
    return _Identifier()


def script_counts(text: str) -> tuple[int, int, int]:
    """Count Thai, Latin and other letters in *text*."""
    if text.isascii():
        return 0, sum(map(str.isalpha, text)), 0
    thai = latin = other = 0
    for ch in text:
        if "\u0e00" <= ch <= "\u0e7f":
            thai += 1
        elif ch.isalpha():
            if ch.isascii() or unicodedata.name(ch, "").startswith("LATIN"):
                latin += 1
            else:
                other += 1
    return thai, latin, other


def detect_language(text: str) -> Language:
    """Return "th", "et", "en" or "other" for *text*; Thai by script, et/en by a restricted classifier."""
    thai, latin, other = script_counts(text)
    if thai and thai >= 0.3 * (latin + other):
        return "th"
    if latin == 0 or other > latin:
        return "other"
    if _has_estonian_letters(text):
        return "et"
    return _identifier().latin(text, latin)


def _has_estonian_letters(text: str) -> bool:
    # õ is Estonian-only among our languages; š/ž with ä/ö/ü are typical of Estonian as well.
    return "õ" in text.lower()
