from __future__ import annotations

import pytest

from goodterms.text import ToneModel, analyze, learn, load_default_model

RUDE = [
    ("Te olete täielikud mühkamid, kas te midagi ei oska?", True),
    ("Mühkam, kas sa ei saa aru?", True),
    ("Selline mühkam peaks ametist lahkuma", True),
    ("Tänan, sain failid kätte", False),
    ("Palun saatke arve", False),
]
PROBE = "Teie raamatupidaja on mühkam"


def test_staff_marks_turn_an_unknown_insult_into_hostile() -> None:
    assert analyze(PROBE, lang="et").tone.label != "hostile"
    model = learn(RUDE)
    assert model.is_adjusted
    assert analyze(PROBE, lang="et", model=model).tone.label == "hostile"
    assert analyze("Tänan, sain failid kätte", lang="et", model=model).tone.label != "hostile"


def test_marks_saying_not_rude_calm_a_flagged_phrase() -> None:
    text = "That's a killer deal, you absolute legends"
    before = analyze(text, model=load_default_model()).tone.score
    model = learn([(text, False), ("killer deal, legends", False)] * 3)
    assert analyze(text, model=model).tone.score < before


def test_learned_model_round_trips_through_bytes() -> None:
    model = learn(RUDE)
    blob = model.to_bytes()
    assert len(blob) < 100_000
    again = ToneModel.from_bytes(blob)
    assert analyze(PROBE, lang="et", model=again).tone == analyze(PROBE, lang="et", model=model).tone


def test_garbage_bytes_are_refused() -> None:
    with pytest.raises(ValueError):
        ToneModel.from_bytes(b"not a model")


def test_learning_nothing_returns_the_base_model() -> None:
    base = load_default_model()
    assert learn([], base=base) is base
