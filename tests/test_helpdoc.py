from __future__ import annotations

from pathlib import Path

from goodterms.cli.helpdoc import render

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_cli_reference_matches_the_commands_help() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), "run `make docs` to refresh docs/cli.md"


def test_every_command_documents_itself() -> None:
    page = render()
    for command in ("import", "clients", "timeline", "demo", "analyze"):
        assert f"## `goodterms {command}`" in page
    assert "Error" not in page
