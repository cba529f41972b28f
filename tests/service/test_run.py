"""``goodterms run`` end to end: mail in over SMTP, acknowledgements out to a sink, /healthz, stop and restart."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from goodterms.ledger import models as m
from goodterms.ledger.db import make_engine
from tests.desk.conftest import Sink, free_port, mail
from tests.service.conftest import CLIENTS, WAIT_S, Run, deliver_until_taken

PARTS = {"web", "smtp intake", "outbox sender", "scheduler"}


def _wait(condition: object, what: str, run: Run) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    pytest.fail(f"waited in vain for {what}:\n{run.log()}")


def _acks_by_request(sink: Sink) -> Counter[str]:
    return Counter(str(msg["In-Reply-To"]) for msg in sink.messages)


def _stored(db_url: str) -> Counter[str]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(m.Contact.message_id, func.count())
                .where(m.Contact.direction == "inbound")
                .group_by(m.Contact.message_id)
            ).all()
    finally:
        engine.dispose()
    return Counter({str(mid): int(n) for mid, n in rows})


def test_run_acknowledges_mail_once_and_reports_every_part(running: Run, sink: tuple[Sink, str, int]) -> None:
    handler = sink[0]
    running.extra = ("--tone-every", "0.5")
    running.start()
    msg = mail("jane@example.com", "Transcript request", "Please transcribe the board meeting recording.")
    deliver_until_taken(running.smtp_port, msg, time.monotonic() + WAIT_S)
    _wait(lambda: len(handler.messages) >= 1, "the acknowledgement", running)
    _wait(
        lambda: (h := running.health()) is not None and h.get("outbox", {}).get("unsent") == 0,
        "the outbox to be empty",
        running,
    )
    assert [str(a["In-Reply-To"]) for a in handler.messages] == [msg["Message-ID"]]
    assert handler.messages[0]["To"] == "jane@example.com"
    body = running.health()
    assert body is not None and body["_code"] == 200 and body["status"] == "ok"
    assert set(body["parts"]) >= PARTS
    assert all(part["healthy"] for part in body["parts"].values())
    assert body["outbox"] == {"unsent": 0, "oldest_unsent_age_s": None}
    _wait(lambda: _tone(running.db_url, str(msg["Message-ID"])) is not None, "the tone to be read", running)
    assert running.stop() == 0
    assert len(handler.messages) == 1


def _tone(db_url: str, message_id: str) -> str | None:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(m.Contact.tone).where(m.Contact.message_id == message_id)).scalar()
    finally:
        engine.dispose()


def test_healthz_says_503_and_the_age_of_the_oldest_unsent_mail_while_the_relay_is_away(
    ledger: tuple[str, Path], tmp_path: Path
) -> None:
    db_url, config = ledger
    run = Run(db_url, config, free_port(), tmp_path)  # nothing listens on the relay's port
    try:
        run.start()
        msg = mail("mari@example.ee", "Arve küsimus", "Palun saatke märtsi arve uuesti.")
        deliver_until_taken(run.smtp_port, msg, time.monotonic() + WAIT_S)
        _wait(
            lambda: (h := run.health()) is not None and h["_code"] == 503 and h["outbox"]["unsent"] == 1,
            "/healthz to report the relay away",
            run,
        )
        body = run.health()
        assert body is not None
        assert body["parts"]["outbox sender"]["state"] == "relay unavailable"
        assert not body["parts"]["outbox sender"]["healthy"]
        assert body["parts"]["web"]["healthy"] and body["parts"]["smtp intake"]["healthy"]
        assert isinstance(body["outbox"]["oldest_unsent_age_s"], float)
        assert body["outbox"]["oldest_unsent_age_s"] >= 0
        assert run.stop() == 0
    finally:
        if run.proc is not None and run.proc.poll() is None:
            run.proc.kill()
            run.proc.wait()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_a_burst_survives_stop_and_restart_stored_once_acknowledged_once(
    running: Run, sink: tuple[Sink, str, int], sig: int
) -> None:
    handler = sink[0]
    msgs: list[EmailMessage] = [
        mail(
            CLIENTS[i % 3], f"Order {i}: {['audio', 'video', 'scan'][i % 3]} job {i * 7}", f"Job number {i}."
        )
        for i in range(50)
    ]
    running.start()
    deadline = time.monotonic() + 4 * WAIT_S
    failures: list[BaseException] = []

    def burst() -> None:
        try:
            for msg in msgs:
                deliver_until_taken(running.smtp_port, msg, deadline)
        except BaseException as exc:
            failures.append(exc)

    sender = threading.Thread(target=burst)
    sender.start()
    _wait(lambda: len(handler.messages) >= 10, "the burst to be under way", running)
    status = running.stop(sig)
    assert status == (0 if sig == signal.SIGTERM else -signal.SIGKILL)
    taken_before = len(_stored(running.db_url))
    assert taken_before < len(msgs), "the stop came after the burst: nothing was tested"
    running.start()
    sender.join(4 * WAIT_S)
    assert not failures, failures
    wanted = {str(msg["Message-ID"]) for msg in msgs}
    _wait(lambda: set(_acks_by_request(handler)) >= wanted, "every acknowledgement", running)
    _wait(
        lambda: (h := running.health()) is not None and h["outbox"]["unsent"] == 0,
        "the outbox to be empty",
        running,
    )
    assert running.stop() == 0

    stored = _stored(running.db_url)
    assert set(stored) == wanted and set(stored.values()) == {1}  # every message stored exactly once
    acks = _acks_by_request(handler)
    assert set(acks) == wanted
    if sig == signal.SIGTERM:
        assert set(acks.values()) == {1}  # a clean stop: every acknowledgement exactly once
    else:
        # A hard kill may fall between the relay taking one acknowledgement and its "sent" mark: that one
        # may go again, with the same Message-ID so the receiving side sees the repeat (desk/outbox.py).
        repeated = [ref for ref, n in acks.items() if n > 1]
        assert len(repeated) <= 1 and all(acks[ref] == 2 for ref in repeated)
        for ref in repeated:
            ids = {str(a["Message-ID"]) for a in handler.messages if str(a["In-Reply-To"]) == ref}
            assert len(ids) == 1


def test_an_address_in_use_or_a_bad_option_is_one_clear_line_and_exit_2(
    ledger: tuple[str, Path], tmp_path: Path
) -> None:
    import socket
    import subprocess
    import sys

    from tests.service.conftest import SRC

    db_url, config = ledger
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        base = [sys.executable, "-c", "from goodterms.cli import main; main()", "--db", db_url]
        cases = {
            "the web app cannot listen on 127.0.0.1:": ["--web", f"127.0.0.1:{port}"],
            "--smtp must be HOST:PORT": ["--smtp", "nohost"],
            "--tick must be more than 0 seconds": ["--tick", "0"],
        }
        for said, args in cases.items():
            done = subprocess.run(
                [*base, "--config", str(config), "run", "--smtp", f"127.0.0.1:{free_port()}", *args],
                capture_output=True,
                text=True,
                cwd=tmp_path,
                env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
                timeout=WAIT_S,
                check=False,
            )
            assert done.returncode == 2, done.stderr
            last = done.stderr.strip().splitlines()[-1]
            assert last.startswith("error: ") and said in last, done.stderr
            assert "Traceback" not in done.stderr
