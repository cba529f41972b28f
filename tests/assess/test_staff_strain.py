from __future__ import annotations

from sqlalchemy import Engine

from tests.assess.builder import assert_healthy_clean, codes, flag, healthy, one, portfolio, run, t


def test_the_aggressive_medical_client_strains_staff(engine: Engine) -> None:
    calls = [
        {"type": "contact", "id": f"agg-x{n}", "client": "agg", "at": t(2 * n, 1.5), "channel": "call",
         "direction": "inbound", "duration_s": 1200, "problem": "wants it faster"}
        for n in range(40)
    ]  # fmt: skip
    missed = [
        {"type": "contact", "id": f"agg-m{n}", "client": "agg", "at": t(5 * n, 2.5), "channel": "call",
         "direction": "inbound", "answered": False}
        for n in range(15)
    ]  # fmt: skip
    notes = [
        {"type": "note", "id": f"agg-n{n}", "client": "agg", "at": t(20 * n + 1), "text": "rude again",
         "feeling": -2}
        for n in range(3)
    ]  # fmt: skip
    result = run(engine, portfolio(*healthy("agg"), *calls, *missed, *notes))
    assert_healthy_clean(result)
    found = flag(result, "agg", "staff_strain")
    # 120 + 800 call minutes on 21,600 THB, against 120 on 21,600 for the median client.
    assert found.measures["call_minutes"] == 920
    assert found.measures["ratio_to_median"] == round(920 / 120, 2)
    assert (found.measures["missed_calls"], found.measures["negative_notes"]) == (15, 3)
    assert found.severity == "high"
    assert {e.type for e in found.evidence} == {"contact", "note"}
    assert found.measures["evidence_total"] == 18
    assert one(result, "agg").verdict in ("renegotiate", "let_go")


def test_two_negative_notes_alone_are_a_low_warning_sign(engine: Engine) -> None:
    notes = [
        {"type": "note", "id": f"me-n{n}", "client": "me", "at": t(n + 1), "text": "dreading this call",
         "feeling": -1}
        for n in range(2)
    ]  # fmt: skip
    assert codes(run(engine, portfolio(*healthy("me"), *notes)), "me") == {"staff_strain": "low"}
