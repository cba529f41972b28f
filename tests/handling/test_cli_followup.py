"""``goodterms followup plan`` and ``followup send`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from goodterms.cli import app
from goodterms.ledger.db import make_engine
from goodterms.ledger.importing import import_event_dicts
from tests.factories import business, client
from tests.handling.conftest import Sink

runner = CliRunner()


def _seed(db_url: str) -> None:
    engine = make_engine(db_url)
    invoice = {
        "type": "invoice",
        "id": "i1",
        "client": "mari",
        "number": "A-17",
        "issued": "2026-03-01",
        "due": "2026-03-10",
        "amount": "250.00",
        "currency": "EUR",
    }
    import_event_dicts(
        engine, [business(), client("mari", language="et", emails=["mari@example.ee"]), invoice]
    )
    engine.dispose()


def test_plan_as_json_names_rule_records_and_recipient(db_url: str, tmp_path: Path) -> None:
    _seed(db_url)
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "followup", "plan"]
    result = runner.invoke(app, [*base, "--as-of", "2026-03-14", "--format", "json"])
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.stdout)
    assert (item["rule"], item["to"], item["language"]) == ("payment:reminder", "mari@example.ee", "et")
    assert item["records"] == [{"type": "invoice", "id": "i1", "detail": "250.00 EUR unpaid"}]
    table = runner.invoke(app, [*base, "--as-of", "2026-03-14"])
    assert table.exit_code == 0 and "payment:reminder" in table.stdout


def test_bad_date_is_a_clear_error_with_exit_code_two(db_url: str, tmp_path: Path) -> None:
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "followup", "plan"]
    result = runner.invoke(app, [*base, "--as-of", "next tuesday"])
    assert result.exit_code == 2
    assert "not a date" in result.stderr


def test_send_through_relay_once_then_nothing(db_url: str, tmp_path: Path, sink: tuple[Sink, int]) -> None:
    handler, port = sink
    _seed(db_url)
    base = [
        "--db",
        db_url,
        "--config",
        str(tmp_path / "none.toml"),
        "followup",
        "send",
        "--as-of",
        "2026-03-14",
    ]
    first = runner.invoke(app, [*base, "--relay", f"127.0.0.1:{port}"])
    assert first.exit_code == 0, first.output
    assert "queued 1, sent 1" in first.stderr
    second = runner.invoke(app, [*base, "--relay", f"127.0.0.1:{port}"])
    assert "queued 0, sent 0" in second.stderr
    assert [msg["To"] for msg in handler.messages] == ["mari@example.ee"]
    assert "arve A-17" in handler.messages[0]["Subject"]


def test_send_to_dir_writes_eml_files(db_url: str, tmp_path: Path) -> None:
    _seed(db_url)
    base = [
        "--db",
        db_url,
        "--config",
        str(tmp_path / "none.toml"),
        "followup",
        "send",
        "--as-of",
        "2026-03-14",
    ]
    result = runner.invoke(app, [*base, "--to-dir", str(tmp_path / "review")])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "review").glob("*.eml"))) == 1
    bad = runner.invoke(app, [*base, "--relay", "nohost"])
    assert bad.exit_code == 2 and "HOST:PORT" in bad.stderr
