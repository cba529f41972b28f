"""The red flags: one pure module per flag, each ``check(facts, ctx) -> Finding | None``."""

from __future__ import annotations

from collections.abc import Callable

from goodterms.assess.data import ClientFacts, Context
from goodterms.assess.findings import Finding
from goodterms.assess.flags import (
    after_hours,
    concession_pressure,
    controlling,
    hostile_tone,
    late_payment_trend,
    over_contact,
    rush_demands,
    staff_strain,
    thin_margin,
    unpaid_time,
    unresponsive,
)

Check = Callable[[ClientFacts, Context], Finding | None]

#: Every client flag by its stable code, in the order they are reported.
FLAGS: dict[str, Check] = {
    module.CODE: module.check
    for module in (
        over_contact,
        after_hours,
        rush_demands,
        unpaid_time,
        concession_pressure,
        hostile_tone,
        staff_strain,
        unresponsive,
        controlling,
        late_payment_trend,
        thin_margin,
    )
}


def run_flags(facts: ClientFacts, ctx: Context) -> list[Finding]:
    """Run every flag on one client and return the findings raised."""
    return [found for check in FLAGS.values() if (found := check(facts, ctx)) is not None]
