from __future__ import annotations

from sqlalchemy import Engine

from tests.assess.builder import HEALTHY, assert_healthy_clean, one, portfolio, run


def test_healthy_clients_get_no_flags_full_health_and_keep(engine: Engine) -> None:
    result = run(engine, portfolio())
    assert_healthy_clean(result)
    assert [one(result, cid).health for cid in HEALTHY] == [100] * len(HEALTHY)
    assert result.business == []
    assert one(result, "h1").advice[0]["key"] == "keep_up"
