"""Every kind of bad input gets a clear message naming file, line and field; nothing is half-stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from goodterms.cli import app
from goodterms.ledger import models as m
from goodterms.ledger.importers import jsonl
from goodterms.ledger.importing import import_event_dicts, import_path
from goodterms.ledger.problems import ImportProblem
from goodterms.ledger.store import Writer
from tests.factories import at, business, client, contact


def _write(tmp_path: Path, lines: list[str | bytes], name: str = "ledger.jsonl") -> Path:
    path = tmp_path / name
    with path.open("wb") as fh:
        for line in lines:
            fh.write((line.encode() if isinstance(line, str) else line) + b"\n")
    return path


def _good() -> list[str]:
    return [json.dumps(e, ensure_ascii=False) for e in (business(), client("c1"), contact("c1", 1, at(0)))]


def _count(engine: Engine, model: type[m.Base]) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def _invoice(fields: str) -> str:
    return (
        '{"type": "invoice", "id": "i1", "client": "c1", "number": "1", "issued": "2026-03-01", '
        '"due": "2026-03-15", "currency": "THB", ' + fields + "}"
    )


def _note(when: str) -> str:
    return '{"type": "note", "id": "n1", "client": "c1", "text": "x", "at": "' + when + '"}'


@pytest.mark.parametrize(
    ("bad", "field", "reason"),
    [
        ("{not json", None, "not valid JSON"),
        ('{"type": "invoice_v2", "id": "x"}', "type", "unknown type 'invoice_v2'"),
        ('{"id": "x"}', "type", "missing"),
        (
            '{"type": "contact", "id": "k9", "client": "c1", "at": "2026-03-02T10:00:00", '
            '"channel": "call", "direction": "inbound"}',
            "at",
            "no UTC offset",
        ),
        (
            '{"type": "concession", "id": "v1", "client": "c1", "at": "2026-03-02T10:00:00+07:00", '
            '"kind": "discount", "value": "-5.00"}',
            "value",
            "must not be negative",
        ),
        (
            '{"type": "contact", "id": "k9", "client": "c1", "at": "2026-03-02T10:00:00+07:00", '
            '"channel": "fax", "direction": "inbound"}',
            "channel",
            "Input should be",
        ),
        ('{"type": "client", "id": "c2", "name": "X", "shoe_size": 9}', "shoe_size", "unknown field"),
        ("[1, 2]", None, "JSON object"),
        # Extreme values: each was a traceback (integer overflow, InvalidOperation, OverflowError).
        (_invoice('"amount": "1e20"'), "amount", "larger than 999999999999.99"),
        (_invoice('"amount": "99999999999999999999.00"'), "amount", "larger than 999999999999.99"),
        (_invoice('"amount": "1e309"'), "amount", "larger than 999999999999.99"),
        (_invoice('"amount": 1e309'), "amount", "finite number"),
        (_invoice('"amount": "NaN"'), "amount", "finite number"),
        (
            _invoice('"amount": "100.00", "issued": "0001-01-01"'),
            "issued",
            "outside 1900-01-01 to 2199-12-31",
        ),
        (_note("9999-12-31T23:00:00-05:00"), "at", "outside 1900-01-01 to 2199-12-31"),
        (_note("9999-12-31T23:59:59+14:00"), "at", "outside 1900-01-01 to 2199-12-31"),
        (_note("0001-01-01T00:30:00+01:00"), "at", "outside 1900-01-01 to 2199-12-31"),
        (_note("0001-01-01T00:30:00-01:00"), "at", "outside 1900-01-01 to 2199-12-31"),
        (_note("1899-12-31T23:59:59+00:00"), "at", "outside 1900-01-01 to 2199-12-31"),
    ],
)
def test_a_bad_line_names_file_line_field_and_reason_and_stores_nothing(
    engine: Engine, tmp_path: Path, bad: str, field: str | None, reason: str
) -> None:
    path = _write(tmp_path, [*_good(), bad])
    with pytest.raises(ImportProblem) as caught:
        import_path(engine, path)
    problem = caught.value
    assert (problem.path, problem.line, problem.field) == (str(path), 4, field)
    assert reason in problem.reason
    assert _count(engine, m.Client) == 0 and _count(engine, m.Contact) == 0


def test_dangling_reference_is_refused_with_its_line(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path, [*_good(), json.dumps(contact("c404", 7, at(1)))])
    with pytest.raises(ImportProblem) as caught:
        import_path(engine, path)
    assert caught.value.line == 4 and caught.value.field == "client"
    assert "'c404'" in caught.value.reason
    assert _count(engine, m.Contact) == 0


def test_invalid_utf8_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path, [*_good(), b'{"type": "staff", "id": "s1", "name": "Mari \xff"}'])
    with pytest.raises(ImportProblem, match="not valid UTF-8") as caught:
        import_path(engine, path)
    assert caught.value.line == 4


def test_a_huge_line_is_refused_without_reading_it_whole(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 1024)
    path = _write(tmp_path, [*_good(), '{"type": "note", "text": "' + "x" * 50_000 + '"}'])
    with pytest.raises(ImportProblem, match="longer than") as caught:
        import_path(engine, path)
    assert caught.value.line == 4


def test_a_50_mb_line_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path, [*_good(), '{"type": "note", "text": "' + "x" * (50 * 1024 * 1024) + '"}'])
    with pytest.raises(ImportProblem, match="longer than 8 MB"):
        import_path(engine, path)
    assert _count(engine, m.Client) == 0


def test_a_changed_record_is_an_update_and_is_recorded(engine: Engine) -> None:
    import_event_dicts(engine, [business(), client("c1", name="Old name")])
    result = import_event_dicts(engine, [business(), client("c1", name="New name")])
    assert (result.counts.updated, result.counts.unchanged) == (1, 1)
    with engine.connect() as conn:
        assert conn.scalar(select(m.Client.name)) == "New name"
        change = conn.execute(select(m.RecordChange.table_name, m.RecordChange.before)).one()
    assert change.table_name == "clients" and change.before["name"] == "Old name"


def test_references_to_records_stored_by_an_earlier_file_resolve(engine: Engine) -> None:
    import_event_dicts(engine, [business(), client("c1")])
    result = import_event_dicts(engine, [contact("c1", 1, at(0))])
    assert result.counts.inserted == 1


def test_call_log_csv_with_missing_columns_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("Sid,From,Duration\nCA1,+6681,30\n", encoding="utf-8")
    with pytest.raises(ImportProblem, match="match no call-log preset"):
        import_path(engine, path)
    with pytest.raises(ImportProblem, match="missing columns for preset twilio: StartTime, Direction, To"):
        import_path(engine, path, preset="twilio")


def test_the_cli_reports_a_bad_file_in_one_line_and_exits_2(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    path = _write(tmp_path, [*_good(), "{oops"])
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{db}", "import", str(path)])
    assert result.exit_code == 2
    assert f"{path}:4" in result.output and "nothing from this file was stored" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("bad", [_invoice('"amount": "1e20"'), _note("0001-01-01T00:30:00+01:00")])
def test_the_cli_answers_an_extreme_value_in_one_line_with_exit_2(tmp_path: Path, bad: str) -> None:
    db = tmp_path / "cli.db"
    path = _write(tmp_path, [*_good(), bad])
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{db}", "import", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:4: " in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _staff(name: str) -> str:
    return json.dumps({"type": "staff", "id": "s1", "name": name})


@pytest.mark.parametrize("batch", [1, 2, 5000])
def test_a_repeated_id_with_other_content_names_both_lines_whatever_the_batch(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(Writer.__init__, "__kwdefaults__", {"batch": batch})
    path = _write(tmp_path, [*_good(), _staff("Mari"), _staff("Mari"), _staff("Kati")])
    with pytest.raises(ImportProblem) as caught:
        import_path(engine, path)
    assert (caught.value.line, caught.value.field) == (6, "id")
    assert caught.value.reason.startswith("'s1' is already on line 4 with other content")
    assert _count(engine, m.Staff) == 0


@pytest.mark.parametrize("batch", [1, 5000])
def test_a_repeated_id_with_the_same_content_is_one_record(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(Writer.__init__, "__kwdefaults__", {"batch": batch})
    path = _write(tmp_path, [*_good(), _staff("Mari"), _staff("Mari")])
    counts = import_path(engine, path).counts
    assert (counts.inserted, counts.unchanged, counts.by_type["staff"]) == (4, 1, 2)
    assert _count(engine, m.Staff) == 1


def test_a_changed_record_in_a_later_file_is_still_an_update(engine: Engine, tmp_path: Path) -> None:
    import_path(engine, _write(tmp_path, [*_good(), _staff("Mari")], "one.jsonl"))
    result = import_path(engine, _write(tmp_path, [*_good(), _staff("Kati")], "two.jsonl"))
    assert (result.counts.updated, result.counts.unchanged) == (1, 3)


def _deep_mime(levels: int) -> bytes:
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(levels)
    )
    return b"From: x@elsewhere.example\nSubject: deep\nMIME-Version: 1.0\n" + opening + b"\nend\n"


_CALLS = b"Sid,From,To,Direction,Status,StartTime,Duration\n"
_CALL = b"CA1,+66812345678,+6620000000,inbound,completed,"

#: Every hostile input from the import issues: (file name, bytes, exit status, what the output says).
HOSTILE: list[tuple[str, bytes, int, str]] = [
    ("amount.jsonl", _invoice('"amount": "1e20"').encode(), 2, ":4: amount: 1E+20 is larger than"),
    ("overflow.jsonl", _invoice('"amount": "99999999999999999999.00"').encode(), 2, ":4: amount:"),
    ("inf.jsonl", _invoice('"amount": "1e309"').encode(), 2, ":4: amount:"),
    ("y9999.jsonl", _note("9999-12-31T23:00:00-05:00").encode(), 2, ":4: at: 9999-12-31T23:00:00-05:00 is outside"),
    ("y0001.jsonl", _note("0001-01-01T00:30:00+01:00").encode(), 2, ":4: at: 0001-01-01T00:30:00+01:00 is outside"),
    ("dup.jsonl", _staff("Mari").encode() + b"\n" + _staff("Kati").encode(), 2, ":5: id: 's1' is already on line 4"),
    ("nul.jsonl", b'{"type": "staff", "id": "s1", "name": "Ma\\u0000ri"}', 0, "ledger.jsonl"),
    ("semicolon.csv", _CALLS.replace(b",", b";") + _CALL.replace(b",", b";") + b"2026-03-02T10:00:00+07:00;60", 0, "call log"),
    ("time.csv", _CALLS + _CALL + b"9999-12-31T23:00:00-05:00,60", 2, ":2: at: 9999-12-31T23:00:00-05:00 is outside"),
    ("nul.csv", _CALLS + _CALL + b"2026-03-02T10:00:00+07:00,6\x000", 0, "call log"),
    ("huge.csv", _CALLS + _CALL + b"2026-03-02T10:00:00+07:00,1e400", 2, ":2: Duration: duration '1e400' is not a number"),
    ("deep.eml", _deep_mime(4000), 0, "kept as received: its parts are nested too deeply to read"),
    ("nodate.eml", b"From: x@elsewhere.example\nSubject: no date\n\nhi\n", 0, "no client has this sender"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "status", "said"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_no_hostile_input_ends_in_a_traceback(
    tmp_path: Path, name: str, data: bytes, status: int, said: str
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    ledger = _write(tmp_path, _good())
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + data if name.endswith(".csv") else data)
    if name.endswith(".jsonl"):  # after the good lines, so that the bad one is line 4
        path.write_bytes(b"\xef\xbb\xbf" + ledger.read_bytes() + data + b"\n")
    client = json.dumps({"type": "client", "id": "c9", "name": "Phone", "phones": ["+66812345678"]})
    extra = _write(tmp_path, [client], "phones.jsonl")
    result = CliRunner().invoke(app, ["--db", db, "import", str(ledger), str(extra), str(path)])
    assert result.exit_code == status, result.output
    assert said in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("batch", [1, 2, 5000])
def test_a_repeat_is_refused_even_when_its_first_copy_matched_what_was_stored(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    import_path(engine, _write(tmp_path, [*_good(), _staff("Mari")], "before.jsonl"))
    monkeypatch.setattr(Writer.__init__, "__kwdefaults__", {"batch": batch})
    path = _write(tmp_path, [*_good(), _staff("Mari"), _staff("Kati")])
    with pytest.raises(ImportProblem) as caught:
        import_path(engine, path)
    assert (caught.value.line, caught.value.field) == (5, "id")
    assert caught.value.reason.startswith("'s1' is already on line 4 with other content")
    with engine.connect() as conn:
        assert conn.scalar(select(m.Staff.name)) == "Mari"
