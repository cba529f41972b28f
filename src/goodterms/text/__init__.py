"""Text analysis for client messages in Thai, Estonian and English (pure: no I/O but the packaged model)."""

from __future__ import annotations

from goodterms.text.analysis import Analysis, analyze
from goodterms.text.deadline import Deadline, find_deadline
from goodterms.text.discount import find_discount
from goodterms.text.language import Language, detect_language
from goodterms.text.model import ToneModel, learn, load_default_model
from goodterms.text.tokenize import stems, tokenize
from goodterms.text.tone import Tone, ToneLabel

__all__ = [
    "Analysis",
    "Deadline",
    "Language",
    "Tone",
    "ToneLabel",
    "ToneModel",
    "analyze",
    "detect_language",
    "find_deadline",
    "find_discount",
    "learn",
    "load_default_model",
    "stems",
    "tokenize",
]
