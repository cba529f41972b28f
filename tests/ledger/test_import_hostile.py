"""Hostile and awkward input that real exports contain: each imports, or is refused in one line."""

from __future__ import annotations

import json
import mailbox
import os
from pathlib import Path

from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from goodterms.cli import app
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts, import_path
from goodterms.ledger.mail_files import mail_files, mbox_messages
from tests.factories import business, client


def _ledger(engine: Engine) -> None:
    import_event_dicts(
        engine,
        [business(), client("c1", phones=["+66812345678"], domains=["client-one.example"])],
    )


def _unmatched(engine: Engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.UnmatchedMessage.message_key, m.UnmatchedMessage.reason, m.UnmatchedMessage.text)
        )
        return sorted((r[0], r[1], r[2]) for r in rows)


def _contact_at(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [a.isoformat() for a in conn.scalars(select(m.Contact.at).order_by(m.Contact.ext_id))]


# --- JSON Lines --------------------------------------------------------------------------------


def test_a_jsonl_file_with_a_byte_order_mark_imports(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    lines = [json.dumps(business()), json.dumps(client("c1"))]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    assert import_path(engine, path).counts.inserted == 2


def test_nul_in_imported_text_is_dropped_on_every_backend(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "nul.jsonl"
    name = "Nok\u0000 Co\u0000"
    events = [business(), client("c1", name=name, address="Soi\u00001")]
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")
    assert "\\u0000" in path.read_text(encoding="utf-8")
    import_path(engine, path)
    with engine.connect() as conn:
        assert conn.execute(select(m.Client.name, m.Client.address)).one() == ("Nok Co", "Soi1")
    # An escaped backslash before "u0000" is text, not NUL, and is kept.
    path.write_text(json.dumps(client("c2", name="a\\u0000b")) + "\n", encoding="utf-8")
    import_path(engine, path)
    with engine.connect() as conn:
        assert conn.scalar(select(m.Client.name).where(m.Client.ext_id == "c2")) == "a\\u0000b"


# --- Call logs ---------------------------------------------------------------------------------

SEMICOLON = (
    "Sid;From;To;Direction;Status;StartTime;Duration\n"
    "CA1;+66 81 234 5678;+6620000000;inbound;completed;2026-03-02T10:00:00+07:00;320,0\n"
    'CA2;"+372 555 0000";+6620000000;inbound;completed;2026-03-02T11:00:00+07:00;60\n'
)


def test_a_semicolon_separated_csv_is_detected(engine: Engine, tmp_path: Path) -> None:
    _ledger(engine)
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + SEMICOLON.encode())
    result = import_path(engine, path)
    assert result.counts.inserted == 1 and len(result.unmatched) == 1
    with engine.connect() as conn:
        assert conn.scalar(select(m.Contact.duration_s)) == 320


def test_unmatched_calls_are_keyed_by_content_not_by_where_the_file_lay(
    engine: Engine, tmp_path: Path
) -> None:
    _ledger(engine)
    header = "Sid,From,To,Direction,Status,StartTime,Duration\n"
    first = header + "CA1,+3725550000,+6620000000,inbound,completed,2026-03-02T10:00:00+07:00,60\n"
    newer = header + "CA2,+3725550001,+6620000000,inbound,completed,2026-03-09T10:00:00+07:00,30\n"
    path = tmp_path / "calls.csv"
    path.write_text(first, encoding="utf-8")
    import_path(engine, path)
    # The same file under another path is the same call: kept once.
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "calls.csv").write_text(first, encoding="utf-8")
    import_path(engine, tmp_path / "copy" / "calls.csv")
    # A new export over the same file name is a new call, not a replacement of nothing.
    path.write_text(newer, encoding="utf-8")
    import_path(engine, path)
    rows = _unmatched(engine)
    assert len(rows) == 2
    assert [k.split(":")[:3] for k, _, _ in rows] == [["call", "twilio", "CA1"], ["call", "twilio", "CA2"]]


def test_a_csv_with_nul_and_absurd_durations_answers_in_one_line(engine: Engine, tmp_path: Path) -> None:
    _ledger(engine)
    path = tmp_path / "odd.csv"
    path.write_bytes(
        b"Sid,From,To,Direction,Status,StartTime,Duration\n"
        b"CA1,+66812345678\x00,+6620000000,inbound,completed,2026-03-02T10:00:00+07:00,1e400\n"
    )
    result = CliRunner().invoke(app, ["--db", str(engine.url), "import", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:2: Duration: duration '1e400' is not a number" in result.output
    assert "Traceback" not in result.output


# --- Mail --------------------------------------------------------------------------------------

NO_DATE = (
    b"Received: from mx.client-one.example by mail.siamscribe.example; Tue, 3 Mar 2026 09:15:00 +0700\n"
    b"From: nok@client-one.example\nSubject: no date\nMessage-ID: <nodate@client-one.example>\n\nhi\n"
)
NO_DATE_NO_RECEIVED = (
    b"From: nok@client-one.example\nSubject: bare\nMessage-ID: <bare@client-one.example>\n\nhi\n"
)


def test_a_maildir_message_without_date_takes_its_own_times_so_reimport_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    _ledger(engine)
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "cur" / "1.host:2,S").write_bytes(NO_DATE)
    bare = box / "cur" / "2.host:2,S"
    bare.write_bytes(NO_DATE_NO_RECEIVED)
    os.utime(bare, (1772500000, 1772500000))  # 2026-03-03T01:06:40Z
    os.utime(box, (1780000000, 1780000000))
    first = import_path(engine, box)
    assert first.counts.inserted == 2
    assert _contact_at(engine) == ["2026-03-03T01:06:40+00:00", "2026-03-03T02:15:00+00:00"]
    # Something else arrives in the folder: the folder's time changes, the records do not.
    (box / "new" / "3.host").write_bytes(b"From: x@elsewhere.example\nSubject: other\n\nhi\n")
    os.utime(box, (1790000000, 1790000000))
    again = import_path(engine, box)
    assert (again.counts.updated, again.counts.unchanged) == (0, 2)


def test_an_mbox_message_without_date_takes_its_from_line(engine: Engine, tmp_path: Path) -> None:
    _ledger(engine)
    path = tmp_path / "in.mbox"
    path.write_bytes(b"From nok@client-one.example Wed Mar  4 08:00:00 2026\n" + NO_DATE_NO_RECEIVED)
    import_path(engine, path)
    assert _contact_at(engine) == ["2026-03-04T08:00:00+00:00"]


def test_non_mail_files_in_a_maildir_are_skipped_with_a_note(engine: Engine, tmp_path: Path) -> None:
    _ledger(engine)
    box = tmp_path / "Maildir"
    (box / "cur").mkdir(parents=True)
    (box / "cur" / "1.host:2,S").write_bytes(NO_DATE)
    (box / "dovecot-uidlist").write_bytes(b"3 V1385 N10 G5e\n1 1.host\n")
    (box / "cur" / "invoice.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (box / "cur" / "logo").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = import_path(engine, box)
    assert result.counts.inserted == 1 and result.unmatched == []
    assert sorted(n.split(": ")[0].rsplit("/", 1)[1] for n in result.notes) == [
        "dovecot-uidlist",
        "invoice.pdf",
        "logo",
    ]
    assert _unmatched(engine) == []


def _deep(levels: int) -> bytes:
    head = b"From: x@elsewhere.example\nSubject: deep\nMessage-ID: <deep@stress.example>\nMIME-Version: 1.0\n"
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(levels)
    )
    closing = b"".join(b"--b%d--\n" % i for i in reversed(range(levels)))
    return head + opening + b"Content-Type: text/plain\n\nbottom\n" + closing


def test_a_deeply_nested_message_is_kept_raw_and_the_other_files_import(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    ledger = tmp_path / "ledger.jsonl"
    events = [business(), client("c1", domains=["client-one.example"])]
    ledger.write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")
    deep = tmp_path / "stress.eml"
    deep.write_bytes(_deep(4000))
    normal = tmp_path / "normal.eml"
    normal.write_bytes(NO_DATE)
    box = tmp_path / "more.mbox"
    box.write_bytes(
        b"From x Wed Mar  4 08:00:00 2026\n"
        + _deep(3000)
        + b"\nFrom y Wed Mar  4 09:00:00 2026\n"
        + NO_DATE_NO_RECEIVED
    )
    run = CliRunner().invoke(
        app, ["--db", db, "import", str(ledger), str(deep), str(normal), str(box), "--format", "json"]
    )
    assert run.exit_code == 0, run.output
    results = json.loads(run.output)
    assert [r["inserted"] for r in results] == [2, 0, 1, 1]
    assert results[1]["unmatched"] == [f"{deep}: kept as received: its parts are nested too deeply to read"]
    from goodterms.ledger.db import make_engine

    engine = make_engine(db)
    kept = _unmatched(engine)
    engine.dispose()
    assert len(kept) == 1  # the same message twice: kept once
    key, reason, text = kept[0]
    assert key == "<deep@stress.example>" and "nested too deeply" in reason
    assert text is not None and "bottom" in text and text.count("multipart/mixed") == 4000


def test_the_streamed_mbox_splits_exactly_as_the_mailbox_module(tmp_path: Path) -> None:
    path = tmp_path / "tricky.mbox"
    path.write_bytes(
        b"junk before the first From line\n"
        b"From a Mon Mar  2 10:00:00 2026\nSubject: one\n\nbody\n>From quoted\n\n\n"
        b"From b Mon Mar  2 11:00:00 2026\r\nSubject: two\r\n\r\ncrlf body\r\n"
        b"From c Mon Mar  2 12:00:00 2026\nSubject: three\n\nno newline at the end"
    )
    box = mailbox.mbox(str(path), create=False)
    expected = [box.get_bytes(k) for k in box.iterkeys()]
    box.close()
    with path.open("rb") as fh:
        assert [raw for _, raw in mbox_messages(fh)] == expected
    assert [f.source.rsplit("#")[1] for f in mail_files(path)] == ["1", "2", "3"]


def test_two_messages_with_one_message_id_keep_the_first_and_say_so(engine: Engine, tmp_path: Path) -> None:
    _ledger(engine)
    path = tmp_path / "dup.mbox"
    one = b"From: nok@client-one.example\nDate: Mon, 02 Mar 2026 10:00:00 +0700\nMessage-ID: <same@x>\n\n"
    path.write_bytes(
        b"From a Mon Mar  2 10:00:00 2026\n"
        + one
        + b"first\n\nFrom a Mon Mar  2 10:00:00 2026\n"
        + one
        + b"second\n"
    )
    result = import_path(engine, path)
    assert result.counts.inserted == 1
    assert result.notes == [f"{path}#2: left out, it has the Message-ID of {path}#1 but other content"]
    with engine.connect() as conn:
        assert conn.scalar(select(m.Contact.text)) == "first"
        assert conn.scalar(select(func.count()).select_from(m.Contact)) == 1


# --- Money -------------------------------------------------------------------------------------


def test_a_payment_larger_than_its_invoice_is_stored_and_noted(engine: Engine, tmp_path: Path) -> None:
    invoice = {
        "type": "invoice", "id": "inv1", "client": "c1", "number": "2026-001", "issued": "2026-03-01",
        "due": "2026-03-15", "amount": "1000.00", "currency": "THB",
    }  # fmt: skip
    paid = [
        {
            "type": "payment",
            "id": f"p{n}",
            "invoice": "inv1",
            "at": "2026-03-10T10:00:00+07:00",
            "amount": amount,
        }
        for n, amount in ((1, "600.00"), (2, "650.50"))
    ]
    path = tmp_path / "money.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in [business(), client("c1"), invoice, *paid]) + "\n")
    result = import_path(engine, path)
    expected = (
        "invoice 2026-001 (inv1) is overpaid: payments total 1250.50 THB, "
        "250.50 THB more than its amount of 1000.00 THB"
    )
    assert result.notes == [expected] and result.to_json()["notes"] == [expected]
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.Payment)) == 2
        assert conn.scalar(select(m.ImportRun.notes).order_by(m.ImportRun.id.desc()).limit(1)) == [expected]
    # A payment that does not overpay says nothing; importing the same file again notes it again.
    assert import_path(engine, path).notes == [expected]
