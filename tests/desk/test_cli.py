from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import goodterms.cli  # noqa: F401  (registers every command module)
from goodterms.cli.app import app
from goodterms.ledger.db import make_engine
from goodterms.ledger.importing import import_event_dicts
from tests.factories import business, client

runner = CliRunner()


def _seed(db_url: str) -> None:
    engine = make_engine(db_url)
    import_event_dicts(engine, [business(), client("mari", language="et", emails=["mari@example.ee"])])
    engine.dispose()


def test_submit_then_queue_lists_the_request_with_its_promise_and_chases(db_url: str, tmp_path: Path) -> None:
    _seed(db_url)
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "desk"]
    first = runner.invoke(
        app, [*base, "submit", "--client", "mari", "--subject", "Arve", "--text", "Palun saatke märtsi arve."]
    )
    assert first.exit_code == 0, first.output
    again = runner.invoke(
        app,
        [
            *base,
            "submit",
            "--client",
            "mari",
            "--subject",
            "Arve",
            "--text",
            "Kas on uudiseid?",
            "--format",
            "json",
        ],
    )
    assert json.loads(again.stdout)["outcome"] == "repeat"
    listed = runner.invoke(app, [*base, "queue", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    items = json.loads(listed.stdout)
    assert len(items) == 1
    assert items[0]["chases"] == 1 and items[0]["promised_at"] and items[0]["reference"].startswith("GT-")


def test_submit_mail_file_and_write_acks_as_eml(db_url: str, tmp_path: Path) -> None:
    _seed(db_url)
    eml = tmp_path / "in.eml"
    eml.write_bytes(
        "From: Mari <mari@example.ee>\nSubject: Tõlge\nMessage-ID: <m1@example.ee>\n\nPalun tõlkige.\n".encode()
    )
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "desk"]
    assert runner.invoke(app, [*base, "submit", "--file", str(eml)]).exit_code == 0
    out = runner.invoke(app, [*base, "send", "--eml", str(tmp_path / "out")])
    assert out.exit_code == 0, out.output
    files = list((tmp_path / "out").glob("*.eml"))
    assert len(files) == 1
    assert b"In-Reply-To: <m1@example.ee>" in files[0].read_bytes()


def test_bad_input_is_a_one_line_error_with_exit_code_2(db_url: str, tmp_path: Path) -> None:
    _seed(db_url)
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "desk"]
    unknown = runner.invoke(app, [*base, "submit", "--client", "nobody", "--text", "hi"])
    assert unknown.exit_code == 2 and "no client" in unknown.stderr
    bad_relay = runner.invoke(app, [*base, "send", "--relay", "nohost"])
    assert bad_relay.exit_code == 2 and "HOST:PORT" in bad_relay.stderr
    bad_format = runner.invoke(app, [*base, "queue", "--format", "xml"])
    assert bad_format.exit_code == 2
