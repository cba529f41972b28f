"""hostile_tone: share and trend of rude, aggressive or threatening inbound messages (frustrated is not hostile)."""

from __future__ import annotations

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding, Measure, ratio, rounded, severity_at_least, thresholds
from goodterms.assess.flags._base import finding

CODE = "hostile_tone"


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag a client whose messages are often hostile, with the hostile ones quoted as evidence."""
    cfg = ctx.settings
    if facts.hostile < cfg.hostile_min_count or not facts.toned:
        return None
    share = facts.hostile / facts.toned
    severity = severity_at_least(share, cfg.hostile_share)
    if severity is None:
        return None
    recent_share = ratio(facts.hostile_recent, facts.toned_recent)
    earlier = facts.toned - facts.toned_recent
    earlier_share = ratio(facts.hostile - facts.hostile_recent, earlier)
    lang = ctx.language
    text = msg.summary(
        CODE,
        lang,
        name=facts.name,
        hostile=facts.hostile,
        toned=facts.toned,
        share=msg.Num(share * 100, 0),
        recent=facts.hostile_recent,
        days=cfg.recent_days,
    )
    if facts.threats:
        # Threats are counted among the hostile messages and named apart; the evidence quotes them first.
        text = text.also("hostile_tone_threats", threats=facts.threats)
    trend = (
        "rising" if recent_share > earlier_share else "falling" if recent_share < earlier_share else "flat"
    )
    measures: dict[str, Measure] = {
        "hostile": facts.hostile,
        "messages_with_tone": facts.toned,
        "hostile_share": rounded(share, 3),
        "hostile_recent": facts.hostile_recent,
        "threats": facts.threats,
        "recent_share": rounded(recent_share, 3),
        "earlier_share": rounded(earlier_share, 3),
        "trend": trend if earlier and facts.toned_recent else None,
    }
    threshold = {**thresholds(cfg.hostile_share), "min_count": cfg.hostile_min_count}
    return finding(CODE, severity, facts, text, measures, threshold)
