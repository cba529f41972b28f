from __future__ import annotations

from sqlalchemy import Engine

from tests.assess.builder import assert_healthy_clean, flag, healthy, portfolio, run


def test_a_client_paying_half_the_target_rate_for_all_time_spent_is_thin_margin(engine: Engine) -> None:
    thin = [{**e, "amount": "3600.00"} if e["type"] in ("invoice", "payment") else e for e in healthy("thin")]
    result = run(engine, portfolio(*thin))
    assert_healthy_clean(result)
    found = flag(result, "thin", "thin_margin")
    assert found.measures["hours_spent"] == 27  # 24 h work + 1 h e-mail + 2 h calls
    assert found.measures["effective_hourly_rate"] == 400
    assert (found.measures["reference"], found.measures["reference_rate"]) == ("target", 800)
    assert found.severity == "medium"
