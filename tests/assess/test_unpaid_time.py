from __future__ import annotations

from sqlalchemy import Engine

from tests.assess.builder import assert_healthy_clean, flag, healthy, portfolio, run, t


def test_much_non_billable_work_is_unpaid_time(engine: Engine) -> None:
    free = [
        {"type": "work", "id": f"free-nb{w}", "client": "free", "at": t(7 * w, 3), "minutes": 240,
         "billable": False}
        for w in range(12)
    ]  # fmt: skip
    result = run(engine, portfolio(*healthy("free"), *free))
    assert_healthy_clean(result)
    found = flag(result, "free", "unpaid_time")
    # Handling: 12 e-mails x 5 min + 12 calls x 10 min = 3 h; work 24 h billable + 48 h not.
    assert found.measures["nonbillable_hours"] == 48
    assert found.measures["contact_handling_hours"] == 3
    assert found.measures["unpaid_share"] == round(51 / 75, 3)
    assert found.measures["portfolio_median_share"] == round(3 / 27, 3)
    assert found.severity == "high"
    # Cited: the 12 non-billable work logs and the 24 contacts whose handling time counts.
    assert {e.type for e in found.evidence} == {"work", "contact"}
    assert found.measures["evidence_total"] == 12 + 24
