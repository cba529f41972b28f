from __future__ import annotations

from sqlalchemy import Engine

from tests.assess.builder import WEEKS, assert_healthy_clean, codes, healthy, one, portfolio, run, t

SPAN_WEEKS = (77 + 2 / 24) / 7  # first record T0, last the week-11 work log two hours later


def calls(cid: str, per_day: int) -> list[dict[str, object]]:
    """Short inbound calls during office hours, every working day for 12 weeks."""
    return [
        {"type": "contact", "id": f"{cid}-x{w}-{d}-{n}", "client": cid, "at": t(7 * w + d, n * 0.5),
         "channel": "call", "direction": "inbound", "duration_s": 60}
        for w in range(WEEKS) for d in range(5) for n in range(per_day)
    ]  # fmt: skip


def test_medical_client_calling_five_times_a_day_is_over_contact_high(engine: Engine) -> None:
    result = run(engine, portfolio(*healthy("med"), *calls("med", 5)))
    assert_healthy_clean(result)
    found = next(f for f in one(result, "med").flags if f.code == "over_contact")
    inbound = 24 + 12 * 5 * 5  # the healthy weekly e-mail and call, plus 300 calls
    assert found.measures["inbound_contacts"] == inbound
    per_week = inbound / ((81 + 2 / 24) / 7)  # the last call is on day 81 at 12:00
    assert found.measures["per_week"] == round(per_week, 2)
    assert found.measures["ratio_to_median"] == round(per_week / (24 / SPAN_WEEKS), 2)
    # Per revenue the median client (24 contacts, same revenue) sets the bar: 324 / 24 = 13.5 times.
    assert found.measures["ratio_to_median_per_revenue"] == 13.5
    assert found.severity == "high"
    assert found.measures["evidence_total"] == inbound
    assert len(found.evidence) == 50
    assert {e.type for e in found.evidence} == {"contact"}


def test_many_contacts_from_a_client_who_pays_for_them_is_not_over_contact(engine: Engine) -> None:
    big = healthy("big")
    for event in big:
        if event["type"] == "invoice":
            event["amount"] = "90000.00"
        if event["type"] == "payment":
            event["amount"] = "90000.00"
    result = run(engine, portfolio(*big, *calls("big", 1)))
    assert "over_contact" not in codes(result, "big")


def test_twice_the_median_is_low_and_below_twice_is_nothing(engine: Engine) -> None:
    # 24 + 36 = 60 contacts is 2.5x the median client's 24: low.
    extra = [
        {"type": "contact", "id": f"lo-x{n}", "client": "lo", "at": t(2 * n, 3), "channel": "sms",
         "direction": "inbound"}
        for n in range(36)
    ]  # fmt: skip
    result = run(engine, portfolio(*healthy("lo"), *extra, *healthy("ok"), *[
        {**e, "id": e["id"].replace("lo-", "ok-"), "client": "ok"} for e in extra[:20]
    ]))  # fmt: skip
    assert codes(result, "lo") == {"over_contact": "low"}
    assert "over_contact" not in codes(result, "ok")  # 44 / 24 = 1.8x
