from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import goodterms.cli.tone  # noqa: F401  (registers the command)
from goodterms.cli.app import app
from goodterms.ledger.importing import import_event_dicts
from goodterms.ledger.models import Blob, Contact
from goodterms.text import analyze
from goodterms.tone_service import (
    MODEL_BLOB,
    ContactNotFound,
    business_model,
    fill_tone,
    learn_from_marks,
    mark_message,
)
from tests.factories import at, business, client, contact
from tests.text.conftest import needs_embed

PROBE = "Teie raamatupidaja on mühkam"
TEXTS = [
    "Te olete täielikud mühkamid, kas te midagi ei oska?",
    "Mühkam, kas sa ei saa aru?",
    "Selline mühkam peaks ametist lahkuma",
    "Tänan, sain failid kätte",
    "Palun saatke arve",
    PROBE,
]


def _events() -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [business(), client("c1", language="et")]
    events += [contact("c1", n, at(days=n), text=text) for n, text in enumerate(TEXTS)]
    events.append(contact("c1", 99, at(days=9), direction="outbound", text="Aitäh, vaatame üle"))
    events.append(contact("c1", 98, at(days=9), text="Given tone", tone="polite"))
    return events


def _tones(engine: Engine) -> dict[str, tuple[str | None, float | None]]:
    with Session(engine) as session:
        rows = session.execute(select(Contact.ext_id, Contact.tone, Contact.tone_score))
        return {ext_id: (tone, score) for ext_id, tone, score in rows}


def _mark_training_rows(engine: Engine) -> None:
    for n in range(3):
        mark_message(engine=engine, contact_ext_id=f"c1-k{n}", rude=True)
    for n in (3, 4):
        mark_message(engine=engine, contact_ext_id=f"c1-k{n}", rude=False)


def test_marks_are_learned_stored_and_used_to_label_contacts(engine: Engine) -> None:
    import_event_dicts(engine, _events())
    assert business_model(engine=engine) is None
    assert fill_tone(engine=engine) == len(TEXTS)
    assert _tones(engine)["c1-k5"][0] != "hostile"
    assert _tones(engine)["c1-k99"] == (None, None)  # our own outbound reply is not the client's tone

    _mark_training_rows(engine)
    counts = learn_from_marks(engine=engine)
    assert counts == {"marks": 5, "rude": 3, "not_rude": 2, "cleared": len(TEXTS)}
    model = business_model(engine=engine)
    assert model is not None and model.n_marks == 5
    assert analyze(PROBE, lang="et", model=model).tone.label == "hostile"
    assert _tones(engine)["c1-k5"] == (None, None)
    assert _tones(engine)["c1-k98"] == ("polite", None)  # a tone the source gave is kept

    assert fill_tone(engine=engine, batch=2) == len(TEXTS)
    tones = _tones(engine)
    assert tones["c1-k5"][0] == "hostile"
    assert tones["c1-k3"][0] != "hostile"
    assert fill_tone(engine=engine) == 0


def test_learning_again_replaces_the_stored_model(engine: Engine) -> None:
    import_event_dicts(engine, _events())
    _mark_training_rows(engine)
    learn_from_marks(engine=engine)
    for n in range(3):
        mark_message(engine=engine, contact_ext_id=f"c1-k{n}", rude=False)
    assert learn_from_marks(engine=engine)["rude"] == 0
    model = business_model(engine=engine)
    assert model is not None and model.n_marks == 5
    assert analyze(PROBE, lang="et", model=model).tone.label != "hostile"
    with Session(engine) as session:
        assert len(session.scalars(select(Blob).where(Blob.name == MODEL_BLOB)).all()) == 1


def test_marking_an_unknown_contact_is_a_clear_error(engine: Engine) -> None:
    with pytest.raises(ContactNotFound, match="no-such"):
        mark_message(engine=engine, contact_ext_id="no-such", rude=True)


def test_learning_without_marks_stores_nothing(engine: Engine) -> None:
    import_event_dicts(engine, _events())
    assert learn_from_marks(engine=engine)["marks"] == 0
    assert business_model(engine=engine) is None


