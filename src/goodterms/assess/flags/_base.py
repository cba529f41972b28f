"""What every flag module shares: building a finding with its evidence attached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from goodterms.assess.data import ClientFacts
from goodterms.assess.findings import Evidence, Finding, Measure, Severity
from goodterms.assess.messages import Message


def _attached(code: str, facts: ClientFacts) -> tuple[tuple[Evidence, ...], int]:
    evidence = facts.evidence.get(code, ())
    return evidence, facts.evidence_totals.get(code, len(evidence))


def finding(
    code: str,
    severity: Severity,
    facts: ClientFacts,
    summary: Message,
    measures: Mapping[str, Measure],
    threshold: Mapping[str, Measure],
) -> Finding:
    """Return a finding on ``facts`` with the evidence the loader attached for ``code``.

    ``summary`` is the message (key and parameters) any reader gets in their language; the finding also
    keeps it written in the language it was first written in (the business's), for the JSON contract.
    """
    evidence, total = _attached(code, facts)
    return Finding(
        code=code,
        severity=severity,
        summary=summary.text(),
        message=summary,
        measures={**measures, "evidence_total": total},
        threshold=threshold,
        evidence=evidence,
    )


def with_evidence(found: Finding, facts: ClientFacts) -> Finding:
    """Return ``found`` with the evidence loaded since it was raised (flags are pure: nothing else changes)."""
    evidence, total = _attached(found.code, facts)
    return replace(found, measures={**found.measures, "evidence_total": total}, evidence=evidence)
