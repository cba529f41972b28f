"""staff_strain: staff time on the client's calls against revenue, missed or avoided calls, negative notes."""

from __future__ import annotations

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding, Measure, ratio, rounded, severity_at_least, thresholds, worst
from goodterms.assess.flags._base import finding

CODE = "staff_strain"


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag a client who wears staff down: long calls for the money, calls avoided, negative notes."""
    cfg, port = ctx.settings, ctx.portfolio
    by_calls = (
        ratio(facts.call_min_per_1000, port.call_min_per_1000)
        if facts.call_min >= 60 and facts.revenue_known
        else 0.0
    )
    missed_share = ratio(facts.missed_calls, facts.inbound_calls)
    severity = worst(
        severity_at_least(by_calls, cfg.ratio_levels),
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
        call_min=msg.number(facts.call_min_per_1000, lang, 0),
        ratio=msg.number(by_calls, lang),
        missed=facts.missed_calls,
        notes=facts.negative_notes,
    )
    measures: dict[str, Measure] = {
        "call_minutes": rounded(facts.call_min, 1),
        "call_minutes_per_1000_revenue": rounded(facts.call_min_per_1000),
        "portfolio_median_per_1000_revenue": rounded(port.call_min_per_1000),
        "ratio_to_median": rounded(by_calls),
        "inbound_calls": facts.inbound_calls,
        "missed_calls": facts.missed_calls,
        "missed_share": rounded(missed_share, 3),
        "staff_notes": facts.notes,
        "negative_notes": facts.negative_notes,
    }
    threshold = {
        **{f"call_ratio_{k}": v for k, v in thresholds(cfg.ratio_levels).items()},
        **{f"missed_share_{k}": v for k, v in thresholds(cfg.missed_call_share).items()},
        **{f"negative_notes_{k}": v for k, v in thresholds(cfg.negative_notes).items()},
        "missed_min_count": cfg.missed_call_min_count,
    }
    return finding(CODE, severity, facts, text, measures, threshold)
