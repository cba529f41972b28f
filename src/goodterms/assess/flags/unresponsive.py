"""unresponsive: approval and feedback asks that wait on the client, and the delay that causes."""

from __future__ import annotations

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding, Measure, rounded, severity_at_least, thresholds
from goodterms.assess.flags._base import finding

CODE = "unresponsive"


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag a client whose late or missing answers hold the work up."""
    cfg = ctx.settings
    if not facts.asks or facts.median_wait_days <= ctx.portfolio.median_wait_days:
        return None
    severity = severity_at_least(facts.delay_days, cfg.delay_days)
    if severity is None:
        return None
    lang = ctx.language
    text = msg.summary(
        CODE,
        lang,
        name=facts.name,
        unanswered=facts.unanswered,
        asks=facts.asks,
        median=msg.Num(facts.median_wait_days),
        longest=msg.Num(facts.longest_wait_days),
        delay=msg.Num(facts.delay_days),
    )
    measures: dict[str, Measure] = {
        "asks": facts.asks,
        "unanswered": facts.unanswered,
        "median_wait_days": rounded(facts.median_wait_days),
        "longest_wait_days": rounded(facts.longest_wait_days),
        "delay_days": rounded(facts.delay_days),
        "portfolio_median_wait_days": rounded(ctx.portfolio.median_wait_days),
    }
    threshold = {**thresholds(cfg.delay_days), "grace_days": cfg.feedback_grace_days}
    return finding(CODE, severity, facts, text, measures, threshold)
