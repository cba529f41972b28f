from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import goodterms.cli.analyze  # noqa: F401  (registers the command)
from goodterms.cli.app import app
from goodterms.text import analyze, load_default_model
from tests.text.conftest import needs_embed

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
    result = runner.invoke(
        app, ["analyze", "Kas saaks allahindlust?", "--format", "table", "--reader-lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "yes" in result.output


def test_unknown_format_is_a_usage_error() -> None:
    result = runner.invoke(app, ["analyze", "hi", "--format", "xml"])
    assert result.exit_code == 2


def test_unknown_model_is_a_usage_error() -> None:
    result = runner.invoke(app, ["analyze", "hello", "--model", "bert"])
    assert result.exit_code == 2
    assert "default or embed" in result.output


@pytest.mark.usefixtures("without_embed_extra")
def test_embed_model_without_the_extra_says_which_extra() -> None:
    result = runner.invoke(app, ["analyze", "hello", "--model", "embed"])
    assert result.exit_code == 2
    assert "goodterms[embed]" in result.output


@needs_embed
def test_embed_model_reads_with_the_embedding_path() -> None:
    text = "Attached is the file."
    fast = json.loads(runner.invoke(app, ["analyze", text]).output)
    result = runner.invoke(app, ["analyze", text, "--model", "embed"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out.keys() == fast.keys() and out["tone"]["label"] != "hostile"
    expected = analyze(text, model=load_default_model(embed=True)).tone.score
    assert out["tone"]["score"] == pytest.approx(expected, abs=1e-3)
    assert abs(out["tone"]["score"] - fast["tone"]["score"]) > 0.01  # not the default path's reading


def test_without_tz_deadlines_are_read_in_the_message_times_own_offset() -> None:
    at = "2026-03-11T18:00:00+07:00"
    result = runner.invoke(app, ["analyze", "Please send it by tomorrow morning", "--at", at])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["deadline"]["at"] == "2026-03-12T09:00:00+07:00"
    # --tz still wins; a stdin line's own "at" carries its own offset.
    result = runner.invoke(app, ["analyze", "by tomorrow morning", "--at", at, "--tz", "UTC"])
    assert json.loads(result.output)["deadline"]["at"] == "2026-03-12T09:00:00+00:00"
    line = json.dumps({"text": "พรุ่งนี้เช้า", "at": "2026-03-11T23:30:00+07:00"}, ensure_ascii=False)
    result = runner.invoke(app, ["analyze", "-"], input=line + "\n")
    assert json.loads(result.output)["deadline"]["at"] == "2026-03-12T09:00:00+07:00"


def test_a_bad_message_time_is_named() -> None:
    result = runner.invoke(app, ["analyze", "by Friday", "--at", "next tuesday"])
    assert result.exit_code == 2
    assert "'next tuesday' is not an ISO time" in result.output


def test_table_marks_threats() -> None:
    result = runner.invoke(
        app,
        ["analyze", "See you in court.", "--format", "table", "--reader-lang", "en"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "(threatening)" in result.output
