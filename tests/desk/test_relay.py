"""The outbox against a real TLS + AUTH submission server on 127.0.0.1 (aiosmtpd, certificates made here).

Rules checked: certificates are verified (a self-signed one only with its CA file given), a password is
never sent without TLS, a wrong password keeps every row queued and is reported as a setup problem, a
4xx is tried again and sent once, a 5xx is set aside at once and never tried again, and every message
carries the Message-ID derived from its outbox key.
"""

from __future__ import annotations

import email
import email.policy
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import Result
from pydantic import ValidationError
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

import goodterms.cli  # noqa: F401  (registers every command module)
from goodterms.app import Goodterms
from goodterms.cli.app import app as cli
from goodterms.desk import outbox
from goodterms.desk.config import DeskSettings
from goodterms.desk.health import sender_health
from goodterms.desk.relay import Relay, RelaySetupError
from goodterms.desk.smtpd import DeskServer
from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope
from goodterms.ledger.importing import import_event_dicts
from tests.desk.conftest import free_port
from tests.factories import business, client

USER = "desk@siamscribe.example"
SECRET = "correct horse ผ้าไหม"
KEY = "relay-test:1"


@dataclass
class Submission:
    """A submission server's handler: checks logins, keeps messages, answers DATA from a script."""

    replies: list[str] = field(default_factory=list)  # DATA answers to give first; then 250
    logins: list[tuple[str, str]] = field(default_factory=list)
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    data_calls: int = 0

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        login, password = data.login.decode(), data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=(login, password) == (USER, SECRET), handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_calls += 1
        if self.replies:
            return self.replies.pop(0)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, email.message.EmailMessage)
        self.messages.append(msg)
        return "250 OK"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made with openssl."""
    folder = tmp_path_factory.mktemp("certs")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _server_context(certs: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certs[0]), str(certs[1]))
    return context


def _serve(handler: Submission, port: int, **kwargs: Any) -> Controller:
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=handler.authenticate, **kwargs
    )
    controller.start()
    return controller


@pytest.fixture
def starttls(certs: tuple[Path, Path]) -> Iterator[tuple[Submission, int]]:
    """Port 587 style: STARTTLS required, AUTH only after it."""
    handler, port = Submission(), free_port()
    controller = _serve(
        handler, port, tls_context=_server_context(certs), require_starttls=True, auth_require_tls=True
    )
    yield handler, port
    controller.stop()


@pytest.fixture
def implicit(certs: tuple[Path, Path]) -> Iterator[tuple[Submission, int]]:
    """Port 465 style: TLS from the first byte."""
    handler, port = Submission(), free_port()
    controller = _serve(handler, port, ssl_context=_server_context(certs), auth_require_tls=False)
    yield handler, port
    controller.stop()


@pytest.fixture
def plain_with_auth() -> Iterator[tuple[Submission, int]]:
    """A careless server: no TLS at all, yet it offers AUTH in clear text."""
    handler, port = Submission(), free_port()
    controller = _serve(handler, port, auth_require_tls=False)
    yield handler, port
    controller.stop()


@pytest.fixture
def gt(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Goodterms]:
    monkeypatch.setenv("GT_TEST_RELAY_PASSWORD", SECRET)
    app = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    with session_scope(app.engine) as session:
        outbox.enqueue(
            session=session,
            key=KEY,
            client_id=None,
            kind="ack",
            to_addr="jane@example.com",
            subject="Your translation",
            body="It is ready. ขอบคุณค่ะ",
            headers={"From": USER},
            record_contact=False,
        )
    yield app
    app.engine.dispose()


def _relay(port: int, tls: str, certs: tuple[Path, Path] | None, **kwargs: Any) -> Relay:
    settings: dict[str, Any] = {"user": USER, "password_env": "GT_TEST_RELAY_PASSWORD"} | kwargs
    return Relay(
        host="127.0.0.1",
        port=port,
        tls=tls,  # type: ignore[arg-type]  # tests pass the literal strings
        ca_file=str(certs[0]) if certs else None,
        **settings,
    )


def _row(gt: Goodterms) -> m.Outbox:
    with session_scope(gt.engine) as session:
        row = session.scalars(select(m.Outbox).where(m.Outbox.key == KEY)).one()
        session.expunge(row)
        return row


def _no_sleep(waits: list[float]) -> Any:
    return waits.append


def test_starttls_with_login_sends_once_with_the_message_id_of_its_key(
    gt: Goodterms, starttls: tuple[Submission, int], certs: tuple[Path, Path]
) -> None:
    handler, port = starttls
    relay = _relay(port, "starttls", certs)
    assert outbox.send_pending(engine=gt.engine, relay=relay, sleep=_no_sleep([])) == 1
    assert outbox.send_pending(engine=gt.engine, relay=relay, sleep=_no_sleep([])) == 0
    assert handler.logins == [(USER, SECRET)]
    [msg] = handler.messages
    assert msg["Message-ID"] == outbox.message_id(KEY, USER) == _row(gt).headers["Message-ID"]
    assert "ขอบคุณค่ะ" in msg.get_body().get_content()  # type: ignore[union-attr]
    assert _row(gt).sent_at is not None


def test_implicit_tls_with_a_password_file_sends(
    gt: Goodterms, implicit: tuple[Submission, int], certs: tuple[Path, Path], tmp_path: Path
) -> None:
    handler, port = implicit
    secret = tmp_path / "relay-password"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    relay = _relay(port, "implicit", certs, password_env=None, password_file=str(secret))
    assert outbox.send_pending(engine=gt.engine, relay=relay, sleep=_no_sleep([])) == 1
    assert handler.logins == [(USER, SECRET)] and len(handler.messages) == 1


def test_wrong_password_keeps_the_row_queued_and_reports_a_setup_problem(
    gt: Goodterms,
    starttls: tuple[Submission, int],
    certs: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handler, port = starttls
    monkeypatch.setenv("GT_TEST_RELAY_PASSWORD", "wrong")
    relay = _relay(port, "starttls", certs)
    with pytest.raises(RelaySetupError, match="refused the login"):
        outbox.send_pending(engine=gt.engine, relay=relay, sleep=_no_sleep([]))
    row = _row(gt)
    assert row.sent_at is None and row.failed_at is None  # the message is fine: it waits for the fix
    assert not handler.messages
    # The desk's sender reports it where staff look (/healthz reads this), and keeps the row.
    server = DeskServer(gt, "127.0.0.1", free_port(), "127.0.0.1", port, relay=relay)
    state, detail = server._send_once()
    server._report(state, detail)
    health = sender_health(gt.engine)
    assert health is not None and not health["healthy"]
    assert health["state"] == "relay setup problem" and "refused the login" in health["detail"]
    assert _row(gt).failed_at is None


def test_self_signed_certificate_is_refused_without_its_ca_file(
    gt: Goodterms, starttls: tuple[Submission, int], implicit: tuple[Submission, int]
) -> None:
    for (handler, port), tls in ((starttls, "starttls"), (implicit, "implicit")):
        relay = _relay(port, tls, None)
        with pytest.raises(RelaySetupError, match="certificate could not be verified"):
            outbox.send_pending(engine=gt.engine, relay=relay, sleep=_no_sleep([]))
        assert not handler.logins and not handler.messages  # no password left this machine
    assert _row(gt).sent_at is None and _row(gt).failed_at is None


def test_login_is_never_sent_without_tls(
    gt: Goodterms, plain_with_auth: tuple[Submission, int], certs: tuple[Path, Path]
) -> None:
    handler, port = plain_with_auth
    with pytest.raises(RelaySetupError, match="without TLS"):
        outbox.send_pending(engine=gt.engine, relay=_relay(port, "none", None), sleep=_no_sleep([]))
    # Asked for STARTTLS, the server has none: refused before AUTH, although it offers AUTH in clear.
    with pytest.raises(RelaySetupError, match="does not offer STARTTLS"):
        outbox.send_pending(engine=gt.engine, relay=_relay(port, "starttls", certs), sleep=_no_sleep([]))
    assert handler.logins == [] and not handler.messages
    assert _row(gt).sent_at is None and _row(gt).failed_at is None


def test_a_temporary_refusal_is_tried_again_and_sent_once(
    gt: Goodterms, starttls: tuple[Submission, int], certs: tuple[Path, Path]
) -> None:
    handler, port = starttls
    handler.replies = ["451 4.3.0 Try again later"]
    waits: list[float] = []
    assert (
        outbox.send_pending(engine=gt.engine, relay=_relay(port, "starttls", certs), sleep=waits.append) == 1
    )
    assert handler.data_calls == 2 and len(handler.messages) == 1
    assert waits == [outbox.RETRY_DELAYS[0]]
    row = _row(gt)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error is None


def test_a_permanent_refusal_is_recorded_and_never_tried_again(
    gt: Goodterms, starttls: tuple[Submission, int], certs: tuple[Path, Path]
) -> None:
    handler, port = starttls
    handler.replies = ["550 5.7.1 Sender not allowed"] * 5
    relay = _relay(port, "starttls", certs)
    waits: list[float] = []
    assert outbox.send_pending(engine=gt.engine, relay=relay, sleep=waits.append) == 0
    assert outbox.send_pending(engine=gt.engine, relay=relay, sleep=waits.append) == 0
    assert handler.data_calls == 1 and waits == []
    row = _row(gt)
    assert row.failed_at is not None and row.sent_at is None
    assert row.last_error is not None and "550" in row.last_error and "Sender not allowed" in row.last_error


def test_an_unreachable_relay_is_tried_again_after_a_pause(gt: Goodterms, certs: tuple[Path, Path]) -> None:
    handler, port = Submission(), free_port()
    started: list[Controller] = []

    def wait(seconds: float) -> None:  # the relay comes up during the first pause
        if not started:
            started.append(_serve(handler, port, tls_context=_server_context(certs), require_starttls=True))

    try:
        assert outbox.send_pending(engine=gt.engine, relay=_relay(port, "starttls", certs), sleep=wait) == 1
    finally:
        for controller in started:
            controller.stop()
    assert len(handler.messages) == 1


def test_missing_secret_is_one_clear_line(gt: Goodterms, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GT_TEST_RELAY_PASSWORD")
    relay = _relay(free_port(), "starttls", None)
    with pytest.raises(RelaySetupError, match="GT_TEST_RELAY_PASSWORD is not set"):
        outbox.send_pending(engine=gt.engine, relay=relay, sleep=_no_sleep([]))
    nowhere = Relay("127.0.0.1", 1, "implicit", USER, password_file="/nonexistent/relay-password")
    with pytest.raises(RelaySetupError, match="/nonexistent/relay-password cannot be read"):
        nowhere.check()


def test_settings_keep_passwords_out_and_refuse_login_without_tls() -> None:
    with pytest.raises(ValidationError, match=r"never kept in goodterms\.toml"):
        DeskSettings.model_validate({"relay_user": USER, "relay_password": SECRET})
    with pytest.raises(ValidationError, match="never sent without TLS"):
        DeskSettings.model_validate({"relay_user": USER, "relay_password_env": "X"})
    desk = DeskSettings.model_validate(
        {"relay_host": "smtp.gmail.com", "relay_port": 587, "relay_tls": "starttls", "relay_user": USER}
        | {"relay_password_env": "GOODTERMS_RELAY_PASSWORD"}
    )
    assert desk.relay() == Relay("smtp.gmail.com", 587, "starttls", USER, "GOODTERMS_RELAY_PASSWORD")


# The commands that send: the relay options, and one line (no traceback) when something is wrong.

runner = CliRunner()


def _cli(gt: Goodterms, *args: str) -> Result:
    db = gt.engine.url.render_as_string(hide_password=False)
    return runner.invoke(cli, ["--db", db, "--config", "/nonexistent/goodterms.toml", *args])


def _relay_args(port: int, tls: str, certs: tuple[Path, Path] | None = None) -> list[str]:
    args = ["--relay", f"127.0.0.1:{port}", "--relay-tls", tls, "--relay-user", USER]
    args += ["--relay-password-env", "GT_TEST_RELAY_PASSWORD"]
    return args + (["--relay-ca-file", str(certs[0])] if certs else [])


def test_desk_send_speaks_starttls_and_login_from_its_options(
    gt: Goodterms, starttls: tuple[Submission, int], certs: tuple[Path, Path]
) -> None:
    handler, port = starttls
    done = _cli(gt, "desk", "send", *_relay_args(port, "starttls", certs))
    assert done.exit_code == 0, done.output
    assert "sent 1" in done.output and len(handler.messages) == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"--relay-password-env": "GT_TEST_NO_SUCH_VARIABLE"}, "GT_TEST_NO_SUCH_VARIABLE is not set"),
        ({"--relay-tls": "none"}, "refusing to send the password"),
        ({"--relay-tls": "sometimes"}, "--relay-tls must be one of"),
        ({"--relay-ca-file": "/nonexistent/ca.pem"}, "/nonexistent/ca.pem: no such file"),
    ],
)
def test_relay_options_that_cannot_work_are_one_line(
    gt: Goodterms, change: dict[str, str], expected: str
) -> None:
    args = _relay_args(free_port(), "starttls")
    for option, value in change.items():
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    for command in (["desk", "send"], ["followup", "send"]):
        failed = _cli(gt, *command, *args)
        assert failed.exit_code == 2, failed.output
        assert expected in failed.output and "Traceback" not in failed.output
        assert len(failed.output.strip().splitlines()) == 1
    assert _row(gt).sent_at is None and _row(gt).failed_at is None


def test_a_wrong_password_on_the_command_line_is_one_line_and_the_row_waits(
    gt: Goodterms,
    starttls: tuple[Submission, int],
    certs: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GT_TEST_RELAY_PASSWORD", "wrong")
    failed = _cli(gt, "desk", "send", *_relay_args(starttls[1], "starttls", certs))
    assert failed.exit_code == 2, failed.output
    assert "refused the login" in failed.output and "stay queued" in failed.output
    assert _row(gt).sent_at is None and _row(gt).failed_at is None


@pytest.mark.parametrize(
    ("command", "statement"),
    [
        (["desk", "submit", "--client", "jane", "--text", "Any news on my file?"], "INSERT INTO requests"),
        (["desk", "send"], "FROM outbox"),
        (["followup", "send", "--as-of", "2026-03-05"], "FROM outbox"),
    ],
)
def test_a_busy_database_is_one_line_saying_nothing_was_lost(
    gt: Goodterms, command: list[str], statement: str
) -> None:
    import_event_dicts(gt.engine, [business(), client("jane", emails=["jane@example.com"])])

    def locked(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if statement in sql:
            raise OperationalError(sql, params, Exception("database is locked"))

    event.listen(Engine, "before_cursor_execute", locked)
    try:
        failed = _cli(gt, *command)
    finally:
        event.remove(Engine, "before_cursor_execute", locked)
    assert failed.exit_code == 2, failed.output
    assert "database is busy" in failed.output and "database is locked" in failed.output
    assert "Traceback" not in failed.output and len(failed.output.strip().splitlines()) == 1
    assert _row(gt).sent_at is None and _row(gt).failed_at is None
