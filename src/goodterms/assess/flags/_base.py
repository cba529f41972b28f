"""What every flag module shares: building a finding with its evidence attached."""

from __future__ import annotations

from collections.abc import Mapping

from goodterms.assess.data import ClientFacts
from goodterms.assess.findings import Finding, Measure, Severity


def finding(
    code: str,
    severity: Severity,
    facts: ClientFacts,
    summary: str,
    measures: Mapping[str, Measure],
    threshold: Mapping[str, Measure],
) -> Finding:
    """Return a finding on ``facts`` with the evidence the loader attached for ``code``."""
    evidence = facts.evidence.get(code, ())
    total = facts.evidence_totals.get(code, len(evidence))
    return Finding(
        code=code,
        severity=severity,
        summary=summary,
        measures={**measures, "evidence_total": total},
        threshold=threshold,
        evidence=evidence,
    )
