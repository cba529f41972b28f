"""Fairness: a client who chases us because we were slow is not difficult; our slowness is a finding on us.

A *chase* is an inbound contact about a request (``contacts.request_id``) made after the request was
filed and before any resolving reply to it: the client is following up because they have not been
answered (whether or not our promised time had passed yet). ``load.py`` applies the same rule in SQL
(``is_chase`` is its reference). Chases are left out of over_contact, after_hours and contact
handling time, and every request we answered after our promised time (``promised_at``, else the
response target in business hours) becomes part of a ``slow_response`` finding on the business.
"""

from __future__ import annotations

from datetime import datetime

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Evidence, Finding, Measure, Severity

CODE = "slow_response"


def is_chase(contact_at: datetime, request_at: datetime, first_resolved_at: datetime | None) -> bool:
    """Say whether a contact about a request chases an answer we still owed."""
    return contact_at > request_at and (first_resolved_at is None or first_resolved_at > contact_at)


def slow_response(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Return the business's finding for the client's requests we answered late, if any."""
    late = facts.late_requests
    if not late:
        return None
    chases = sum(r.chases for r in late)
    longest = max(r.hours_late for r in late)
    lang = ctx.language
    text = msg.summary(CODE, lang, name=facts.name, late=len(late), hours=msg.Num(longest, 0), chases=chases)
    cap = ctx.settings.evidence_cap
    evidence = tuple(Evidence("request", r.id, r.at) for r in late[:cap]) + facts.evidence.get(CODE, ())
    measures: dict[str, Measure] = {
        "late_requests": len(late),
        "unanswered_past_promise": sum(1 for r in late if not r.answered),
        "longest_business_hours_late": round(longest, 1),
        "median_business_hours_late": round(sorted(r.hours_late for r in late)[len(late) // 2], 1),
        "chases_by_client": chases,
        "chases_excluded_from_flags": facts.chases,
    }
    severity: Severity = "high" if len(late) >= 5 else "medium" if len(late) >= 2 else "low"
    return Finding(
        code=CODE,
        severity=severity,
        summary=text.text(),
        message=text,
        measures=measures,
        threshold={"late_requests_low": 1, "late_requests_medium": 2, "late_requests_high": 5},
        evidence=evidence,
        client=facts.id,
    )
