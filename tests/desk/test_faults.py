"""The desk under bad input and faults, over real SMTP on 127.0.0.1 with a sink relay.

Each test names the fault it guards against; every one failed on the desk before these fixes.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from goodterms.app import Goodterms
from goodterms.desk import outbox
from goodterms.desk.config import DeskSettings
from goodterms.desk.intake import receive
from goodterms.desk.smtpd import DeskServer
from goodterms.ledger import models as m
from goodterms.ledger.importers.mail import parse_mail
from goodterms.ledger.importing import import_event_dicts
from tests.desk.conftest import Sink, deliver, free_port, mail, wait_for
from tests.factories import at, business, client

TEXT_CAP = 1_000_000  # as the JSON Lines import allows
HOURS = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
OFFICE = "office@siamscribe.example"
STAFF = "nok@siamscribe.example"
DESK = "desk@siamscribe.example"


@pytest.fixture
def app(db_url: str) -> Iterator[Goodterms]:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    gt.settings.desk.from_address = DESK
    import_event_dicts(
        gt.engine,
        [
            business(hours=HOURS, response_target_hours="4", email=OFFICE),
            {"type": "staff", "id": "s1", "name": "Nok", "email": STAFF.upper()},
            client("jane", name="Jane Doe", emails=["jane@example.com"]),
        ],
    )
    yield gt
    gt.engine.dispose()


@pytest.fixture
def desk(app: Goodterms, sink: tuple[Sink, str, int]) -> Iterator[tuple[DeskServer, Sink]]:
    handler, host, port = sink
    server = DeskServer(app, "127.0.0.1", free_port(), host, port, interval_s=0.2)
    server.start()
    yield server, handler
    server.stop()


def send_raw(port: int, raw: bytes, sender: str = "jane@example.com") -> tuple[int, str]:
    """Deliver raw bytes (no SIZE announced); return the reply to the data."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.ehlo()
        smtp.mail(sender)
        smtp.rcpt(DESK)
        code, text = smtp.data(raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    return code, text.decode()


@pytest.fixture
def web_client() -> Iterator[Any]:
    """Make in-process web clients and close them after the test."""
    from tests.web.conftest import TestClient

    made: list[TestClient] = []

    def make(web_app: Any) -> TestClient:
        made.append(TestClient(web_app))
        return made[-1]

    yield make
    for http in made:
        http.close()


def count(app: Goodterms, model: Any, *where: Any) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def acked_to(sink: Sink) -> list[str]:
    return [str(msg["To"]) for msg in sink.messages]


# 1. one bad inbound mail must not silence the acknowledgements after it


BROKEN_SUBJECT = (
    b"From: Jane Doe <jane@example.com>\r\nTo: desk@siamscribe.example\r\n"
    b"Subject: =?utf-8?B?broken-base64?=\r\nMessage-ID: <broken-1@client.example>\r\n\r\n"
    b"Please transcribe the recording from Monday.\r\n"
)


def test_a_broken_encoded_word_in_the_subject_is_acknowledged_and_so_is_the_next_mail(
    desk: tuple[DeskServer, Sink],
) -> None:
    server, sink = desk
    assert send_raw(server.port, BROKEN_SUBJECT)[0] == 250
    wait_for(sink, 1)
    deliver(server.port, mail("jane@example.com", "Invoice", "Please send the March invoice again."))
    wait_for(sink, 2)
    assert len(sink.messages) == 2
    assert "broken-base64" in str(sink.messages[0]["Subject"])
    assert server.sender_alive


def _queue_row(app: Goodterms, key: str, **kw: Any) -> None:
    with app.sessions() as session, session.begin():
        cid = session.scalars(select(m.Client.id)).first()
        outbox.enqueue(
            session=session,
            key=key,
            client_id=cid,
            kind="ack",
            to_addr=kw.pop("to_addr", "jane@example.com"),
            subject=kw.pop("subject", "Re: question"),
            body="Thank you.",
            headers={"From": DESK, **kw.pop("headers", {})},
        )


def test_a_row_that_cannot_be_built_is_set_aside_with_its_reason_and_the_rest_go_out(
    app: Goodterms, sink: tuple[Sink, str, int], caplog: pytest.LogCaptureFixture
) -> None:
    handler, host, port = sink
    _queue_row(app, "ack:bad", headers={"References": "<a@b>\r\nBcc: someone@example.org"})
    _queue_row(app, "ack:odd-address", to_addr="broken <office@siamscribe.example")
    _queue_row(app, "ack:good")
    assert outbox.send_pending(engine=app.engine, relay_host=host, relay_port=port) == 1
    assert acked_to(handler) == ["jane@example.com"]
    with app.sessions() as session:
        rows = {r.key: r for r in session.scalars(select(m.Outbox))}
        aside = outbox.set_aside_rows(session=session)
    assert rows["ack:good"].sent_at is not None
    assert rows["ack:bad"].failed_at is not None and rows["ack:bad"].sent_at is None
    assert "could not be put together" in (rows["ack:bad"].last_error or "")
    assert "not a usable e-mail address" in (rows["ack:odd-address"].last_error or "")
    assert {r.key for r in aside} == {"ack:bad", "ack:odd-address"}
    assert "set aside" in caplog.text
    # Set aside once, never tried again.
    assert outbox.send_pending(engine=app.engine, relay_host=host, relay_port=port) == 0


def test_the_desk_page_shows_acknowledgements_that_were_set_aside(
    app: Goodterms, sink: tuple[Sink, str, int], tmp_path: Any, web_client: Any
) -> None:
    from goodterms.web.accounts import add_user
    from goodterms.web.app import create_app
    from tests.web.conftest import PASSWORD, SAME_ORIGIN

    _, host, port = sink
    _queue_row(app, "ack:odd-address", to_addr="broken <office@siamscribe.example")
    outbox.send_pending(engine=app.engine, relay_host=host, relay_port=port)
    add_user(engine=app.engine, email="staff@biz.example", role="staff", password=PASSWORD)
    http = web_client(create_app(app, output_dir=tmp_path / "out"))
    form = {"email": "staff@biz.example", "password": PASSWORD}
    assert http.post("/login", data=form, headers=SAME_ORIGIN).status_code == 303
    page = http.get("/desk?lang=et").text
    assert "Saatmata jäänud kinnitused" in page and "not a usable e-mail address" in page
    assert "broken &lt;office@siamscribe.example" in page
    api = http.get("/api/desk").json()
    assert [r["to"] for r in api["not_sent"]] == ["broken <office@siamscribe.example"]


def test_desk_send_moves_past_a_row_it_cannot_build(db_url: str, tmp_path: Any, sink: Any) -> None:
    from typer.testing import CliRunner

    import goodterms.cli  # noqa: F401  (registers every command module)
    from goodterms.cli.app import app as cli

    handler, host, port = sink
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    import_event_dicts(gt.engine, [business(), client("jane", emails=["jane@example.com"])])
    _queue_row(gt, "ack:bad", headers={"In-Reply-To": "<a@b>\nX-Evil: 1"})
    _queue_row(gt, "ack:good")
    gt.engine.dispose()
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "desk"]
    result = CliRunner().invoke(cli, [*base, "send", "--relay", f"{host}:{port}"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert len(handler.messages) == 1


def test_the_sender_loop_survives_an_unexpected_error_and_reports_it(
    desk: tuple[DeskServer, Sink], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from goodterms.desk.health import sender_health
    from goodterms.service import jobs  # the sender loop delivers through jobs.deliver

    server, sink = desk
    real = jobs.send_pending
    calls = {"n": 0}

    def flaky(**kw: Any) -> int:
        calls["n"] += 1
        if calls["n"] <= 2:
            raise RuntimeError("a bug in the sender")
        return real(**kw)

    monkeypatch.setattr(jobs, "send_pending", flaky)
    deliver(server.port, mail("jane@example.com", "Question", "What are your rates for legal transcription?"))
    wait_for(sink, 1)
    assert len(sink.messages) == 1
    assert server.sender_alive
    assert "unexpected failure" in caplog.text
    deadline = time.monotonic() + 10
    while server.sender_state != "sending" and time.monotonic() < deadline:
        time.sleep(0.05)
    health = sender_health(server.app.engine)
    assert health is not None and health["state"] == "sending"


def test_healthz_shows_a_dead_or_failing_sender(app: Goodterms, tmp_path: Any, web_client: Any) -> None:
    import json
    from datetime import UTC, datetime, timedelta

    from goodterms.desk import health
    from goodterms.web.app import create_app

    http = web_client(create_app(app, output_dir=tmp_path / "out"))
    assert http.get("/healthz").json() == {"status": "ok"}  # no desk sender on this ledger
    health.write_beat(app.engine, state="sending", detail=None, interval_s=5.0)
    assert http.get("/healthz").status_code == 200
    # A sender that stopped beating without being stopped is dead.
    with app.sessions() as session, session.begin():
        blob = session.get(m.Blob, health.BLOB_NAME)
        assert blob is not None
        data = json.loads(blob.data)
        data["beat"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        blob.data = json.dumps(data).encode()
    dead = http.get("/healthz")
    assert dead.status_code == 503
    assert dead.json()["desk_sender"]["state"] == "not running"
    health.write_beat(app.engine, state="relay unavailable", detail="127.0.0.1:9: refused", interval_s=5.0)
    failing = http.get("/healthz")
    assert failing.status_code == 503 and failing.json()["status"] == "degraded"
    health.write_beat(app.engine, state="stopped", detail=None, interval_s=5.0)
    assert http.get("/healthz").status_code == 200


def test_a_running_desk_beats_and_says_when_it_stopped(app: Goodterms, sink: tuple[Sink, str, int]) -> None:
    from goodterms.desk.health import sender_health

    _, host, _ = sink
    dead_relay = free_port()
    server = DeskServer(app, "127.0.0.1", free_port(), host, dead_relay, interval_s=0.1)
    _queue_row(app, "ack:x")
    server.start()
    try:
        deadline = time.monotonic() + 10
        while server.sender_state != "relay unavailable" and time.monotonic() < deadline:
            time.sleep(0.05)
        found = sender_health(app.engine)
        assert found is not None and found["state"] == "relay unavailable" and not found["healthy"]
    finally:
        server.stop()
    stopped = sender_health(app.engine)
    assert stopped is not None and stopped["state"] == "stopped"


# 2. a locked database must neither kill the sender nor double a message


def _fail_marks(app: Goodterms, times: int) -> dict[str, int]:
    """Make the next ``times`` writes of ``sent_at`` fail as a held SQLite lock does."""
    seen = {"failed": 0}

    @event.listens_for(app.engine, "before_cursor_execute")
    def locked(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if statement.startswith("UPDATE outbox") and "sent_at" in statement and seen["failed"] < times:
            seen["failed"] += 1
            raise OperationalError(statement, params, Exception("database is locked"))

    return seen


def test_a_busy_database_after_the_relay_took_a_message_is_retried_without_sending_it_twice(
    app: Goodterms, sink: tuple[Sink, str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, host, port = sink
    monkeypatch.setattr(outbox, "MARK_RETRY_DELAYS", (0.01, 0.01))
    _queue_row(app, "ack:one")
    seen = _fail_marks(app, times=2)
    assert outbox.send_pending(engine=app.engine, relay_host=host, relay_port=port) == 1
    assert seen["failed"] == 2
    # Longer than the retries: the process remembers the row as sent and marks it next round.
    _queue_row(app, "ack:two")
    seen["failed"] = -1  # three failures: every try of this round
    with pytest.raises(OperationalError):
        outbox.send_pending(engine=app.engine, relay_host=host, relay_port=port)
    assert outbox.send_pending(engine=app.engine, relay_host=host, relay_port=port) == 0
    assert len(handler.messages) == 2
    with app.sessions() as session:
        rows = list(session.scalars(select(m.Outbox).order_by(m.Outbox.id)))
    assert all(r.sent_at is not None for r in rows)
    assert [r.attempts for r in rows] == [1, 1]


def test_the_desk_rides_out_a_locked_database_and_sends_each_ack_once(
    desk: tuple[DeskServer, Sink], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, sink = desk
    monkeypatch.setattr(outbox, "MARK_RETRY_DELAYS", (0.01,))
    seen = _fail_marks(server.app, times=3)  # more than one round of retries: the loop backs off
    deliver(server.port, mail("jane@example.com", "Recording", "Please transcribe the Monday recording."))
    wait_for(sink, 1)
    deadline = time.monotonic() + 15
    while count(server.app, m.Outbox, m.Outbox.sent_at.is_(None)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen["failed"] == 3
    deliver(server.port, mail("jane@example.com", "Invoice", "Please send the invoice for March."))
    wait_for(sink, 2)
    time.sleep(0.5)
    assert len(sink.messages) == 2
    assert count(server.app, m.Outbox, m.Outbox.sent_at.is_(None)) == 0
    assert server.sender_alive


def test_a_real_sqlite_lock_held_past_the_busy_timeout_is_waited_out(
    app: Goodterms, sink: tuple[Sink, str, int], db_url: str
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's file lock; the PostgreSQL run covers the same path by injection above")
    import sqlite3
    import threading

    handler, host, port = sink
    app.engine.dispose()

    @event.listens_for(app.engine, "connect")
    def short_busy_timeout(dbapi: Any, record: Any) -> None:
        dbapi.execute("PRAGMA busy_timeout=100")  # the lock outlasts it, as a 25 s import outlasts 10 s

    path = app.engine.url.database
    assert path
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    real = handler.handle_DATA
    release = threading.Timer(1.5, lambda: holder.execute("COMMIT"))

    async def lock_then_accept(server: Any, session: Any, envelope: Any) -> str:
        holder.execute("BEGIN IMMEDIATE")  # as a large import does, while we mark the row sent
        release.start()
        return await real(server, session, envelope)

    handler.handle_DATA = lock_then_accept  # type: ignore[method-assign]
    _queue_row(app, "ack:locked")
    try:
        assert outbox.send_pending(engine=app.engine, relay_host=host, relay_port=port) == 1
    finally:
        release.join()
        holder.close()
    assert len(handler.messages) == 1
    assert count(app, m.Outbox, m.Outbox.sent_at.is_not(None)) == 1


# 3. our own addresses are never clients and never acknowledged


def test_mail_from_our_own_addresses_is_kept_for_staff_and_never_acknowledged(
    desk: tuple[DeskServer, Sink],
) -> None:
    server, sink = desk
    for sender in (OFFICE, STAFF, DESK, f"Siam Scribe <{OFFICE.upper()}>"):
        deliver(server.port, mail(sender, "Forwarded: a question", "See the message below."))
    deliver(server.port, mail("jane@example.com", "Question", "What are your rates?"))
    wait_for(sink, 1)
    time.sleep(0.5)
    assert acked_to(sink) == ["jane@example.com"]
    app = server.app
    assert count(app, m.Client, m.Client.prospect.is_(True)) == 0
    with app.sessions() as session:
        reasons = list(session.scalars(select(m.UnmatchedMessage.reason)))
    assert len(reasons) == 4 and all("our own address" in r for r in reasons)


def test_a_client_listing_our_address_gets_no_acknowledgement_there(app: Goodterms) -> None:
    result = receive(app=app, client_ref="jane", sender=OFFICE, subject="Call notes", text="Jane rang.")
    assert result.outcome == "new" and result.ack_key is None
    assert "our own address" in (result.reason or "")
    assert count(app, m.Outbox) == 0


# 4. size limits that agree, a clear 552 with a record, and text capped like the JSONL import


def test_the_default_message_limit_carries_an_attachment_at_the_attachment_limit() -> None:
    limits = DeskSettings()
    msg = mail("jane@example.com", "Recording", "Attached.")
    msg.add_attachment(
        b"\x01" * limits.max_attachment_bytes, maintype="audio", subtype="mpeg", filename="a.mp3"
    )
    assert len(msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))) <= limits.max_message_bytes
    with pytest.raises(ValueError, match="cannot carry an attachment"):
        DeskSettings(max_message_bytes=25 * 1024 * 1024)


@pytest.fixture
def small_desk(app: Goodterms, sink: tuple[Sink, str, int]) -> Iterator[tuple[DeskServer, Sink]]:
    app.settings.desk = DeskSettings(max_attachment_bytes=30_000, max_message_bytes=400_000)
    handler, host, port = sink
    server = DeskServer(app, "127.0.0.1", free_port(), host, port, interval_s=0.2)
    server.start()
    yield server, handler
    server.stop()


def _with_attachment(size: int) -> EmailMessage:
    msg = mail("jane@example.com", "Recording", "The recording is attached.")
    msg.add_attachment(b"\x02" * size, maintype="audio", subtype="mpeg", filename="meeting.mp3")
    return msg


def test_attachments_up_to_the_limit_are_taken_and_larger_ones_refused_with_a_record(
    small_desk: tuple[DeskServer, Sink],
) -> None:
    server, _ = small_desk
    assert send_raw(server.port, _with_attachment(30_000).as_bytes())[0] == 250
    code, text = send_raw(server.port, _with_attachment(30_001).as_bytes())
    assert code == 552 and "Message too big" in text and "meeting.mp3" in text
    with server.app.sessions() as session:
        kept = session.scalars(select(m.UnmatchedMessage)).one()
    assert "30000-byte limit" in kept.reason and kept.subject == "Recording"


def test_mail_far_over_the_limit_gets_our_552_and_is_recorded_announced_or_not(
    small_desk: tuple[DeskServer, Sink],
) -> None:
    server, _ = small_desk
    huge = _with_attachment(1_500_000).as_bytes()  # beyond what aiosmtpd reads at all
    code, text = send_raw(server.port, huge)
    assert code == 552 and "Message too big" in text and "please send large files as a link" in text
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:  # smtplib announces SIZE= at MAIL FROM
        deliver(server.port, _with_attachment(1_500_000))
    assert refused.value.smtp_code == 552 and b"Message too big" in refused.value.smtp_error
    with server.app.sessions() as session:
        kept = list(session.scalars(select(m.UnmatchedMessage)))
    assert len(kept) == 2
    assert all("limit" in k.reason and k.sender == "jane@example.com" for k in kept)
    assert {"more than" in k.reason for k in kept} == {True, False}  # found in DATA / announced size


def test_a_very_long_text_is_capped_and_the_rest_kept_as_an_attachment(desk: tuple[DeskServer, Sink]) -> None:
    server, sink = desk
    line = "Palun tõlkige see leping inglise keelde, lehekülg " + "x" * 28 + "\n"
    body = line * (TEXT_CAP // len(line) + 3000)
    msg = mail("jane@example.com", "Long contract", body)
    deliver(server.port, msg)
    wait_for(sink, 1)
    whole = parse_mail(msg.as_bytes()).text
    assert len(whole) > TEXT_CAP
    with server.app.sessions() as session:
        contact = session.scalars(select(m.Contact).where(m.Contact.direction == "inbound")).one()
        request = session.scalars(select(m.Request)).one()
        rest = session.scalars(select(m.KeptFile)).one()
    assert len(contact.text or "") == TEXT_CAP and len(request.text) == TEXT_CAP
    assert rest.contact_id == contact.id and rest.name == "text-continued.txt"
    assert (contact.text or "") + rest.data.decode() == whole
    assert len(sink.messages) == 1


# 5. NUL in text: the same on both backends, never a 451 loop


def test_nul_in_subject_and_body_is_stripped_and_the_mail_acknowledged(desk: tuple[DeskServer, Sink]) -> None:
    server, sink = desk
    raw = (
        b"From: jane@example.com\r\nTo: desk@siamscribe.example\r\nSubject: Tran\x00script\r\n"
        b"Message-ID: <nul-1@client.example>\r\n\r\nPlease tran\x00scribe the call.\r\n"
    )
    assert send_raw(server.port, raw)[0] == 250
    wait_for(sink, 1)
    assert len(sink.messages) == 1
    with server.app.sessions() as session:
        contact = session.scalars(select(m.Contact).where(m.Contact.direction == "inbound")).one()
    assert contact.subject == "Transcript" and contact.text == "Please transcribe the call."


# 6. an unusable address is a reason, not an outgoing message


UNBALANCED = (
    b'From: "broken <office@siamscribe.example>\r\nTo: desk@siamscribe.example\r\n'
    b"Subject: Hello\r\nMessage-ID: <quote-1@client.example>\r\n\r\nPlease call me back.\r\n"
)


def test_an_unbalanced_quote_in_from_gets_no_acknowledgement_and_is_kept_with_a_reason(
    desk: tuple[DeskServer, Sink],
) -> None:
    server, sink = desk
    assert send_raw(server.port, UNBALANCED)[0] == 250
    deliver(server.port, mail("jane@example.com", "Question", "What are your rates?"))
    wait_for(sink, 1)
    time.sleep(0.5)
    assert acked_to(sink) == ["jane@example.com"]
    with server.app.sessions() as session:
        kept = session.scalars(select(m.UnmatchedMessage)).one()
    assert "not a usable e-mail address" in kept.reason
    assert count(server.app, m.Client, m.Client.prospect.is_(True)) == 0


def test_a_known_client_with_an_unusable_address_gets_a_reason_on_the_request(app: Goodterms) -> None:
    result = receive(app=app, mail=parse_mail(UNBALANCED), client_ref="jane")
    assert result.outcome == "new" and result.ack_key is None
    assert "not a usable e-mail address" in (result.reason or "")
    with app.sessions() as session:
        contact = session.scalars(select(m.Contact)).one()
    assert contact.request_id == result.request_id
    assert "not a usable e-mail address" in (contact.problem or "")
    assert count(app, m.Outbox) == 0


# Seams: an imported request without a reference or a promise is taken up and acknowledged


def test_a_repeat_of_an_imported_request_without_reference_or_promise_is_acknowledged(
    desk: tuple[DeskServer, Sink],
) -> None:
    server, sink = desk
    subject, text = "Board meeting transcript", "Please transcribe the board meeting recording from March."
    import_event_dicts(
        server.app.engine,
        [{"type": "request", "id": "old-1", "client": "jane", "at": at(0), "subject": subject, "text": text}],
    )
    deliver(server.port, mail("jane@example.com", subject, text))
    wait_for(sink, 1)
    assert len(sink.messages) == 1
    with server.app.sessions() as session:
        request = session.scalars(select(m.Request)).one()
    assert request.ext_id == "old-1" and request.chases == 1
    assert request.reference is not None and request.promised_at is not None
    assert f"[{request.reference}]" in str(sink.messages[0]["Subject"])


# The fault pass: transient faults answer 451 and store nothing; lasting ones 554, mail kept


def test_a_transient_database_fault_answers_451_and_stores_nothing_then_the_retry_is_taken(
    desk: tuple[DeskServer, Sink],
) -> None:
    server, sink = desk
    app = server.app
    fired = {"n": 0}

    @event.listens_for(app.engine, "before_cursor_execute")
    def unavailable(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if statement.startswith("INSERT INTO contacts") and fired["n"] == 0:
            fired["n"] += 1
            raise OperationalError(statement, params, Exception("server closed the connection"))

    msg = mail("stranger@example.org", "Quote", "Could you send a quote for a translation?")
    with pytest.raises(smtplib.SMTPDataError) as refused:
        deliver(server.port, msg)
    assert refused.value.smtp_code == 451
    assert count(app, m.Request) == count(app, m.UnmatchedMessage) == 0
    assert count(app, m.Client, m.Client.prospect.is_(True)) == 0  # the prospect rolled back too
    deliver(server.port, msg)  # the sender's server tries again
    wait_for(sink, 1)
    assert acked_to(sink) == ["stranger@example.org"]


def test_a_fault_that_would_recur_answers_554_with_a_reason_and_keeps_the_raw_mail(
    desk: tuple[DeskServer, Sink], monkeypatch: pytest.MonkeyPatch
) -> None:
    from goodterms.desk import intake

    server, sink = desk

    def bug(**kw: Any) -> Any:
        raise RuntimeError("a bug in matching")

    monkeypatch.setattr(intake, "match_or_prospect", bug)
    msg = mail("stranger@example.org", "Quote", "Could you send a quote for a translation?")
    for _ in range(2):  # a sender that retries anyway gets the same answer; the mail is kept once
        with pytest.raises(smtplib.SMTPDataError) as refused:
            deliver(server.port, msg)
        assert refused.value.smtp_code == 554
        assert b"kept for our staff" in refused.value.smtp_error
    with server.app.sessions() as session:
        kept = session.scalars(select(m.UnmatchedMessage)).one()
        raw = session.scalars(select(m.KeptFile)).one()
    assert kept.reason.startswith("not filed: an unexpected problem on our side")
    assert kept.sender == "stranger@example.org" and "translation" in (kept.text or "")
    assert raw.unmatched_id == kept.id and raw.name == "message.eml"
    assert parse_mail(raw.data).message_id == msg["Message-ID"]
    assert sink.messages == []


def test_when_even_keeping_the_mail_fails_the_answer_is_451(
    desk: tuple[DeskServer, Sink], monkeypatch: pytest.MonkeyPatch
) -> None:
    from goodterms.desk import intake, smtpd

    server, _ = desk

    def bug(**kw: Any) -> Any:
        raise RuntimeError("a bug in matching")

    def down(**kw: Any) -> Any:
        raise OperationalError("INSERT", {}, Exception("database unavailable"))

    monkeypatch.setattr(intake, "match_or_prospect", bug)
    monkeypatch.setattr(smtpd, "refuse", down)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        deliver(server.port, mail("stranger@example.org", "Quote", "A quote, please."))
    assert refused.value.smtp_code == 451


def test_a_conflict_on_the_first_try_is_retried_once_and_taken(
    desk: tuple[DeskServer, Sink], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import IntegrityError

    from goodterms.desk import smtpd

    server, sink = desk
    real = smtpd.receive
    calls = {"n": 0}

    def racing(**kw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return real(**kw)

    monkeypatch.setattr(smtpd, "receive", racing)
    deliver(server.port, mail("jane@example.com", "Question", "What are your rates?"))
    wait_for(sink, 1)
    assert len(sink.messages) == 1 and calls["n"] == 2


def test_an_intake_problem_is_a_554_with_its_reason(
    desk: tuple[DeskServer, Sink], monkeypatch: pytest.MonkeyPatch
) -> None:
    from goodterms.desk import smtpd
    from goodterms.desk.intake import IntakeProblem

    server, _ = desk

    def problem(**kw: Any) -> Any:
        raise IntakeProblem("the message names no request we know")

    monkeypatch.setattr(smtpd, "receive", problem)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        deliver(server.port, mail("jane@example.com", "Question", "What are your rates?"))
    assert refused.value.smtp_code == 554
    assert b"names no request we know" in refused.value.smtp_error
    assert count(server.app, m.UnmatchedMessage) == 1


def test_make_msgid_is_stable_per_row(app: Goodterms) -> None:
    """The window between send and mark is recognisable: a resent row carries the same Message-ID."""
    _queue_row(app, "ack:stable")
    with app.sessions() as session:
        row = session.scalars(select(m.Outbox)).one()
        first, second = outbox.build_message(row)["Message-ID"], outbox.build_message(row)["Message-ID"]
    assert first == second == row.headers["Message-ID"]


def test_a_non_ascii_address_goes_out_as_smtputf8_and_is_not_set_aside(
    app: Goodterms, sink: tuple[Sink, str, int]
) -> None:
    handler, host, port = sink
    _queue_row(app, "ack:utf8", to_addr="jüri.õun@example.ee")
    assert outbox.send_pending(engine=app.engine, relay_host=host, relay_port=port) == 1
    assert acked_to(handler) == ["jüri.õun@example.ee"]
