"""staff_strain: strain on staff — hard calls taken, calls missed or avoided, negative staff notes.

Not a second count of contact volume (over_contact and after_hours are that): a *hard call* is an
inbound call staff took that was long (``long_call_minutes``) or hostile; one taken outside office
hours counts twice. Every count here is cited as evidence: the hard and the missed calls, and the
negative notes.
"""

from __future__ import annotations

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding, Measure, ratio, rounded, severity_at_least, thresholds, worst
from goodterms.assess.flags._base import finding

CODE = "staff_strain"


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag a client who wears staff down: hard calls taken, calls avoided, negative notes."""
    cfg = ctx.settings
    missed_share = ratio(facts.missed_calls, facts.inbound_calls)
    severity = worst(
        severity_at_least(facts.strained_calls + facts.late_calls, cfg.strained_calls),
        severity_at_least(missed_share, cfg.missed_call_share)
        if facts.missed_calls >= cfg.missed_call_min_count
        else None,
        severity_at_least(facts.negative_notes, cfg.negative_notes),
    )
    if severity is None:
        return None
    lang = ctx.language
    text = msg.summary(
        CODE,
        lang,
        name=facts.name,
        strained=facts.strained_calls,
        long=facts.long_calls,
        long_min=msg.Num(cfg.long_call_minutes, 0),
        late=facts.late_calls,
        hostile=facts.hostile_calls,
        missed=facts.missed_calls,
        calls=facts.inbound_calls,
        notes=facts.negative_notes,
    )
    measures: dict[str, Measure] = {
        "strained_calls": facts.strained_calls,
        "strain_points": facts.strained_calls + facts.late_calls,
        "long_calls": facts.long_calls,
        "late_calls_taken": facts.late_calls,
        "hostile_calls_taken": facts.hostile_calls,
        "inbound_calls": facts.inbound_calls,
        "missed_calls": facts.missed_calls,
        "missed_share": rounded(missed_share, 3),
        "staff_notes": facts.notes,
        "negative_notes": facts.negative_notes,
    }
    threshold = {
        **{f"strained_calls_{k}": v for k, v in thresholds(cfg.strained_calls).items()},
        **{f"missed_share_{k}": v for k, v in thresholds(cfg.missed_call_share).items()},
        **{f"negative_notes_{k}": v for k, v in thresholds(cfg.negative_notes).items()},
        "missed_min_count": cfg.missed_call_min_count,
        "long_call_minutes": cfg.long_call_minutes,
    }
    return finding(CODE, severity, facts, text, measures, threshold)
