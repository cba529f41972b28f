"""Combine the tone model's heads with the lexicons into a label, a score and the phrases behind it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from goodterms.text.features import bucket, normalise
from goodterms.text.lexicon import Hit
from goodterms.text.model import HeadScores, ToneModel

ToneLabel = Literal["polite", "neutral", "frustrated", "hostile"]

# An insult or threat from the lexicon adds this much to the rudeness logit; learned marks can outweigh it.
LEXICON_BOOST = 4.0
HOSTILE_AT = 0.5
# Without an insult, contempt or threat from the lexicons, the shipped rudeness head alone must be this sure:
# it learned on tweets and reads chasing, worry and price talk in customer mail as rude (docs/text-quality.md).
# A business's learned marks (an adjusted model) are trusted at HOSTILE_AT.
MODEL_ONLY_AT = 0.8
NEGATIVE_AT = 0.6
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Tone:
    """How a message reads: label, rudeness score 0..1 (1 = certainly hostile) and the phrases behind it."""

    label: ToneLabel
    score: float
    phrases: tuple[str, ...]
    # A threat (legal, reputational, public shaming, payment withheld as leverage, physical) reads as hostile
    # and is also reported on its own: the assessment counts threats apart from other hostility.
    threat: bool = False

    @property
    def stored(self) -> str:
        """The tone as the ledger stores it (``Contact.tone``): the label, or "threat" for a threat."""
        return "threat" if self.threat and self.label == "hostile" else self.label


def _negativity(lang: str, heads: HeadScores) -> float:
    if lang == "th":
        return heads.thai.get("neg", 0.0)
    if lang == "et":
        return heads.estonian.get("negatiivne", 0.0)
    return 0.0


def _model_words(text: str, model: ToneModel) -> tuple[str, ...]:
    """Words whose own n-gram pushes the rudeness head up the most (explains model-only labels)."""
    scored = []
    for word in set(_WORD.findall(normalise(text))):
        weight = float(model.base.weights[bucket("w:" + word), 0])
        if weight > 1.0:
            scored.append((weight, word))
    return tuple(word for _, word in sorted(scored, reverse=True)[:3])


def judge(text: str, lang: str, heads: HeadScores, hits: list[Hit], model: ToneModel) -> Tone:
    """Return the tone of *text* from head probabilities and lexicon hits."""
    by_cat: dict[str, list[str]] = {}
    for hit in hits:
        by_cat.setdefault(hit.category, []).append(hit.phrase)
    threats = by_cat.get("threat", [])
    aimed = threats + by_cat.get("insult", []) + by_cat.get("contempt", [])
    p = min(max(heads.offensive, 1e-6), 1 - 1e-6)
    logit = math.log(p / (1 - p)) + (LEXICON_BOOST if aimed else 0.0)
    score = 1.0 / (1.0 + math.exp(-logit))
    swearing = by_cat.get("profanity", [])
    if aimed and score >= HOSTILE_AT:
        # One stretch of text can match a phrase and a pattern: each phrase is given once.
        return Tone("hostile", round(score, 4), tuple(dict.fromkeys(aimed)), threat=bool(threats))
    if score >= (HOSTILE_AT if model.is_adjusted else MODEL_ONLY_AT) and (not swearing or model.is_adjusted):
        phrases = _model_words(text, model) or tuple(swearing)
        return Tone("hostile", round(score, 4), phrases)
    frustration = by_cat.get("frustration", []) + swearing
    if frustration or _negativity(lang, heads) >= NEGATIVE_AT:
        return Tone("frustrated", round(score, 4), tuple(frustration))
    polite = by_cat.get("politeness", [])
    if polite:
        return Tone("polite", round(score, 4), tuple(polite))
    return Tone("neutral", round(score, 4), ())
