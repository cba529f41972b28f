"""concession_pressure: discount, free-trial and free-work requests, especially again after getting one."""

from __future__ import annotations

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding, Measure, ratio, rounded, severity_at_least, thresholds, worst
from goodterms.assess.flags._base import finding

CODE = "concession_pressure"


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag repeated asks for concessions, asks after a grant and value given away against revenue."""
    cfg = ctx.settings
    if facts.concession_asks == 0:
        return None
    value_share = ratio(float(facts.granted_value), float(facts.revenue))
    by_asks = severity_at_least(facts.concession_asks, cfg.concession_asks)
    by_value = severity_at_least(value_share, cfg.concession_value_share) if facts.granted_value else None
    # Asking again after being given one is the pattern in the freebies story: one step worse.
    if facts.asks_after_grant:
        by_asks = "high" if by_asks in ("medium", "high") else "medium"
    severity = worst(by_asks, by_value)
    if severity is None:
        return None
    lang = ctx.language
    text = msg.summary(
        CODE,
        lang,
        name=facts.name,
        asks=facts.concession_asks,
        after=facts.asks_after_grant,
        value=msg.Money(facts.granted_value, ctx.currency),
        share=msg.Num(value_share * 100, 0),
    )
    measures: dict[str, Measure] = {
        "asks": facts.concession_asks,
        "asks_after_grant": facts.asks_after_grant,
        "grants": facts.grants,
        "value_given": str(facts.granted_value),
        "revenue": str(facts.revenue),
        "value_share_of_revenue": rounded(value_share, 3),
    }
    threshold = {
        **{f"asks_{k}": v for k, v in thresholds(cfg.concession_asks).items()},
        **{f"value_share_{k}": v for k, v in thresholds(cfg.concession_value_share).items()},
    }
    return finding(CODE, severity, facts, text, measures, threshold)
