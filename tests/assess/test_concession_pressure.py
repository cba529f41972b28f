from __future__ import annotations

from sqlalchemy import Engine

from tests.assess.builder import assert_healthy_clean, codes, flag, healthy, one, portfolio, run, t


def cheaper(events: list[dict[str, object]], amount: str) -> list[dict[str, object]]:
    return [{**e, "amount": amount} if e["type"] in ("invoice", "payment") else e for e in events]


def test_the_legal_client_asking_for_freebies_again_after_a_free_trial(engine: Engine) -> None:
    asks = [
        {"type": "concession", "id": "law-k1", "client": "law", "at": t(0), "kind": "discount"},
        {"type": "concession", "id": "law-k2", "client": "law", "at": t(7), "kind": "free_trial",
         "granted": True, "value": "3000.00"},
        {"type": "concession", "id": "law-k3", "client": "law", "at": t(77), "kind": "discount"},
    ]  # fmt: skip
    result = run(engine, portfolio(*cheaper(healthy("law"), "3600.00"), *asks))
    assert_healthy_clean(result)
    found = flag(result, "law", "concession_pressure")
    assert (found.measures["asks"], found.measures["asks_after_grant"], found.measures["grants"]) == (3, 1, 1)
    assert found.measures["value_share_of_revenue"] == round(3000 / 10800, 3)
    assert found.severity == "high"  # three asks (medium), one after a grant: one step worse
    assert codes(result, "law")["thin_margin"] == "medium"  # 10,800 THB over 27 h = 400/h, half the target
    law = one(result, "law")
    # His weekly ten-minute calls in office hours strain nobody: the thin margin is a money finding,
    # not staff strain (it used to be counted twice, as call minutes per revenue, with no evidence).
    assert "staff_strain" not in codes(result, "law")
    assert law.health == 100 - 6 * 3 - 7 * 2
    assert law.verdict == "renegotiate"
    assert {"review_price_scope", "be_firm_time_price"} <= {a["key"] for a in law.advice}


def test_one_discount_asked_and_refused_is_no_pressure(engine: Engine) -> None:
    ask = {"type": "concession", "id": "one-k1", "client": "one", "at": t(3), "kind": "discount"}
    assert codes(run(engine, portfolio(*healthy("one"), ask)), "one") == {}
