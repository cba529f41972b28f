"""Score goodterms.text on the labelled business-message set (tests/data/business_messages.jsonl).

The set and how it was written are described in docs/text-quality.md. Each row: ``lang``, ``split`` (dev or
test), ``at`` (when it was sent, ISO with offset), ``tz`` (the client's zone), ``tone`` (polite, neutral,
frustrated, hostile or threat), ``discount`` (bool), ``deadline`` (the instant meant, ISO, or null) and ``text``.
A threat counts as hostile for the hostile-vs-rest score (hostile_tone counts both).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from goodterms.text.analysis import Analysis, analyze
from goodterms.text.model import ToneModel

DEADLINE_SLACK = timedelta(minutes=30)


@dataclass(frozen=True)
class Row:
    """One labelled business message."""

    id: str
    lang: str
    split: str
    at: datetime
    tz: str
    tone: str
    discount: bool
    deadline: datetime | None
    text: str


@dataclass(frozen=True)
class Scores:
    """The business-set figures for one language (see docs/text-quality.md for the goals)."""

    n: int
    hostile_f1: float  # macro-F1 of hostile (or threat) vs the rest
    threat_recall: float
    frustrated: int  # frustrated messages
    frustrated_hostile: int  # ... of them read as hostile
    discount_f1: float
    deadlines: int  # messages with a deadline
    deadline_right: int  # ... found and resolved to within DEADLINE_SLACK
    deadline_spurious: int  # messages without a deadline where one was found

    @property
    def deadline_accuracy(self) -> float:
        """Share of deadlines found at the right instant."""
        return self.deadline_right / self.deadlines if self.deadlines else 1.0


def read_rows(path: Path, split: str | None = None) -> list[Row]:
    """Read the set (optionally one split); raises ValueError naming the line of a malformed row."""
    rows: list[Row] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj: dict[str, Any] = json.loads(line)
            row = Row(
                id=str(obj["id"]),
                lang=str(obj["lang"]),
                split=str(obj["split"]),
                at=datetime.fromisoformat(obj["at"]),
                tz=str(obj["tz"]),
                tone=str(obj["tone"]),
                discount=bool(obj["discount"]),
                deadline=datetime.fromisoformat(obj["deadline"]) if obj["deadline"] else None,
                text=str(obj["text"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a business-message row ({exc})") from exc
        if split is None or row.split == split:
            rows.append(row)
    return rows


def read_row(row: Row, model: ToneModel | None = None) -> Analysis:
    """Analyse one row as the product would (its language given, its own sending time and zone)."""
    return analyze(row.text, lang=row.lang, at=row.at, tz=row.tz, model=model)


def is_hostile(analysis: Analysis) -> bool:
    """Whether the reading counts against the client (hostile, threats included)."""
    return analysis.tone.label == "hostile"


def _f1(gold: Sequence[bool], pred: Sequence[bool], positive: bool) -> float:
    tp = sum(g == positive and p == positive for g, p in zip(gold, pred, strict=True))
    fp = sum(g != positive and p == positive for g, p in zip(gold, pred, strict=True))
    fn = sum(g == positive and p != positive for g, p in zip(gold, pred, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def macro_f1(gold: Sequence[bool], pred: Sequence[bool]) -> float:
    """Macro-F1 over the two classes."""
    return (_f1(gold, pred, True) + _f1(gold, pred, False)) / 2


def deadline_right(row: Row, analysis: Analysis) -> bool:
    """Whether the deadline found is the one meant (within DEADLINE_SLACK), or none was meant and none found."""
    found = analysis.deadline
    if row.deadline is None:
        return found is None
    return found is not None and abs(found.at - row.deadline) <= DEADLINE_SLACK


def score(pairs: Iterable[tuple[Row, Analysis]]) -> Scores:
    """Score analysed rows of one language."""
    pairs = list(pairs)
    gold_h = [r.tone in ("hostile", "threat") for r, _ in pairs]
    pred_h = [is_hostile(a) for _, a in pairs]
    threats = [a for r, a in pairs if r.tone == "threat"]
    frustrated = [a for r, a in pairs if r.tone == "frustrated"]
    with_deadline = [(r, a) for r, a in pairs if r.deadline is not None]
    return Scores(
        n=len(pairs),
        hostile_f1=macro_f1(gold_h, pred_h),
        threat_recall=sum(a.tone.threat for a in threats) / len(threats) if threats else 1.0,
        frustrated=len(frustrated),
        frustrated_hostile=sum(is_hostile(a) for a in frustrated),
        discount_f1=_f1([r.discount for r, _ in pairs], [a.asks_discount for _, a in pairs], True),
        deadlines=len(with_deadline),
        deadline_right=sum(deadline_right(r, a) for r, a in with_deadline),
        deadline_spurious=sum(r.deadline is None and a.deadline is not None for r, a in pairs),
    )


def score_by_language(rows: Iterable[Row], model: ToneModel | None = None) -> dict[str, Scores]:
    """Analyse and score *rows*, per language."""
    by_lang: dict[str, list[tuple[Row, Analysis]]] = {}
    for row in rows:
        by_lang.setdefault(row.lang, []).append((row, read_row(row, model)))
    return {lang: score(pairs) for lang, pairs in sorted(by_lang.items())}