def test_cli_marks_learns_and_fills(tmp_path: Path) -> None:
    from goodterms.ledger.db import make_engine

    url = f"sqlite:///{tmp_path / 'gt.db'}"
    runner = CliRunner()
    first = runner.invoke(app, ["--db", url, "tone", "fill"])
    assert first.exit_code == 0, first.output
    eng = make_engine(url)
    try:
        import_event_dicts(eng, _events())
    finally:
        eng.dispose()
    for n, flag in ((0, "--rude"), (1, "--rude"), (2, "--rude"), (3, "--not-rude"), (4, "--not-rude")):
        result = runner.invoke(app, ["--db", url, "tone", "mark", f"c1-k{n}", flag])
        assert result.exit_code == 0, result.output
    learned = runner.invoke(app, ["--db", url, "tone", "learn"])
    assert learned.exit_code == 0, learned.output
    assert "learned from 5 marks (3 rude, 2 not rude)" in learned.output
    filled = runner.invoke(app, ["--db", url, "tone", "fill"])
    assert filled.exit_code == 0, filled.output
    assert f"labelled {len(TEXTS)} messages" in filled.output
    eng = make_engine(url)
    try:
        assert _tones(eng)["c1-k5"][0] == "hostile"
    finally:
        eng.dispose()


def test_cli_refuses_bad_input_with_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gt.db'}"
    runner = CliRunner()
    unknown = runner.invoke(app, ["--db", url, "tone", "mark", "nobody", "--rude"])
    assert unknown.exit_code == 2
    assert unknown.output.strip().splitlines() == ["error: no contact with id 'nobody'"]
    no_flag = runner.invoke(app, ["--db", url, "tone", "mark", "nobody"])
    assert no_flag.exit_code == 2
    assert "--rude or --not-rude" in no_flag.output
    nothing = runner.invoke(app, ["--db", url, "tone", "learn"])
    assert nothing.exit_code == 2
    assert "no marked messages yet" in nothing.output


def test_the_assessment_reads_tone_with_the_business_model(db_url: str) -> None:
    from goodterms.app import Goodterms
    from goodterms.assess.service import assess

    gt = Goodterms.open(db_url)
    try:
        import_event_dicts(gt.engine, _events())
        _mark_training_rows(gt.engine)
        learn_from_marks(engine=gt.engine)
        assert _tones(gt.engine)["c1-k5"] == (None, None)  # cleared by learning, to be read again
        assess(app=gt, trend=False)  # fills missing tone first, as every assessment does
        # Read with what staff taught, not with the shipped model (which does not call PROBE hostile).
        assert _tones(gt.engine)["c1-k5"][0] == "hostile"
        assert analyze(PROBE, lang="et").tone.label != "hostile"
    finally:
        gt.engine.dispose()


def test_fill_reads_only_the_clients_asked_for(engine: Engine) -> None:
    import_event_dicts(engine, [*_events(), client("c2"), contact("c2", 1, at(days=1), text="Hello there")])
    with Session(engine) as session:
        c2 = session.scalar(select(Contact.client_id).where(Contact.ext_id == "c2-k1"))
    assert c2 is not None
    assert fill_tone(engine=engine, client_ids=[c2]) == 1
    assert _tones(engine)["c2-k1"][0] is not None and _tones(engine)["c1-k0"] == (None, None)


@pytest.mark.usefixtures("without_embed_extra")
def test_embed_tone_model_falls_back_to_the_default_without_the_extra(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from goodterms.tone_service import shipped_model

    assert shipped_model().embed is None
    with caplog.at_level("WARNING", logger="goodterms.tone_service"):
        model = shipped_model(embed=True)
    assert model.embed is None
    assert "goodterms[embed]" in caplog.text


@needs_embed
def test_the_embed_setting_reads_tone_with_the_embedding_path(engine: Engine) -> None:
    import_event_dicts(engine, _events())
    _mark_training_rows(engine)
    learn_from_marks(engine=engine, embed=True)
    model = business_model(engine=engine, embed=True)
    assert model is not None and model.embed is not None and model.n_marks == 5
    assert fill_tone(engine=engine, embed=True) == len(TEXTS)
    assert _tones(engine)["c1-k5"][0] == "hostile"
