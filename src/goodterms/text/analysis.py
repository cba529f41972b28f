"""Analyse one client message: language, tone, discount asks and deadline demands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from goodterms.text.deadline import Deadline, find_deadline
from goodterms.text.discount import find_discount
from goodterms.text.language import LANGUAGES, Language, detect_language
from goodterms.text.lexicon import find_hits
from goodterms.text.model import ToneModel, load_default_model
from goodterms.text.tone import Tone, judge


def _as_language(lang: str) -> Language:
    for known in LANGUAGES:
        if lang == known:
            return known
    raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")


@dataclass(frozen=True)
class Analysis:
    """What one message says about the client relationship."""

    language: Language
    tone: Tone
    asks_discount: bool
    discount_phrase: str | None
    deadline: Deadline | None

    def to_json(self) -> dict[str, Any]:
        """Return the JSON-ready dict: language, tone{label,score,phrases,threat}, asks_discount, deadline|null."""
        deadline = None
        if self.deadline is not None:
            deadline = {
                "at": self.deadline.at.isoformat(),
                "urgency": self.deadline.urgency,
                "phrase": self.deadline.phrase,
            }
        return {
            "language": self.language,
            "tone": {
                "label": self.tone.label,
                "score": self.tone.score,
                "phrases": list(self.tone.phrases),
                "threat": self.tone.threat,
            },
            "asks_discount": self.asks_discount,
            "deadline": deadline,
        }


def analyze(
    text: str,
    lang: str | None = None,
    at: datetime | None = None,
    tz: str | tzinfo = "UTC",
    model: ToneModel | None = None,
) -> Analysis:
    """Analyse *text*.

    Parameters:
        text: the message, any length (short chat messages work).
        lang: "th", "et", "en" or "other" when known; detected when None.
        at: when the message was sent, timezone-aware; deadlines are resolved relative to it (default: now).
        tz: IANA zone name in which "tomorrow morning" is meant (default UTC), or a tzinfo (e.g. the fixed
            offset the message's own time carries).
        model: a business's learned model (see ``learn``); default the shipped model.

    Raises ValueError for an unknown language, a naive *at* or an unknown time zone.
    """
    if isinstance(tz, str):
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {tz!r}") from exc
    moment = at if at is not None else datetime.now(UTC)
    language: Language = detect_language(text) if lang is None else _as_language(lang)
    tone_model = model if model is not None else load_default_model()
    hits = find_hits(text, language)
    # The tone reads the rudeness head and the message's own language's sentiment group only.
    heads = tone_model.scores(text, language, groups=(language,) if language in ("th", "et") else ())
    tone = judge(text, language, heads, hits, tone_model)
    discount = find_discount(text)
    return Analysis(
        language=language,
        tone=tone,
        asks_discount=discount is not None,
        discount_phrase=discount,
        deadline=find_deadline(text, moment, tz),
    )
