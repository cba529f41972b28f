from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from goodterms.settings import Settings, SettingsProblem, load_settings
from goodterms.settingsdoc import render_example, render_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_settings_doc_and_example_are_current() -> None:
    assert (ROOT / "docs" / "settings.md").read_text(encoding="utf-8") == render_markdown(), "run `make docs`"
    assert (ROOT / "goodterms.example.toml").read_text(encoding="utf-8") == render_example(), (
        "run `make docs`"
    )


def test_the_example_file_loads_as_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "goodterms.toml"
    path.write_text(render_example(), encoding="utf-8")
    assert load_settings(str(path)).model_dump() == Settings().model_dump()
    assert tomllib.loads(render_example())["business"]["timezone"] == "UTC"


def test_an_invalid_setting_is_named_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "goodterms.toml"
    path.write_text('[business]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    with pytest.raises(SettingsProblem, match=r"timezone.*unknown IANA timezone"):
        load_settings(str(path))
    path.write_text("[business\n", encoding="utf-8")
    with pytest.raises(SettingsProblem, match="not valid TOML"):
        load_settings(str(path))
