"""unpaid_time: non-billable work and contact handling as a share of all time, far above the portfolio."""

from __future__ import annotations

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding, Measure, rounded, severity_at_least, thresholds
from goodterms.assess.flags._base import finding

CODE = "unpaid_time"


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag a client for whom much of the time spent is never paid for."""
    cfg, port = ctx.settings, ctx.portfolio
    if facts.total_min < cfg.min_hours * 60:
        return None
    share = facts.unpaid_share
    if share < cfg.unpaid_vs_median * port.unpaid_share:
        return None
    severity = severity_at_least(share, cfg.unpaid_share)
    if severity is None:
        return None
    lang = ctx.language
    text = msg.summary(
        CODE,
        lang,
        name=facts.name,
        share=msg.Num(share * 100, 0),
        median=msg.Num(port.unpaid_share * 100, 0),
    )
    measures: dict[str, Measure] = {
        "unpaid_hours": rounded((facts.nonbillable_min + facts.handling_min) / 60),
        "nonbillable_hours": rounded(facts.nonbillable_min / 60),
        "contact_handling_hours": rounded(facts.handling_min / 60),
        "total_hours": rounded(facts.total_min / 60),
        "unpaid_share": rounded(share, 3),
        "portfolio_median_share": rounded(port.unpaid_share, 3),
    }
    threshold = {
        **thresholds(cfg.unpaid_share),
        "times_median": cfg.unpaid_vs_median,
        "min_hours": cfg.min_hours,
    }
    return finding(CODE, severity, facts, text, measures, threshold)
