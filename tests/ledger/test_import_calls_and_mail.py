from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from goodterms.ledger import models as m
from goodterms.ledger.importers.mail import parse_mail
from goodterms.ledger.importing import import_event_dicts, import_path, mail_record_id
from goodterms.ledger.mail_files import mail_files
from tests.conftest import shared_data
from tests.factories import business, client

TWILIO = """Sid,From,To,Direction,Status,StartTime,Duration
CA001,+66 81 234 5678,+6620000000,inbound,completed,"Mon, 02 Mar 2026 23:15:00 +0700",320
CA002,+66812345678,+6620000000,inbound,no-answer,2026-03-03T07:05:00+07:00,0
CA003,+6620000000,081-234-5678,outbound-api,completed,2026-03-03T10:00:00+07:00,95
CA004,+3725550000,+6620000000,inbound,completed,2026-03-03T11:00:00+07:00,60
"""

RINGCENTRAL = """id,startTime,duration,type,direction,action,result,from.phoneNumber,to.phoneNumber
rc1,2026-03-02T16:00:00Z,0,Voice,Inbound,Phone Call,Voicemail,+66812345678,+6620000000
rc2,2026-03-02T17:00:00.000Z,44,Voice,Inbound,Phone Call,Missed,+66812345678,+6620000000
"""


def _ledger(engine: Engine) -> None:
    import_event_dicts(
        engine,
        [
            business(),
            client(
                "c1",
                phones=["+66812345678"],
                emails=["nok@client-one.example"],
                domains=["client-one.example"],
            ),
        ],
    )


def _contacts(engine: Engine) -> list[tuple[str, str, str, bool, int]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(
                    m.Contact.ext_id,
                    m.Contact.channel,
                    m.Contact.direction,
                    m.Contact.answered,
                    m.Contact.duration_s,
                ).order_by(m.Contact.ext_id)
            )
        ]


def test_twilio_export_becomes_calls_matched_by_number_and_strangers_are_kept(
    engine: Engine, tmp_path: Path
) -> None:
    _ledger(engine)
    path = tmp_path / "twilio.csv"
    path.write_text(TWILIO, encoding="utf-8")
    result = import_path(engine, path)
    assert _contacts(engine) == [
        ("call:twilio:CA001", "call", "inbound", True, 320),
        ("call:twilio:CA002", "call", "inbound", False, 0),
        ("call:twilio:CA003", "call", "outbound", True, 95),
    ]
    assert len(result.unmatched) == 1 and "+3725550000" in result.unmatched[0]
    again = import_path(engine, path)
    assert (again.counts.inserted, again.counts.unchanged) == (0, 3)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.UnmatchedMessage)) == 1


def test_ringcentral_voicemail_and_missed_calls(engine: Engine, tmp_path: Path) -> None:
    _ledger(engine)
    path = tmp_path / "rc.csv"
    path.write_text(RINGCENTRAL, encoding="utf-8")
    import_path(engine, path)
    assert _contacts(engine) == [
        ("call:ringcentral:rc1", "voicemail", "inbound", False, 0),
        ("call:ringcentral:rc2", "call", "inbound", False, 44),
    ]


def test_mail_is_matched_by_address_then_domain(engine: Engine, tmp_path: Path) -> None:
    _ledger(engine)
    box = tmp_path / "in.mbox"
    box.write_bytes(
        b"From nok@client-one.example Mon Mar  2 10:00:00 2026\n"
        b"From: Nok <nok@client-one.example>\nTo: desk@siamscribe.example\nSubject: =?utf-8?b?4Liq4Lin4Lix4Liq4LiU4Li1?=\n"
        b"Date: Mon, 02 Mar 2026 10:00:00 +0700\nMessage-ID: <a1@client-one.example>\n"
        b"Content-Type: text/plain; charset=utf-8\n\n\xe0\xb8\x82\xe0\xb8\xad\xe0\xb8\x9a\xe0\xb8\x84\xe0\xb8\xb8\xe0\xb8\x93\n\n"
        b"From boss@client-one.example Mon Mar  2 11:00:00 2026\n"
        b"From: boss@client-one.example\nTo: desk@siamscribe.example\nSubject: Tere\n"
        b"Date: Mon, 02 Mar 2026 11:00:00 +0700\nMessage-ID: <a2@client-one.example>\n\nTere!\n\n"
        b"From x@elsewhere.example Mon Mar  2 12:00:00 2026\n"
        b"From: x@elsewhere.example\nSubject: Hello\nMessage-ID: <a3@elsewhere.example>\n\nHi\n"
    )
    result = import_path(engine, box, business_email="desk@siamscribe.example")
    assert result.counts.inserted == 2 and len(result.unmatched) == 1
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.Contact.subject, m.Contact.text, m.Contact.sender).order_by(m.Contact.at)
        ).all()
    assert rows[0].subject == "สวัสดี" and rows[0].text == "ขอบคุณ"
    assert rows[1].sender == "boss@client-one.example"


def test_every_real_world_message_is_stored_or_kept_as_unmatched(engine: Engine) -> None:
    corpus = shared_data("mail")
    messages = [
        p for p in corpus.rglob("*") if p.is_file() and p.name not in ("INDEX.tsv", "README.md", "SOURCE.md")
    ]
    import_event_dicts(engine, [business(), client("c1", domains=["gmail.com"])])
    stored = unmatched = 0
    for path in messages:
        result = import_path(engine, path)
        stored += result.counts.inserted + result.counts.unchanged + result.counts.updated
        unmatched += len(result.unmatched)
    assert len(messages) > 700
    assert stored > 0
    with engine.connect() as conn:
        kept = set(conn.scalars(select(m.UnmatchedMessage.message_key)))
        contacts = set(conn.scalars(select(m.Contact.ext_id)))
    # Several sources ship the same fixture: one record per distinct message (Message-ID or hash).
    keys = {parse_mail(found.raw).key for path in messages for found in mail_files(path)}
    missing = [k for k in keys if mail_record_id(k) not in contacts and k[:500] not in kept]
    assert missing == []
    assert stored + unmatched >= len(messages)
