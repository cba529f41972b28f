"""rush_demands: deadlines shorter than the normal turnaround for the kind of work, again and again."""

from __future__ import annotations

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding, Measure, rounded, severity_at_least, thresholds
from goodterms.assess.flags._base import finding

CODE = "rush_demands"


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag a client whose requests repeatedly ask for less than the normal turnaround."""
    cfg = ctx.settings
    if facts.rushes < cfg.rush_min_count or not facts.requests:
        return None
    share = facts.rushes / facts.requests
    severity = severity_at_least(share, cfg.rush_share)
    if severity is None:
        return None
    text = msg.summary(CODE, ctx.language, name=facts.name, rushes=facts.rushes, requests=facts.requests)
    measures: dict[str, Measure] = {
        "rushes": facts.rushes,
        "requests": facts.requests,
        "rush_share": rounded(share, 3),
        "portfolio_median_share": rounded(ctx.portfolio.rush_share, 3),
    }
    threshold = {
        **thresholds(cfg.rush_share),
        "min_count": cfg.rush_min_count,
        "default_turnaround_hours": cfg.default_turnaround_hours,
    }
    return finding(CODE, severity, facts, text, measures, threshold)
