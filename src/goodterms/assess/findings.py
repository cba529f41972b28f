"""Findings: what a flag says about a client, and the ledger records that prove it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal

from goodterms.assess.config import Levels
from goodterms.assess.messages import Message

Severity = Literal["low", "medium", "high"]
SEVERITY_POINTS: dict[str, int] = {"low": 1, "medium": 2, "high": 3}
Measure = int | float | str | None


@dataclass(frozen=True)
class Evidence:
    """One ledger record behind a finding: its event type, source id and time.

    Stored as it is (``Finding.to_json(stored=True)``): the JSON columns' writer (orjson) writes its
    fields in this order and ``at`` as ``isoformat`` does, the same JSON as ``to_json`` without building it.
    """

    type: str
    id: str
    at: datetime | None
    quote: ClassVar[str | None] = None  # a field of QuotedEvidence only

    def to_json(self) -> dict[str, Any]:
        at = self.at
        return {"type": self.type, "id": self.id, "at": None if at is None else at.isoformat()}


@dataclass(frozen=True)
class QuotedEvidence(Evidence):
    """A record cited with its words (a hostile message's text)."""

    quote: str  # type: ignore[misc]  # the base reads None: only quoted records carry the field

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "quote": self.quote}


def cite(type: str, id: str, at: datetime | None, quote: str | None = None) -> Evidence:
    """Return the evidence of a record, quoted when ``quote`` is given."""
    return Evidence(type, id, at) if quote is None else QuotedEvidence(type, id, at, quote)


@dataclass(frozen=True)
class Finding:
    """A red flag raised on a client (or on the business), explained.

    ``summary`` is written in the business's language; ``message`` (its key and parameters) lets every
    reader read it in their own (``Message.text``, or ``messages.reworded`` over the JSON).
    """

    code: str
    severity: Severity
    summary: str
    measures: Mapping[str, Measure]
    threshold: Mapping[str, Measure]
    evidence: tuple[Evidence, ...] = ()
    contribution: float = 0.0
    client: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    message: Message | None = None

    def summary_in(self, lang: str) -> str:
        """Return the summary in a reader's language (as written when the finding has no message)."""
        return self.summary if self.message is None else self.message.text(lang)

    def to_json(self, *, stored: bool = False) -> dict[str, Any]:
        """Return the finding as JSON; ``stored`` leaves the evidence records as they are for the JSON
        columns' writer (a portfolio cites hundreds of thousands of them: no dict is built for each)."""
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "summary": self.summary,
            "measures": dict(self.measures),
            "threshold": dict(self.threshold),
            "contribution": self.contribution,
            "evidence": list(self.evidence) if stored else [e.to_json() for e in self.evidence],
        }
        if self.message is not None:
            data["message"] = self.message.to_json()
        if self.client is not None:
            data["client"] = self.client
        return data


def severity_at_least(value: float, levels: Levels) -> Severity | None:
    """Return the severity a value reaches on rising levels (None below ``low``)."""
    if value >= levels.high:
        return "high"
    if value >= levels.medium:
        return "medium"
    if value >= levels.low:
        return "low"
    return None


def severity_at_most(value: float, levels: Levels) -> Severity | None:
    """Return the severity a value reaches on falling levels (None above ``low``)."""
    if value <= levels.high:
        return "high"
    if value <= levels.medium:
        return "medium"
    if value <= levels.low:
        return "low"
    return None


def worst(*severities: Severity | None) -> Severity | None:
    """Return the highest of some severities (None if all are None)."""
    best: Severity | None = None
    for severity in severities:
        if severity is not None and (best is None or SEVERITY_POINTS[severity] > SEVERITY_POINTS[best]):
            best = severity
    return best


def ratio(value: float, reference: float) -> float:
    """Return value / reference, infinite for a positive value over a zero reference."""
    if reference <= 0:
        return float("inf") if value > 0 else 0.0
    return value / reference


def rounded(value: float, places: int = 2) -> float | None:
    """Round a measure for JSON (infinity becomes None)."""
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return round(value, places)


def thresholds(levels: Levels) -> dict[str, Measure]:
    """Return levels as a threshold mapping."""
    return {"low": levels.low, "medium": levels.medium, "high": levels.high}
