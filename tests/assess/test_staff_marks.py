"""A staff member's rude / not-rude mark is the business's judgement of that message: it counts at once."""

from __future__ import annotations

from sqlalchemy import Engine, select

from goodterms.assess.sql import hostile_message, toned_message
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from goodterms.tone_service import mark_message
from tests.assess.builder import codes, healthy, one, portfolio, run, t


def messages(cid: str, tone: str, text: str, n: int = 60) -> list[dict[str, object]]:
    return [
        {"type": "contact", "id": f"{cid}-m{k}", "client": cid, "at": t(30 + k // 5, 13.5),
         "channel": "email", "direction": "inbound", "tone": tone, "text": text}
        for k in range(n)
    ]  # fmt: skip


def hostile_measures(engine: Engine, events: list[dict[str, object]], cid: str) -> dict[str, object] | None:
    found = [f for f in one(run(engine, events), cid).flags if f.code == "hostile_tone"]
    return dict(found[0].measures) if found else None


def test_messages_marked_not_rude_no_longer_count_against_the_client(engine: Engine) -> None:
    events = portfolio(*healthy("x"), *messages("x", "hostile", "answer me now, you useless lot"))
    before = hostile_measures(engine, events, "x")
    assert before is not None and before["hostile"] == 60
    for k in range(30):
        mark_message(engine=engine, contact_ext_id=f"x-m{k}", rude=False)
    half = hostile_measures(engine, events, "x")
    assert half is not None and half["hostile"] == 30
    assert half["messages_with_tone"] == before["messages_with_tone"]  # still messages with a known tone
    for k in range(30, 60):
        mark_message(engine=engine, contact_ext_id=f"x-m{k}", rude=False)
    assert "hostile_tone" not in codes(run(engine, events), "x")


def test_messages_marked_rude_count_even_where_the_model_read_frustration(engine: Engine) -> None:
    events = portfolio(
        *healthy("y"), *messages("y", "frustrated", "Still waiting for the file, please reply.")
    )
    assert "hostile_tone" not in codes(run(engine, events), "y")
    for k in range(60):
        mark_message(engine=engine, contact_ext_id=f"y-m{k}", rude=True)
    result = run(engine, events)
    flag = next(f for f in one(result, "y").flags if f.code == "hostile_tone")
    assert flag.measures["hostile"] == 60
    assert {e.id for e in flag.evidence} <= {f"y-m{k}" for k in range(60)} and flag.evidence
    assert all(e.quote == "Still waiting for the file, please reply." for e in flag.evidence)


def test_a_mark_on_a_message_without_a_tone_gives_it_one(engine: Engine) -> None:
    # Tone not read from the text (fill=False): only the import's tone field and staff marks are known.
    untoned = [{**e, "tone": None} for e in messages("z", "neutral", "you are crooks and I will ruin you")]
    events = portfolio(*healthy("z"), *untoned)
    assert "hostile_tone" not in codes(run(engine, events, fill=False), "z")
    for k in range(60):
        mark_message(engine=engine, contact_ext_id=f"z-m{k}", rude=True)
    found = [f for f in one(run(engine, events, fill=False), "z").flags if f.code == "hostile_tone"]
    assert found and found[0].measures["hostile"] == 60
    assert found[0].measures["messages_with_tone"] >= 60  # the marked ones now have a known tone


def test_the_sql_rule_and_the_reports_rule_agree_on_every_tone_and_mark(engine: Engine) -> None:
    tones = [None, "polite", "neutral", "frustrated", "hostile", "threat"]
    marks = [None, m.MARK_RUDE, m.MARK_NOT_RUDE]
    combos = [(tone, mark) for tone in tones for mark in marks]
    toned = [{**e, "tone": combos[k][0]} for k, e in enumerate(messages("w", "neutral", "text", len(combos)))]
    events = portfolio(*healthy("w"), *toned)
    import_event_dicts(engine, events)
    for k, (_tone, mark) in enumerate(combos):
        if mark is not None:
            mark_message(engine=engine, contact_ext_id=f"w-m{k}", rude=mark == m.MARK_RUDE)
    c = m.Contact
    with engine.connect() as conn:
        rows = conn.execute(
            select(c.ext_id, c.tone, c.staff_mark, hostile_message(c), toned_message(c)).where(
                c.ext_id.like("w-m%")
            )
        ).all()
    assert len(rows) == len(combos)
    for ext_id, tone, mark, hostile, toned in rows:
        assert bool(hostile) == (m.marked_tone(tone, mark) in m.HOSTILE_TONES), (ext_id, tone, mark)
        assert bool(toned) == (tone is not None or mark is not None), (ext_id, tone, mark)
