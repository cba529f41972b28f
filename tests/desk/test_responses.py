from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from goodterms.app import Goodterms
from goodterms.desk.hygiene import machine_sent
from goodterms.desk.intake import receive
from goodterms.desk.queue import open_queue
from goodterms.desk.responses import answer, sweep_breaches, wait_on_client
from goodterms.desk.threading import reference_in, reply_subject
from goodterms.ledger import models as m
from goodterms.ledger.importers.mail import parse_mail
from goodterms.ledger.importing import import_event_dicts
from tests.factories import business, client

BKK = ZoneInfo("Asia/Bangkok")
HOURS = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def _app(db_url: str) -> Goodterms:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    import_event_dicts(gt.engine, [business(hours=HOURS), client("c1", response_target_hours="2")])
    return gt


def test_an_answer_after_the_promise_is_recorded_as_our_breach(db_url: str) -> None:
    gt = _app(db_url)
    got = receive(
        app=gt, client_ref="c1", subject="Q", text="A question", at=datetime(2026, 3, 2, 9, 0, tzinfo=BKK)
    )
    assert got.promised_at == datetime(2026, 3, 2, 11, 0, tzinfo=BKK)
    with gt.sessions() as session, session.begin():
        assert got.request_id is not None
        answer(
            session=session,
            calendar=gt.calendar(),
            request_id=got.request_id,
            at=datetime(2026, 3, 2, 14, 0, tzinfo=BKK),
        )
    with gt.sessions() as session:
        breach = session.scalars(select(m.ResponseBreach)).one()
        assert breach.late_hours == 3.0
        assert breach.answered_at == datetime(2026, 3, 2, 14, 0, tzinfo=BKK)
        assert session.get(m.Request, got.request_id).status == "answered"  # type: ignore[union-attr]


def test_a_request_waiting_on_the_client_is_neither_late_nor_swept(db_url: str) -> None:
    gt = _app(db_url)
    at = datetime.now(UTC) - timedelta(days=30)
    waiting = receive(app=gt, client_ref="c1", subject="Logo", text="Which logo?", at=at)
    late = receive(app=gt, client_ref="c1", subject="Invoice", text="Send the invoice for March", at=at)
    with gt.sessions() as session, session.begin():
        assert waiting.request_id is not None
        wait_on_client(session=session, request_id=waiting.request_id, at=at + timedelta(hours=1))
        assert sweep_breaches(session=session, calendar=gt.calendar(), now=datetime.now(UTC)) == 1
        assert sweep_breaches(session=session, calendar=gt.calendar(), now=datetime.now(UTC)) == 1
    with gt.sessions() as session:
        assert [b.request_id for b in session.scalars(select(m.ResponseBreach))] == [late.request_id]
        items = open_queue(session=session, now=datetime.now(UTC))
    assert [(i.request_id, i.late) for i in items] == [(late.request_id, True), (waiting.request_id, False)]


def test_the_client_answering_resumes_the_clock_in_the_same_request(db_url: str) -> None:
    gt = _app(db_url)
    first = receive(
        app=gt,
        client_ref="c1",
        subject="Logo",
        text="Fix the logo",
        at=datetime(2026, 3, 2, 9, 0, tzinfo=BKK),
    )
    with gt.sessions() as session, session.begin():
        assert first.request_id is not None
        wait_on_client(
            session=session, request_id=first.request_id, at=datetime(2026, 3, 2, 10, 0, tzinfo=BKK)
        )
    raw = (
        f"From: c1@example.com\nSubject: Re: Logo [{first.reference}]\nMessage-ID: <r1@example.com>\n"
        "Date: Tue, 3 Mar 2026 09:00:00 +0700\n\nThe blue one.\n"
    ).encode()
    resumed = receive(app=gt, mail=parse_mail(raw))
    assert resumed.outcome == "resumed" and resumed.request_id == first.request_id
    assert resumed.promised_at == datetime(2026, 3, 3, 10, 0, tzinfo=BKK)


def test_subject_references_and_machine_subjects() -> None:
    assert reference_in("Re: Logo [gt-000042]", "GT") == "GT-000042"
    assert reply_subject("Re: Logo [GT-000042]", "GT-000042") == "Re: Logo [GT-000042]"
    assert reply_subject("Logo", "GT-000042") == "Re: Logo [GT-000042]"
    ooo = parse_mail(b"From: a@b.c\nSubject: Automatic reply: away\n\nI am away.\n")
    assert machine_sent(ooo) is not None
    assert machine_sent(parse_mail(b"From: a@b.c\nSubject: Logo\n\nFix it.\n")) is None


def test_unknown_senders_become_prospects_in_their_language(db_url: str) -> None:
    gt = _app(db_url)
    raw = (
        "From: Tiit <tiit@firma.ee>\nSubject: Hinnapäring\n\nTere, palun saatke hinnapakkumine tõlketööle.\n"
    )
    got = receive(app=gt, mail=parse_mail(raw.encode()))
    assert got.outcome == "new"
    with gt.sessions() as session:
        prospect = session.get(m.Client, got.client_id)
        assert prospect is not None and prospect.prospect and prospect.emails == ["tiit@firma.ee"]
        assert prospect.language == "et"
