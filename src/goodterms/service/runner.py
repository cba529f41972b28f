"""``goodterms run``: the web app, the desk's SMTP intake and outbox sender, mailbox polling and the
scheduler, in one process, each in its own thread.

Stopping (SIGTERM or SIGINT, see ``Runner.stop``) first stops taking new work: the SMTP listener
closes, mailboxes and the scheduler start nothing new and the web app stops accepting connections.
Then the work under way is let finish: the outbox sender ends its round, a mailbox its pass, the
scheduler its job, the web app its requests. Whatever a hard kill cuts short is safe to repeat: a
message is stored and its acknowledgement queued in one transaction, the mailbox's last UID moves
with the message it stored, and the outbox marks a row sent right after the relay took it.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from goodterms.app import Goodterms
from goodterms.connect.config import MailboxSettings
from goodterms.desk.relay import Relay
from goodterms.desk.smtpd import DeskServer
from goodterms.service import health, jobs
from goodterms.service.schedule import Scheduler

log = logging.getLogger(__name__)
#: Seconds the runner waits for a part to finish its work under way when stopping.
STOP_WAIT_S = 60.0


def _local(host: str) -> str:
    """The address to reach a listener on from this machine (a wildcard address is reached on loopback)."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)


@dataclass
class MailboxPoller:
    """Reads one mailbox every ``poll_seconds`` (its setting), beating while it waits."""

    app: Goodterms
    box: MailboxSettings
    stop_event: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def part(self) -> str:
        """The part's name in /healthz."""
        return f"mailbox {self.box.name}"

    def start(self) -> None:
        """Start polling in a thread."""
        self.thread = threading.Thread(target=self._loop, name=f"mailbox-{self.box.name}", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop_event.is_set():
            state: str
            detail: str | None
            try:
                jobs.poll_mailbox(self.app, self.box)
            except Exception as exc:  # wrong password, server away, ledger busy: said, tried again later
                log.warning("mailbox %s: %s", self.box.name, exc, extra={"part": self.part})
                state, detail = "failing", str(exc)[:300]
            else:
                state, detail = "running", None
            health.record(self.app.engine, self.part, state=state, detail=detail)
            until = time.monotonic() + self.box.poll_seconds
            while not self.stop_event.is_set() and time.monotonic() < until:
                if self.stop_event.wait(min(health.BEAT_EVERY_S, max(0.0, until - time.monotonic()))):
                    break
                if time.monotonic() < until:
                    health.record(self.app.engine, self.part, state=state, detail=detail)

    def stop(self) -> None:
        """Start no new pass; wait for the pass under way (every message it stored is kept either way)."""
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(STOP_WAIT_S)
        health.record(self.app.engine, self.part, state="stopped")


@dataclass
class WebPart:
    """The web app under uvicorn, in a thread of its own."""

    app: Goodterms
    host: str
    port: int
    server: Any = None
    thread: threading.Thread | None = None
    web_app: Any = None

    def start(self) -> None:
        """Listen (raises OSError when the address is taken) and serve in a thread."""
        import uvicorn

        from goodterms.web.app import create_app

        try:
            sock = socket.create_server((self.host, self.port))
        except OSError as exc:
            raise OSError(
                f"the web app cannot listen on {self.host}:{self.port}: {exc.strerror or exc}"
            ) from None
        self.web_app = create_app(self.app)
        config = uvicorn.Config(
            self.web_app,
            log_config=None,  # uvicorn's records go to the runner's JSON lines
            access_log=False,
            proxy_headers=False,
            server_header=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, name="web", daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + STOP_WAIT_S
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not self.server.started:
            raise OSError(f"the web app on {self.host}:{self.port} did not start (see the log above)")

    def state(self) -> tuple[str, str | None]:
        """Return the part's state for its heartbeat."""
        if self.thread is None or not self.thread.is_alive():
            return "not running", "the web server stopped"
        return "running", None

    def stop(self) -> None:
        """Stop accepting connections and let the requests under way finish."""
        if self.server is not None:
            self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(STOP_WAIT_S)
        health.record(self.app.engine, "web", state="stopped")


def smtp_answers(host: str, port: int) -> tuple[str, str | None]:
    """Whether the SMTP listener answers a NOOP, as a heartbeat state."""
    try:
        with smtplib.SMTP(_local(host), port, timeout=10) as probe:
            code, _ = probe.noop()
    except (OSError, smtplib.SMTPException) as exc:
        return "not answering", f"{host}:{port}: {exc}"[:300]
    return ("running", None) if code == 250 else ("not answering", f"NOOP answered {code}")


@dataclass
class Runner:
    """Everything ``goodterms run`` starts, and how it stops."""

    app: Goodterms
    smtp: tuple[str, int]
    relay: Relay  # TLS and login as set up ([desk] and the command's relay options)
    web: tuple[str, int] | None = None
    send_interval_s: float = 5.0
    tick_s: float = 30.0
    tone_every_s: float = 600.0
    assess_every_s: float = 900.0
    #: "local": this process sends, polls and schedules in its threads; "queue" (PostgreSQL): it only
    #: takes mail in and serves the web app, and ``goodterms worker`` processes do the jobs.
    jobs: str = "local"
    desk: DeskServer | None = None
    web_part: WebPart | None = None
    scheduler: Scheduler | None = None
    pollers: list[MailboxPoller] = field(default_factory=list)
    _beats: dict[str, tuple[float, tuple[str, str | None]]] = field(default_factory=dict)

    def start(self) -> None:
        """Start every part; raises OSError when an address is taken (what started is stopped again)."""
        health.forget_all(self.app.engine)
        if self.jobs == "queue":
            from goodterms.service.queue import ensure_schema

            ensure_schema(self.app.engine)  # so that intake defers its jobs from the first message
        try:
            self.desk = DeskServer(
                self.app,
                self.smtp[0],
                self.smtp[1],
                self.relay.host,
                self.relay.port,
                interval_s=self.send_interval_s,
                relay=self.relay,
                send=self.jobs == "local",
            )
            self.desk.start()
            log.info("smtp intake listening on %s:%s", *self.smtp, extra={"part": "smtp intake"})
            if self.web is not None:
                self.web_part = WebPart(self.app, self.web[0], self.web[1])
                self.web_part.start()
                log.info("web app listening on http://%s:%s", *self.web, extra={"part": "web"})
        except BaseException:
            self.stop()
            raise
        if self.jobs == "queue":
            log.info("jobs (sending, mailboxes, follow-ups, tone) are left to `goodterms worker`")
            self.supervise()
            return
        self.pollers = [MailboxPoller(self.app, box) for box in self.app.settings.mailbox]
        for poller in self.pollers:
            poller.start()
            log.info("mailbox %s polled every %s s", poller.box.name, poller.box.poll_seconds)
        self.scheduler = Scheduler(
            self.app,
            tick_s=self.tick_s,
            tone_every_s=self.tone_every_s,
            assess_every_s=self.assess_every_s,
            relay=self.relay,
        )
        self.scheduler.start()
        self.supervise()

    def supervise(self) -> None:
        """Record the heartbeat of the parts that do not beat by themselves (web, SMTP intake, scheduler)."""
        if self.desk is not None and self._due("smtp intake"):
            self._beat("smtp intake", smtp_answers(self.smtp[0], self.smtp[1]))
        if self.web_part is not None:
            self._beat("web", self.web_part.state())
        if self.scheduler is not None and not self.scheduler.alive:
            self._beat("scheduler", ("not running", "the scheduler's thread ended"))

    def _due(self, part: str) -> bool:
        last = self._beats.get(part)
        return last is None or time.monotonic() - last[0] >= health.BEAT_EVERY_S

    def _beat(self, part: str, state: tuple[str, str | None]) -> None:
        now = time.monotonic()
        last = self._beats.get(part)
        if last is None or last[1] != state or now - last[0] >= health.BEAT_EVERY_S:
            if state[0] != "running":
                log.warning("%s: %s (%s)", part, state[0], state[1], extra={"part": part})
            if health.record(self.app.engine, part, state=state[0], detail=state[1]):
                self._beats[part] = (now, state)

    def stop(self) -> None:
        """Take no new work, let the work under way finish, record every part as stopped."""
        log.info("stopping: no new work is taken; finishing what is under way")
        for poller in self.pollers:
            poller.stop_event.set()
        if self.desk is not None:
            self.desk.stop()  # the listener closes first; the sender ends its round
            health.record(self.app.engine, "smtp intake", state="stopped")
        if self.scheduler is not None:
            self.scheduler.stop(STOP_WAIT_S)
        for poller in self.pollers:
            poller.stop()
        if self.web_part is not None:
            self.web_part.stop()
        log.info("stopped")
