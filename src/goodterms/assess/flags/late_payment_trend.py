"""late_payment_trend: days late rising over billing cycles (Theil-Sen slope), and what is overdue now."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from goodterms.assess import messages as msg
from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding, Measure, rounded, severity_at_least, thresholds, worst
from goodterms.assess.flags._base import finding

CODE = "late_payment_trend"


def theil_sen(values: Sequence[float]) -> float:
    """Return the median of pairwise slopes of ``values`` over their positions (0 for fewer than 2)."""
    slopes = [
        (values[j] - values[i]) / (j - i) for i in range(len(values)) for j in range(i + 1, len(values))
    ]
    return median(slopes) if slopes else 0.0


def check(facts: ClientFacts, ctx: Context) -> Finding | None:
    """Flag a client who pays later each cycle, or has invoices overdue now (disputed ones excluded)."""
    cfg = ctx.settings
    undisputed = [inv for inv in facts.invoices if not inv.disputed]
    cycles = sorted(undisputed, key=lambda inv: (inv.due, inv.id))[-cfg.late_max_cycles :]
    slope = theil_sen([inv.days_late for inv in cycles]) if len(cycles) >= cfg.late_min_cycles else 0.0
    overdue = [inv for inv in facts.invoices if not inv.paid and not inv.disputed and inv.days_late > 0]
    oldest = max((inv.days_late for inv in overdue), default=0.0)
    severity = worst(
        severity_at_least(slope, cfg.late_slope_days),
        severity_at_least(oldest, cfg.overdue_days) if overdue else None,
    )
    if severity is None:
        return None
    lang = ctx.language
    text = msg.summary(
        CODE,
        lang,
        name=facts.name,
        slope=msg.Num(slope),
        cycles=len(cycles),
        overdue=len(overdue),
        overdue_days=msg.Num(oldest, 0),
    )
    measures: dict[str, Measure] = {
        "cycles": len(cycles),
        "days_late_by_cycle": ", ".join(f"{inv.days_late:g}" for inv in cycles),
        "slope_days_per_cycle": rounded(slope),
        "overdue_invoices": len(overdue),
        "overdue_amount": str(sum((inv.amount for inv in overdue), start=type(facts.revenue)(0))),
        "oldest_overdue_days": rounded(oldest, 0),
    }
    threshold = {
        **{f"slope_{k}": v for k, v in thresholds(cfg.late_slope_days).items()},
        **{f"overdue_days_{k}": v for k, v in thresholds(cfg.overdue_days).items()},
        "min_cycles": cfg.late_min_cycles,
    }
    return finding(CODE, severity, facts, text, measures, threshold)
