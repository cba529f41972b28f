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


def test_threats_count_as_hostile_and_are_named_and_quoted_first(engine: Engine) -> None:
    rude = messages("rude", "hostile", "You are useless.")
    rude[0] = {**rude[0], "tone": "threat", "text": "Fix it or I leave a one-star review everywhere."}
    result = run(engine, portfolio(*healthy("rude"), *rude))
    found = flag(result, "rude", "hostile_tone")
    assert (found.measures["hostile"], found.measures["threats"]) == (6, 1)
    assert "1 of the hostile messages threatened us" in found.summary
    # The threat is the oldest message, but it leads the evidence.
    assert found.evidence[0].quote == "Fix it or I leave a one-star review everywhere."


def test_no_threat_sentence_without_threats(engine: Engine) -> None:
    rude = messages("rude", "hostile", "You are useless.")
    found = flag(run(engine, portfolio(*healthy("rude"), *rude)), "rude", "hostile_tone")
    assert found.measures["threats"] == 0
    assert "threatened" not in found.summary


def test_a_read_threat_is_stored_as_threat(engine: Engine) -> None:
    from sqlalchemy import select

    from goodterms.ledger.importing import import_event_dicts
    from goodterms.ledger.models import Contact
    from goodterms.tone_service import fill_tone

    texts = {"rude-m0": "I'm contacting a lawyer about the missed deadline.", "rude-m1": "Thanks, all good."}
    events = [{**e, "tone": None, "text": texts[str(e["id"])]} for e in messages("rude", "hostile", "")[:2]]
    import_event_dicts(engine, portfolio(*healthy("rude"), *events))
    assert fill_tone(engine=engine) >= 2
    with engine.connect() as conn:
        stored = dict(
            conn.execute(select(Contact.ext_id, Contact.tone).where(Contact.ext_id.in_(texts))).all()
        )
    assert stored == {"rude-m0": "threat", "rude-m1": "polite"}
