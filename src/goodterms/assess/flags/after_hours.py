"""after_hours: inbound contact outside office hours (holidays included), late night weighted more."""

from __future__ import annotations

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context, after_hours_share
from goodterms.assess.findings import Finding, Measure, rounded, severity_at_least, thresholds
from goodterms.assess.flags._base import finding

CODE = "after_hours"


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag a client who often contacts us outside office hours, more than the portfolio does."""
    cfg = ctx.settings
    count = facts.after_hours + facts.late_night
    if count < cfg.after_hours_min_count:
        return None
    share = after_hours_share(facts, cfg)
    if share < cfg.after_hours_vs_median * ctx.portfolio.after_hours_share:
        return None
    severity = severity_at_least(share, cfg.after_hours_share)
    if severity is None:
        return None
    text = msg.summary(
        CODE, ctx.language, name=facts.name, count=count, total=facts.inbound, late=facts.late_night
    )
    measures: dict[str, Measure] = {
        "after_hours": facts.after_hours,
        "late_night": facts.late_night,
        "inbound_contacts": facts.inbound,
        "chases_excluded": facts.chases,
        "weighted_share": rounded(share, 3),
        "portfolio_median_share": rounded(ctx.portfolio.after_hours_share, 3),
    }
    threshold = {
        **thresholds(cfg.after_hours_share),
        "min_count": cfg.after_hours_min_count,
        "late_night_weight": cfg.late_night_weight,
        "times_median": cfg.after_hours_vs_median,
    }
    return finding(CODE, severity, facts, text, measures, threshold)
