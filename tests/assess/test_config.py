from __future__ import annotations

import tomllib
from pathlib import Path

from goodterms.assess.config import AssessSettings, Levels
from goodterms.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "goodterms-assess.toml"


def test_every_assess_setting_has_a_description() -> None:
    for model in (AssessSettings, Levels):
        missing = [name for name, field in model.model_fields.items() if not field.description]
        assert missing == []


def test_the_documented_assess_section_is_exactly_the_defaults() -> None:
    settings = Settings.model_validate(tomllib.loads(DOC.read_text(encoding="utf-8")))
    assert settings.assess == AssessSettings()
    assert set(tomllib.loads(DOC.read_text(encoding="utf-8"))["assess"]) == set(AssessSettings.model_fields)


def test_every_flag_has_a_weight_and_an_advice() -> None:
    from goodterms.assess.flags import FLAGS
    from goodterms.assess.verdict import FLAG_ADVICE

    assert set(FLAGS) == set(AssessSettings().weights)
    assert set(FLAGS) <= set(FLAG_ADVICE)
