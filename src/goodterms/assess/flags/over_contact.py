"""over_contact: far more inbound contact per active week than the median client, and than revenue pays for."""

from __future__ import annotations

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding, Measure, ratio, rounded, severity_at_least, thresholds
from goodterms.assess.flags._base import finding

CODE = "over_contact"


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag a client whose contact volume is a multiple of the portfolio's, per week and per revenue."""
    cfg, port = ctx.settings, ctx.portfolio
    if facts.per_week < cfg.over_contact_min_per_week:
        return None
    by_week = ratio(facts.per_week, port.per_week)
    # Without an exchange rate the client's money cannot be compared: judge by volume alone.
    by_revenue = ratio(facts.per_1000_revenue, port.per_1000_revenue) if facts.revenue_known else float("inf")
    # Both must be high: many contacts from a client who pays for them is not a red flag.
    level = min(by_week, by_revenue)
    severity = severity_at_least(level, cfg.ratio_levels)
    if severity is None:
        return None
    lang = ctx.language
    text = msg.summary(
        CODE,
        lang,
        name=facts.name,
        per_week=msg.Num(facts.per_week),
        ratio=msg.Num(by_week),
    )
    measures: dict[str, Measure] = {
        "inbound_contacts": facts.inbound,
        "chases_excluded": facts.chases,
        "active_weeks": rounded(facts.weeks),
        "per_week": rounded(facts.per_week),
        "portfolio_median_per_week": rounded(port.per_week),
        "ratio_to_median": rounded(by_week),
        "per_1000_revenue": rounded(facts.per_1000_revenue),
        "portfolio_median_per_1000_revenue": rounded(port.per_1000_revenue),
        "ratio_to_median_per_revenue": rounded(by_revenue),
    }
    threshold = {**thresholds(cfg.ratio_levels), "min_per_week": cfg.over_contact_min_per_week}
    return finding(CODE, severity, facts, text, measures, threshold)
