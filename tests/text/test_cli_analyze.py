from __future__ import annotations

import json

from typer.testing import CliRunner

import goodterms.cli.analyze  # noqa: F401  (registers the command)
from goodterms.cli.app import app

runner = CliRunner()


def test_analyze_one_message_prints_json() -> None:
    result = runner.invoke(
        app,
        [
            "analyze",
            "Palun saatke arve reedeks",
            "--at",
            "2025-03-12T10:00:00+02:00",
            "--tz",
            "Europe/Tallinn",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["language"] == "et"
    assert out["deadline"] == {"at": "2025-03-14T17:00:00+02:00", "urgency": "medium", "phrase": "reedeks"}


def test_stdin_mode_answers_each_line_in_order_and_reports_bad_lines() -> None:
    lines = "\n".join(
        [
            "Thank you for the quick fix!",
            json.dumps({"text": "ขอส่วนลดหน่อยได้ไหมคะ", "lang": "th"}, ensure_ascii=False),
            '{"text": 42}',
            "{broken json",
            json.dumps({"text": "You idiots lost my files", "at": "2025-03-12T10:00:00+00:00"}),
        ]
    )
    result = runner.invoke(app, ["analyze", "-"], input=lines + "\n")
    assert result.exit_code == 2
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 5
    assert rows[0]["tone"]["label"] == "polite"
    assert rows[1]["asks_discount"] is True
    assert rows[2]["error"].startswith("line 3:")
    assert rows[3]["error"].startswith("line 4:")
    assert rows[4]["tone"]["label"] == "hostile"


def test_table_format_shows_the_label() -> None:
    result = runner.invoke(app, ["analyze", "Kas saaks allahindlust?", "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "yes" in result.output


def test_unknown_format_is_a_usage_error() -> None:
    result = runner.invoke(app, ["analyze", "hi", "--format", "xml"])
    assert result.exit_code == 2
