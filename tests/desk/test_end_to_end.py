"""A client mails the desk over real sockets on 127.0.0.1; a sink receives the acknowledgements."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from goodterms.app import Goodterms
from goodterms.desk.outbox import send_pending
from goodterms.desk.smtpd import DeskServer
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from tests.desk.conftest import Sink, deliver, free_port, mail, wait_for
from tests.factories import business, client

HOURS = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def app(db_url: str, tmp_path: object) -> Goodterms:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    import_event_dicts(
        gt.engine,
        [
            business(hours=HOURS, response_target_hours="4"),
            client("somchai", name="สมชาย ใจดี", language="th", emails=["somchai@example.co.th"]),
            client(
                "mari", name="Mari Tamm", language="et", timezone="Europe/Tallinn", emails=["mari@example.ee"]
            ),
            client(
                "jane", name="Jane Doe", language="en", timezone="Europe/London", emails=["jane@example.com"]
            ),
        ],
    )
    return gt


@pytest.fixture
def desk(app: Goodterms, sink: tuple[Sink, str, int]) -> Iterator[tuple[DeskServer, Sink]]:
    handler, host, port = sink
    server = DeskServer(app, "127.0.0.1", free_port(), host, port, interval_s=0.2)
    server.start()
    yield server, handler
    server.stop()


def test_thai_estonian_and_english_clients_get_acks_in_their_language_with_threading(
    desk: tuple[DeskServer, Sink],
) -> None:
    server, sink = desk
    th = mail("somchai@example.co.th", "ขอใบเสนอราคาถอดเทป", "รบกวนขอใบเสนอราคาถอดเทปการประชุมสามชั่วโมงค่ะ")
    et = mail("mari@example.ee", "Arve küsimus", "Palun saatke märtsi arve uuesti, õige käibemaksuga.")
    en = mail(
        "jane@example.com", "Transcript request", "Please transcribe the attached board meeting recording."
    )
    for msg in (th, et, en):
        deliver(server.port, msg)
    wait_for(sink, 3)
    assert len(sink.messages) == 3
    by_to = {str(msg["To"]): msg for msg in sink.messages}
    ack_th = by_to["somchai@example.co.th"]
    body_th = ack_th.get_content()
    assert "ชั่วโมงทำการ" in body_th and "เวลา" in body_th
    assert any(str(y) in body_th for y in range(2568, 2580))  # Buddhist era year
    assert ack_th["In-Reply-To"] == th["Message-ID"]
    assert th["Message-ID"] in ack_th["References"]
    assert ack_th["Auto-Submitted"] == "auto-replied"
    assert ack_th["Message-ID"]
    assert str(ack_th["Subject"]).startswith("Re: ขอใบเสนอราคาถอดเทป [GT-")
    assert "tööajatunni" in by_to["mari@example.ee"].get_content()
    body_en = by_to["jane@example.com"].get_content()
    assert "within 4 business hours" in body_en
    for msg in sink.messages:
        text = msg.get_content().lower()
        assert "duplicate" not in text and "already" not in text


def test_promised_time_follows_business_hours_in_the_clients_timezone(app: Goodterms) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from goodterms.desk.intake import receive

    friday_late = datetime(2026, 3, 6, 16, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
    result = receive(
        app=app, client_ref="mari", subject="Tõlge", text="Palun tõlkige leping.", at=friday_late
    )
    # 1 hour left on Friday, 3 more on Monday from 09:00 Bangkok: Monday 12:00 Bangkok = 07:00 Tallinn.
    assert result.promised_at == datetime(2026, 3, 9, 12, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
    with app.sessions() as session:
        body = session.scalars(select(m.Outbox.body)).one()
    assert "esmaspäev, 9. märts 2026 kell 07:00" in body


def test_a_repeat_is_folded_into_the_original_with_an_apology(desk: tuple[DeskServer, Sink]) -> None:
    server, sink = desk
    first = mail(
        "jane@example.com", "Transcript request", "Please transcribe the board meeting recording from March."
    )
    deliver(server.port, first)
    wait_for(sink, 1)
    again = mail(
        "jane@example.com", "Transcript", "Hello again, please transcribe the March board meeting recording."
    )
    deliver(server.port, again)
    chase = mail("jane@example.com", "Hello", "Any news on my request?")
    deliver(server.port, chase)
    wait_for(sink, 3)
    assert len(sink.messages) == 3
    with server.app.sessions() as session:
        requests = list(session.scalars(select(m.Request)))
        assert len(requests) == 1
        assert requests[0].chases == 2
        assert requests[0].priority == 2
        linked = session.scalar(
            select(func.count())
            .select_from(m.Contact)
            .where(m.Contact.request_id == requests[0].id, m.Contact.direction == "inbound")
        )
        assert linked == 3
    repeat_body = sink.messages[2].get_content()
    assert "sorry" in repeat_body and "Re: Hello [GT-" in str(sink.messages[2]["Subject"])


def test_no_acknowledgement_to_auto_replies_bounces_or_bulk_mail(desk: tuple[DeskServer, Sink]) -> None:
    server, sink = desk
    deliver(
        server.port, mail("jane@example.com", "Out of office", "I am away.", Auto_Submitted="auto-replied")
    )
    deliver(server.port, mail("stranger@example.org", "Newsletter", "Offers!", Precedence="bulk"))
    deliver(server.port, mail("mailer-daemon@example.org", "Undelivered", "Delivery failed."))
    deliver(server.port, mail("jane@example.com", "Question", "What are your fees for legal transcription?"))
    wait_for(sink, 1)
    time.sleep(0.5)
    assert len(sink.messages) == 1
    assert "Question" in str(sink.messages[0]["Subject"])
    with server.app.sessions() as session:
        unmatched = session.scalar(select(func.count()).select_from(m.UnmatchedMessage))
        stored_auto = session.scalar(
            select(func.count()).select_from(m.Contact).where(m.Contact.problem.like("automatic:%"))
        )
    assert unmatched == 2
    assert stored_auto == 1


def test_exactly_one_acknowledgement_across_a_crash(app: Goodterms, sink: tuple[Sink, str, int]) -> None:
    handler, host, port = sink
    dead_relay = free_port()  # nothing listens: the process "crashes" before the ack leaves
    server = DeskServer(app, "127.0.0.1", free_port(), "127.0.0.1", dead_relay, interval_s=0.2)
    server.start()
    msg = mail("jane@example.com", "Urgent file", "Please send the transcript by Friday.")
    deliver(server.port, msg)
    time.sleep(0.5)
    server.stop()
    assert handler.messages == []
    with app.sessions() as session:
        assert (
            session.scalar(select(func.count()).select_from(m.Outbox).where(m.Outbox.sent_at.is_(None))) == 1
        )
    # The client's server retries the same message after the restart: it is not taken twice.
    restarted = DeskServer(app, "127.0.0.1", free_port(), host, port, interval_s=0.2)
    restarted.start()
    try:
        deliver(restarted.port, msg)
        wait_for(handler, 1)
        time.sleep(0.5)
    finally:
        restarted.stop()
    assert send_pending(engine=app.engine, relay_host=host, relay_port=port) == 0
    assert len(handler.messages) == 1
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(m.Request)) == 1
