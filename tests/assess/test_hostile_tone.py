from __future__ import annotations

from sqlalchemy import Engine

from tests.assess.builder import assert_healthy_clean, codes, flag, healthy, portfolio, run, t


def messages(cid: str, tone: str, text: str) -> list[dict[str, object]]:
    return [
        {"type": "contact", "id": f"{cid}-m{n}", "client": cid, "at": t(10 * n + 1), "channel": "email",
         "direction": "inbound", "tone": tone, "text": text}
        for n in range(6)
    ]  # fmt: skip


def test_hostile_messages_are_flagged_with_quotes(engine: Engine) -> None:
    rude = messages("rude", "hostile", "You are useless.   I will sue you   if this is late again!")
    result = run(engine, portfolio(*healthy("rude"), *rude))
    assert_healthy_clean(result)
    found = flag(result, "rude", "hostile_tone")
    assert (found.measures["hostile"], found.measures["messages_with_tone"]) == (6, 18)
    assert found.measures["hostile_share"] == 0.333
    assert found.severity == "medium"
    assert found.evidence[0].quote == "You are useless. I will sue you if this is late again!"


def test_frustrated_is_not_hostile(engine: Engine) -> None:
    tired = messages("tired", "frustrated", "Still waiting, this is really frustrating.")
    assert "hostile_tone" not in codes(run(engine, portfolio(*healthy("tired"), *tired)), "tired")
