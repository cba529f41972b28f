"""thin_margin: revenue per hour of all time spent far below the business's target or the portfolio."""

from __future__ import annotations

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding, Measure, rounded, severity_at_most, thresholds
from goodterms.assess.flags._base import finding

CODE = "thin_margin"


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag a client whose effective hourly rate is well below the reference rate."""
    cfg = ctx.settings
    rate = facts.effective_rate
    if rate is None or not facts.revenue_known or facts.total_min < cfg.min_hours * 60:
        return None
    target = float(ctx.target_hourly_rate) if ctx.target_hourly_rate else None
    reference = target if target else ctx.portfolio.effective_rate
    if reference <= 0:
        return None
    share = rate / reference
    severity = severity_at_most(share, cfg.margin_ratio)
    if severity is None:
        return None
    lang = ctx.language
    text = msg.summary(
        CODE,
        lang,
        name=facts.name,
        rate=msg.Money(round(rate, 2), ctx.currency),
        reference=msg.Money(round(reference, 2), ctx.currency),
    )
    measures: dict[str, Measure] = {
        "revenue": str(facts.revenue),
        "hours_spent": rounded(facts.total_min / 60),
        "effective_hourly_rate": rounded(rate),
        "reference_rate": rounded(reference),
        "reference": "target" if target else "portfolio_median",
        "portfolio_median_rate": rounded(ctx.portfolio.effective_rate),
        "share_of_reference": rounded(share, 3),
    }
    return finding(CODE, severity, facts, text, measures, thresholds(cfg.margin_ratio))
