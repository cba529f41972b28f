from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from goodterms.assess.flags.late_payment_trend import theil_sen
from tests.assess.builder import (
    assert_healthy_clean,
    codes,
    flag,
    healthy,
    invoice,
    portfolio,
    run,
    t,
    without,
)

LATER = datetime.fromisoformat(t(200))


def test_paying_later_each_cycle_is_caught_before_anything_is_badly_overdue(engine: Engine) -> None:
    bills = []
    for n in range(6):
        due = 28 * n + 14
        bills += invoice("slow", n, amount="7200.00", due_day=due, paid_day=due + 5 * n)
    result = run(engine, portfolio(*without(healthy("slow"), "invoice", "payment"), *bills), as_of=LATER)
    assert_healthy_clean(result)
    found = flag(result, "slow", "late_payment_trend")
    assert found.measures["days_late_by_cycle"] == "0, 5, 10, 15, 20, 25"
    assert found.measures["slope_days_per_cycle"] == 5
    assert found.measures["overdue_invoices"] == 0
    assert found.severity == "medium"


def test_an_overdue_invoice_counts_but_a_disputed_one_does_not(engine: Engine) -> None:
    owed = invoice("owe", 9, amount="1000.00", due_day=100, paid_day=None)
    disputed = [
        {**e, "disputed": True} for e in invoice("fair", 9, amount="1000.00", due_day=100, paid_day=None)
    ]
    result = run(engine, portfolio(*healthy("owe"), *owed, *healthy("fair"), *disputed), as_of=LATER)
    found = flag(result, "owe", "late_payment_trend")
    assert (found.measures["overdue_invoices"], found.measures["oldest_overdue_days"]) == (1, 100)
    assert found.severity == "high"
    assert "late_payment_trend" not in codes(result, "fair")


def test_theil_sen_slope_ignores_one_outlier() -> None:
    assert theil_sen([0, 5, 10, 100, 20, 25]) == 5
    assert theil_sen([3]) == 0
