"""What every flag module shares: building a finding with its evidence attached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from goodterms.assess.data import ClientFacts
from goodterms.assess.findings import Evidence, Finding, Measure, Severity


def _attached(code: str, facts: ClientFacts) -> tuple[tuple[Evidence, ...], int]:
    evidence = facts.evidence.get(code, ())
    return evidence, facts.evidence_totals.get(code, len(evidence))


def finding(
    code: str,
    severity: Severity,
    facts: ClientFacts,
    summary: str,
    measures: Mapping[str, Measure],
    threshold: Mapping[str, Measure],
) -> Finding:
    """Return a finding on ``facts`` with the evidence the loader attached for ``code``."""
    evidence, total = _attached(code, facts)
    return Finding(
        code=code,
        severity=severity,
        summary=summary,
        measures={**measures, "evidence_total": total},
        threshold=threshold,
        evidence=evidence,
    )


def with_evidence(found: Finding, facts: ClientFacts) -> Finding:
    """Return ``found`` with the evidence loaded since it was raised (flags are pure: nothing else changes)."""
    evidence, total = _attached(found.code, facts)
    return replace(found, measures={**found.measures, "evidence_total": total}, evidence=evidence)
