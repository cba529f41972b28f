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
    table = runner.invoke(app, [*base, "--as-of", "2026-03-14", "--lang", "en"])
    assert table.exit_code == 0 and "friendly payment reminder" in table.stdout


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
    first = runner.invoke(app, [*base, "--relay", f"127.0.0.1:{port}", "--lang", "en"])
    assert first.exit_code == 0, first.output
    assert "queued 1, sent 1" in first.stderr
    # The owner reads what was sent in their language (the notice itself went in the client's).
    second = runner.invoke(app, [*base, "--relay", f"127.0.0.1:{port}", "--lang", "et"])
    assert "järjekorda 0, saadetud 0" in second.stderr, second.stderr
    third = runner.invoke(app, [*base, "--relay", f"127.0.0.1:{port}"], env={"LANG": "th_TH.UTF-8"})
    assert "เข้าคิว 0 ส่งแล้ว 0" in third.stderr, third.stderr
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


def test_the_plan_table_speaks_the_readers_words(db_url: str, tmp_path: Path) -> None:
    """No rule codes, channels or English reasons in a Thai or Estonian table; no Thai in the others."""
    import re

    engine = make_engine(db_url)
    import_event_dicts(
        engine,
        [
            business(),
            client("mari", name="Mari Tamm", language="et", emails=["mari@example.ee"]),
            {
                "type": "invoice", "id": "i1", "client": "mari", "number": "A-17",
                "issued": "2026-03-01", "due": "2026-03-10", "amount": "250.00", "currency": "EUR",
            },
            {"type": "approval_ask", "id": "a1", "client": "mari", "at": "2026-03-02T10:00:00+02:00",
             "kind": "feedback", "subject": "Logo"},
        ],
    )  # fmt: skip
    engine.dispose()
    base = [
        "--db",
        db_url,
        "--config",
        str(tmp_path / "none.toml"),
        "followup",
        "plan",
        "--as-of",
        "2026-03-14",
    ]
    said = {
        "en": ("friendly payment reminder", "we need an answer to continue", "Invoice A-17 was due on 10 March 2026"),
        "et": ("sõbralik maksemeeldetuletus", "jätkamiseks on vaja vastust", "Arve A-17 tähtaeg oli 10. märts 2026"),
        "th": ("แจ้งเตือนการชำระเงินอย่างเป็นมิตร", "ต้องการคำตอบเพื่อดำเนินงานต่อ", "ใบแจ้งหนี้ A-17 ครบกำหนดเมื่อ 10 มีนาคม 2569"),
    }  # fmt: skip
    for lang, words in said.items():
        result = runner.invoke(app, [*base, "--lang", lang], env={"COLUMNS": "300"})
        assert result.exit_code == 0, result.output
        text = " ".join(result.stdout.split())
        for phrase in words:
            assert phrase in text, (lang, phrase, text)
        shown = (
            text.replace("Mari Tamm", "").replace("mari@example.ee", "").replace("A-17", "").replace("€", "")
        )
        assert not re.findall(r"[a-z]+[_:][a-z]+", shown), (lang, shown)  # payment:reminder, need_answer
        if lang == "th":
            assert not re.findall(r"[A-Za-z]{2,}", shown), shown
        else:
            assert not re.findall(r"[\u0e01-\u0e5b]", shown), shown
        if lang == "et":
            assert not any(phrase in text for phrase in said["en"]), text
    bad = runner.invoke(app, [*base, "--lang", "fr"])
    assert bad.exit_code == 2 and "not one of" in bad.stderr
