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


def test_square_brackets_in_help_texts_print_as_written() -> None:
    """Help is plain text, not Rich markup: "[embed]" and "[desk]" are not tags to drop."""
    from typer.testing import CliRunner

    from goodterms.cli.app import app

    page = render()
    assert "goodterms[embed]" in page
    assert "[desk] relay_host" in " ".join(page.split())
    out = CliRunner().invoke(app, ["analyze", "--help"], env={"COLUMNS": "200", "TERM": "dumb"})
    assert out.exit_code == 0 and "needs goodterms[embed]" in " ".join(out.output.split())
