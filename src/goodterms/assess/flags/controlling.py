"""controlling: approval rounds and change requests per delivery far above the portfolio."""

from __future__ import annotations

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding, Measure, ratio, rounded, severity_at_least, thresholds
from goodterms.assess.flags._base import finding

CODE = "controlling"


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag a client who wants many more approval rounds and edits per delivery than others."""
    cfg, port = ctx.settings, ctx.portfolio
    if facts.approval_rounds < cfg.controlling_min_rounds:
        return None
    per_delivery = facts.changes_per_delivery
    level = ratio(per_delivery, port.changes_per_delivery)
    severity = severity_at_least(level, cfg.ratio_levels)
    if severity is None:
        return None
    lang = ctx.language
    # Against a typical client who needs none, a multiple means nothing: say so in words.
    text = msg.summary(
        CODE if level != float("inf") else f"{CODE}:none",
        lang,
        name=facts.name,
        per_delivery=msg.Num(per_delivery),
        ratio=msg.Num(level),
    )
    measures: dict[str, Measure] = {
        "approval_rounds": facts.approval_rounds,
        "change_requests": facts.change_requests,
        "deliveries": facts.deliveries,
        "per_delivery": rounded(per_delivery),
        "portfolio_median_per_delivery": rounded(port.changes_per_delivery),
        "ratio_to_median": rounded(level),
    }
    threshold = {**thresholds(cfg.ratio_levels), "min_rounds": cfg.controlling_min_rounds}
    return finding(CODE, severity, facts, text, measures, threshold)
