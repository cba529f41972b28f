"""``goodterms part CLIENT --out DIR [--confirm]`` from the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from goodterms.app import Goodterms
from goodterms.cli import app

runner = CliRunner()


def test_part_writes_a_draft_then_confirm_ends_the_client(gt: Goodterms, db_url: str, tmp_path: Path) -> None:
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "part", "c1", "--out"]
    draft = runner.invoke(app, [*base, str(tmp_path / "draft"), "--lang", "en"])
    assert draft.exit_code == 0, draft.output
    assert "draft" in draft.stderr and "waits on unpaid invoices" in draft.stderr
    assert {p.name for p in (tmp_path / "draft").iterdir()} == {
        "evidence-log.xlsx",
        "final-report.pdf",
        "final-report-internal.pdf",
        "handover-checklist.txt",
        "letter.txt",
        "letter.pdf",
        "manifest.json",
    }
    final = runner.invoke(app, [*base, str(tmp_path / "final"), "--confirm"])
    assert final.exit_code == 0, final.output
    assert "c1: the relationship has ended" in final.stderr


def test_the_owner_lines_follow_the_locale_and_the_packet_keeps_its_language(
    gt: Goodterms, db_url: str, tmp_path: Path
) -> None:
    """`part --lang en` writes the packet in English; the lines for the owner are in the LANG locale's
    language (Thai here, Estonian after), in words: no file keys like letter_text."""
    import json
    import re

    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "part", "c1", "--lang", "en", "--out"]
    thai = runner.invoke(app, [*base, str(tmp_path / "th")], env={"LANG": "th_TH.UTF-8"})
    assert thai.exit_code == 0, thai.output
    assert "ฉบับร่าง" in thai.stderr and "รายงานฉบับสุดท้าย:" in thai.stdout, thai.output
    assert not re.search(r"[A-Za-z]{2,}", re.sub(r"/\S+|--confirm", "", thai.output)), thai.output
    assert json.loads((tmp_path / "th" / "manifest.json").read_text())["language"] == "en"
    estonian = runner.invoke(app, [*base, str(tmp_path / "et")], env={"LANG": "et_EE.UTF-8"})
    assert "mustand" in estonian.stderr and "lõpparuanne:" in estonian.stdout, estonian.output
    assert "letter_text" not in estonian.output and "evidence:" not in estonian.output


def test_part_refuses_an_unknown_client_or_language(gt: Goodterms, db_url: str, tmp_path: Path) -> None:
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "part"]
    missing = runner.invoke(app, [*base, "nobody", "--out", str(tmp_path / "x")])
    assert missing.exit_code == 2 and "no client" in missing.stderr
    lang = runner.invoke(app, [*base, "c1", "--out", str(tmp_path / "x"), "--lang", "de"])
    assert lang.exit_code == 2 and "--lang" in lang.stderr
