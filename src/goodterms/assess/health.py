"""The health score: 100 minus each finding's contribution, reproducible by hand.

A finding costs ``weight[code] x points[severity]`` health points, with points 1 (low), 2 (medium)
and 3 (high), and weights from ``[assess] weights``. The score is clamped to 0-100 and rounded to
a whole number; each finding carries its own (negative) contribution so the sum can be checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from goodterms.assess.config import AssessSettings
from goodterms.assess.findings import SEVERITY_POINTS, Finding


def contribution(found: Finding, settings: AssessSettings) -> float:
    """Return the (negative) health points one finding costs."""
    return -settings.weights.get(found.code, 0.0) * SEVERITY_POINTS[found.severity]


def score(findings: Sequence[Finding], settings: AssessSettings) -> tuple[int, list[Finding]]:
    """Return the health score and the findings with their contributions filled in."""
    scored = [replace(f, contribution=contribution(f, settings)) for f in findings]
    total = 100.0 + sum(f.contribution for f in scored)
    return round(min(100.0, max(0.0, total))), scored
