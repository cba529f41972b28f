"""Findings carry a message key and parameters, so every reader reads them in their own language."""

from __future__ import annotations

import json
from decimal import Decimal

from goodterms.assess import messages as msg


def test_a_summary_written_in_thai_reads_in_english_and_estonian() -> None:
    said = msg.summary("controlling", "th", name="Ann", per_delivery=msg.Num(4.5), ratio=msg.Num(3))
    assert "มากกว่าลูกค้าทั่วไป" in said.text()
    assert (
        said.text("en")
        == "Ann needs 4.5 approval rounds and change requests per delivery, 3× the typical client."
    )
    assert "4,5" in said.text("et")


def test_the_alternative_key_and_the_extra_sentence_survive_json() -> None:
    none = msg.summary(
        "controlling:none", "et", name="Ann", per_delivery=msg.Num(2), ratio=msg.Num(float("inf"))
    )
    back = msg.Message.from_json(json.loads(json.dumps(none.to_json())))
    assert back.text("en").endswith("the typical client needs none.")
    assert "∞" not in back.text("th")
    hostile = msg.summary(
        "hostile_tone", "th", name="Ann", hostile=3, toned=5, share=msg.Num(60, 0), recent=1, days=30
    ).also("hostile_tone_threats", threats=2)
    found = {"summary": hostile.text(), "message": json.loads(json.dumps(hostile.to_json()))}
    english = msg.reworded(found, "en")
    assert english.startswith("3 of Ann's 5 messages were hostile (60%)")
    assert "2 of the hostile messages threatened us" in english


def test_money_keeps_its_currency_in_every_language() -> None:
    said = msg.summary(
        "thin_margin",
        "th",
        name="Ann",
        rate=msg.Money(Decimal("350.5"), "THB"),
        reference=msg.Money(900, "THB"),
    )
    back = msg.Message.from_json(json.loads(json.dumps(said.to_json())))
    assert "THB" in back.text("en") or "฿" in back.text("en")
    assert "350.50" in back.text("en")
    assert "350,50" in back.text("et")


def test_a_finding_without_a_message_keeps_its_text() -> None:
    assert msg.reworded({"summary": "as written"}, "en") == "as written"
