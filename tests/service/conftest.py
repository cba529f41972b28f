"""``goodterms run`` as a real subprocess on free ports of 127.0.0.1, a temp ledger and a sink relay."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from goodterms.app import Goodterms
from goodterms.ledger.importing import import_event_dicts
from tests.desk.conftest import Sink, free_port, sink  # noqa: F401  (sink is a fixture used here)
from tests.factories import business, client

SRC = Path(__file__).resolve().parents[2] / "src"
HOURS = {d: [["00:00", "23:59"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
#: Generous bounds for a busy test machine; nothing asserts how long anything took.
WAIT_S = 120.0
CLIENTS = ("jane@example.com", "mari@example.ee", "somchai@example.co.th")


def goodterms_command(db_url: str, config: Path) -> tuple[dict[str, str], list[str]]:
    """The environment and the start of a command line that runs this checkout's ``goodterms``."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("GOODTERMS_DATABASE_URL", None)
    return env, [
        sys.executable,
        "-c",
        "from goodterms.cli import main; main()",
        "--db",
        db_url,
        "--config",
        str(config),
    ]


def overdue_invoice(days: int = 10) -> dict[str, str]:
    """Jane's invoice INV-1, due ``days`` days ago (Bangkok time): a follow-up is due on it."""
    due = (datetime.now(UTC).astimezone(ZoneInfo("Asia/Bangkok")) - timedelta(days=days)).date()
    return {
        "type": "invoice",
        "id": "1",
        "client": "jane",
        "number": "INV-1",
        "issued": (due - timedelta(days=14)).isoformat(),
        "due": due.isoformat(),
        "amount": "10000.00",
        "currency": "THB",
    }


@dataclass
class Run:
    """One ``goodterms run`` process and how to reach it."""

    db_url: str
    config: Path
    relay_port: int
    workdir: Path
    extra: tuple[str, ...] = ()
    web_port: int = field(default_factory=free_port)
    smtp_port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0
    #: "healthy": start() waits for /healthz to say 200; "answering": for any answer (a part may be down).
    start_when: str = "healthy"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start(self) -> None:
        """Start the process (again) on the same ports and wait until /healthz answers (200 unless
        ``start_when`` is "answering")."""
        self.starts += 1
        env, base = goodterms_command(self.db_url, self.config)
        cmd = [
            *base,
            "run",
            "--web",
            f"127.0.0.1:{self.web_port}",
            "--smtp",
            f"127.0.0.1:{self.smtp_port}",
            "--relay",
            f"127.0.0.1:{self.relay_port}",
            "--interval",
            "0.2",
            "--tick",
            "0.5",
            *self.extra,
        ]
        with (self.workdir / f"run-{self.starts}.log").open("wb") as log:  # the child keeps its own copy
            self.proc = subprocess.Popen(cmd, cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"goodterms run exited with {self.proc.returncode}:\n{self.log()}")
            body = self.health(ok_only=self.start_when == "healthy")
            if body is not None:
                return
            time.sleep(0.2)
        pytest.fail(f"goodterms run did not become healthy:\n{self.log()}")

    def health(self, *, ok_only: bool = False) -> dict[str, Any] | None:
        """Return /healthz's body with its status code under "_code" (None while nothing answers)."""
        try:
            reply = httpx.get(f"{self.url}/healthz", timeout=5)
        except httpx.TransportError:
            return None
        if ok_only and reply.status_code != 200:
            return None
        body: dict[str, Any] = reply.json()
        body["_code"] = reply.status_code
        return body

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` and wait for the process to end; return its exit status."""
        assert self.proc is not None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(WAIT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"goodterms run did not stop on signal {sig}:\n{self.log()}")

    def log(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-4000:] for p in sorted(self.workdir.glob("run-*.log"))
        )


@pytest.fixture
def ledger(db_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A ledger with a business open every hour and three clients who mail in; (db_url, config path)."""
    config = tmp_path / "goodterms.toml"
    config.write_text("", encoding="utf-8")
    gt = Goodterms.open(db_url, str(config))
    import_event_dicts(
        gt.engine,
        [
            business(hours=HOURS, response_target_hours="4"),
            client("jane", name="Jane Doe", language="en", emails=["jane@example.com"]),
            client("mari", name="Mari Tamm", language="et", emails=["mari@example.ee"]),
            client("somchai", name="สมชาย ใจดี", language="th", emails=["somchai@example.co.th"]),
        ],
    )
    gt.engine.dispose()
    yield db_url, config


@pytest.fixture
def running(ledger: tuple[str, Path], sink: tuple[Sink, str, int], tmp_path: Path) -> Iterator[Run]:  # noqa: F811
    """A ``goodterms run`` not started yet (``start()`` it), stopped at the end whatever happened."""
    db_url, config = ledger
    run = Run(db_url, config, sink[2], tmp_path)
    yield run
    if run.proc is not None and run.proc.poll() is None:
        run.proc.kill()
        run.proc.wait()


def deliver_until_taken(port: int, msg: EmailMessage, deadline: float) -> int:
    """Send one message, trying again (as a real mail server does) until the desk says 250; return tries."""
    tries = 0
    while True:
        tries += 1
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
                smtp.send_message(msg)
            return tries
        except (OSError, smtplib.SMTPException):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
