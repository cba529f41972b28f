"""The desk's own SMTP server (aiosmtpd): takes client mail in, sends acknowledgements out.

Every failure the intake path can meet gets one of two answers (``DeskHandler.take``):

* transient (database locked or unreachable, connection lost): ``451``; the sender's server
  tries again later and nothing is stored half-way;
* the same again on every try (a problem with the message, a conflicting record, a bug): ``554``
  with the reason in words, and the raw mail kept in ``unmatched_messages`` + ``kept_files`` for
  staff, so nothing is lost and no server retries for days.

Mail over the size limit gets ``552`` with a clear text and the refusal is recorded, whether it is
announced (``MAIL FROM ... SIZE=``) or only found while reading the data.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, AnyStr

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from sqlalchemy import exc as sa_exc

from goodterms.app import Goodterms
from goodterms.desk import health
from goodterms.desk.intake import DeskContext, IntakeProblem, IntakeResult, receive, refuse
from goodterms.desk.relay import Relay, RelaySetupError
from goodterms.ledger.importers.mail import ParsedMail, parse_mail
from goodterms.service import jobs

log = logging.getLogger(__name__)
#: Bytes beyond the configured limit that aiosmtpd still reads, so that we can refuse with our own words.
_READ_MARGIN = 1024 * 1024
_TRANSIENT_DB = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
)
TRY_AGAIN = "451 4.3.0 Temporary problem storing your message; please try again shortly"


def too_big_reply(reason: str) -> str:
    """The one 552 text for mail over the limits (docs/desk.md)."""
    return _line(f"552 5.3.4 Message too big: {reason}; please send large files as a link")


def _line(reply: str) -> str:
    """One ASCII line: an SMTP reply carries no line breaks and no 8-bit text."""
    return " ".join(reply.encode("ascii", "replace").decode("ascii").split())


def fault_reason(exc: BaseException) -> str | None:
    """Return None if trying the same message again later may work (4xx), else why it will not (5xx)."""
    if isinstance(exc, _TRANSIENT_DB) or (isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated):
        return None
    if isinstance(exc, OSError | MemoryError):
        return None  # disk full, out of memory, a socket to the database: not the message's fault
    if isinstance(exc, IntakeProblem):
        return str(exc)
    if isinstance(exc, sa_exc.IntegrityError):
        return "it conflicts with a record already in our ledger"
    if isinstance(exc, sa_exc.DataError):
        return "it holds a value our ledger cannot store"
    return f"an unexpected problem on our side ({type(exc).__name__})"


class DeskHandler:
    """aiosmtpd handler: every accepted message goes through the one intake path."""

    def __init__(self, app: Goodterms, on_stored: threading.Event | None = None) -> None:
        self.context = DeskContext.of(app)
        self.on_stored = on_stored
        self.results: list[IntakeResult] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw: bytes = envelope.original_content or envelope.content
        return await asyncio.to_thread(self.take, raw)

    def take(self, raw: bytes) -> str:
        """Take one raw message; return the SMTP reply line. Never raises."""
        try:
            mail = parse_mail(raw)
        except Exception as exc:  # parse_mail promises not to raise; if it does, keep the bytes
            log.exception("mail could not be read")
            return self._keep(None, raw, fault_reason(exc) or "it could not be read")
        limit = self.context.desk.max_message_bytes
        if len(raw) > limit:
            reason = f"message of {len(raw)} bytes is over the {limit}-byte limit"
            return self._record_too_big(mail.key, mail.sender, mail.subject, mail.at, reason)
        try:
            try:
                result = receive(app=self.context.app, mail=mail, context=self.context)
            except sa_exc.IntegrityError:
                # Most often the same message delivered twice at once: the second try sees the first.
                log.warning("intake of %s met a conflicting record; trying once more", mail.key)
                result = receive(app=self.context.app, mail=mail, context=self.context)
        except Exception as exc:
            why = fault_reason(exc)
            if why is None:
                log.warning(
                    "intake of %s failed for now (%s: %s); the sender will retry",
                    mail.key,
                    type(exc).__name__,
                    exc,
                )
                return TRY_AGAIN
            log.exception("intake of %s failed for good: %s", mail.key, why)
            return self._keep(mail, raw, why)
        self.results.append(result)
        if self.on_stored is not None:
            self.on_stored.set()
        if result.outcome == "refused":
            return too_big_reply(result.reason or "over the size limit")
        return "250 2.0.0 Message received"

    def _keep(self, mail: ParsedMail | None, raw: bytes, reason: str) -> str:
        """Keep a message intake could not file, for staff; 554 with the reason, or 451 if even that fails."""
        key = mail.key if mail is not None else "sha256:" + hashlib.sha256(raw).hexdigest()
        try:
            with self.context.app.sessions() as session, session.begin():
                refuse(
                    session=session,
                    key=key,
                    sender=mail.sender if mail else None,
                    subject=mail.subject if mail else "",
                    at=mail.at if mail else None,
                    reason=f"not filed: {reason}",
                    text=mail.text if mail else None,
                    raw=raw,
                )
        except Exception:
            log.exception("could not keep %s either; asking the sender to try again", key)
            return TRY_AGAIN
        return _line(
            f"554 5.6.0 We could not file your message automatically: {reason}. It has been kept for our "
            "staff, who will read it; there is no need to send it again"
        )

    def _record_too_big(
        self, key: str, sender: str | None, subject: str, at: datetime | None, reason: str
    ) -> str:
        try:
            with self.context.app.sessions() as session, session.begin():
                refuse(session=session, key=key, sender=sender, subject=subject, at=at, reason=reason)
        except Exception:
            log.exception("refusal of %s (%s) not recorded", key, reason)
        return too_big_reply(reason)

    def refuse_too_big(self, sender: str | None, recipients: list[str], declared: int | None) -> str:
        """Record mail that aiosmtpd stopped reading (over its size limit); return our 552 line."""
        limit = self.context.desk.max_message_bytes
        size = f"of {declared} bytes" if declared else f"of more than {limit} bytes"
        reason = f"message {size} is over the {limit}-byte limit"
        now = datetime.now(UTC)
        digest = hashlib.sha256(f"{sender}|{recipients}|{now.isoformat()}".encode()).hexdigest()[:40]
        return self._record_too_big(f"too-large:{digest}", sender, "", now, reason)


_SIZE_PARAM = re.compile(r"(?i)\bSIZE=(\d+)")
_PATH = re.compile(r"<([^<>]*)>")


class _DeskSMTP(SMTP):
    """aiosmtpd's server with our own words (and a record) for mail over the size limit."""

    _mail_arg: str = ""

    async def smtp_MAIL(self, arg: str) -> None:
        self._mail_arg = arg or ""
        await super().smtp_MAIL(arg)

    async def push(self, status: AnyStr) -> None:
        text = status.decode() if isinstance(status, bytes) else status
        handler = self.event_handler
        if text.startswith("552 Error:") and isinstance(handler, DeskHandler):
            if "exceeds fixed maximum" in text:  # announced with MAIL FROM ... SIZE=
                found, size = _PATH.search(self._mail_arg), _SIZE_PARAM.search(self._mail_arg)
                sender = found.group(1).lower() if found and "@" in found.group(1) else None
                text = await asyncio.to_thread(
                    handler.refuse_too_big, sender, [], int(size.group(1)) if size else None
                )
            else:  # found while reading DATA
                env = self.envelope
                sender = env.mail_from.lower() if env is not None and env.mail_from else None
                rcpts = list(env.rcpt_tos) if env is not None else []
                text = await asyncio.to_thread(handler.refuse_too_big, sender, rcpts, None)
        await super().push(text)


class _DeskController(Controller):
    def factory(self) -> SMTP:
        return _DeskSMTP(self.handler, **self.SMTP_kwargs)


@dataclass
class DeskServer:
    """The SMTP listener plus the sender loop that empties the outbox into the relay."""

    app: Goodterms
    host: str
    port: int
    relay_host: str
    relay_port: int
    interval_s: float = 5.0
    relay: Relay | None = None  # TLS and login; None: a plain relay at relay_host:relay_port
    send: bool = True  # False: only take mail in; queue workers deliver the outbox (goodterms worker)
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _controller: Controller | None = None
    handler: DeskHandler | None = None
    sender_state: str = "starting"
    sender_detail: str | None = None
    restarts: int = 0
    _beat_at: datetime | None = None

    def start(self) -> None:
        """Listen for mail and start sending queued acknowledgements (unsent ones from before too)."""
        self.handler = DeskHandler(self.app, on_stored=self._wake)
        limit = self.handler.context.desk.max_message_bytes
        self._controller = _DeskController(
            self.handler, hostname=self.host, port=self.port, data_size_limit=limit + _READ_MARGIN
        )
        self._controller.start()
        if not self.send:
            return
        self._thread = threading.Thread(target=self._supervise, name="desk-outbox", daemon=True)
        self._thread.start()
        self._wake.set()  # a restart sends what a crash left unsent

    def _send_loop(self) -> None:
        """Send until stopped. Each round's failure is logged and reported; none ends the loop."""
        pause = self.interval_s
        while not self._stop.is_set():
            self._wake.wait(pause)
            self._wake.clear()
            if self._stop.is_set():
                break
            state, detail = self._send_once()
            # Back off while something is wrong (at most a minute), back to the interval when it works.
            pause = self.interval_s if state == "sending" else min(max(pause * 2, 1.0), 60.0)
            self._report(state, detail)

    def _send_once(self) -> tuple[str, str | None]:
        try:
            # this loop backs off itself; a row refused for now waits a round
            jobs.deliver(
                self.app,
                self.relay or Relay(host=self.relay_host, port=self.relay_port),
                kinds=jobs.ACK_KINDS,
            )
        except sa_exc.SQLAlchemyError as exc:  # locked or unreachable: the rows wait, nothing is lost
            log.warning("desk sender: database unavailable, trying again shortly: %s", exc)
            return "database busy", str(getattr(exc, "orig", exc))[:300]
        except RelaySetupError as exc:  # wrong password, untrusted certificate: the rows wait, staff must act
            log.error("desk sender: the relay cannot be used as set up: %s", exc)
            return "relay setup problem", str(exc)[:300]
        except OSError as exc:  # relay down: the rows stay unsent and are tried again
            log.warning("relay %s:%s unavailable: %s", self.relay_host, self.relay_port, exc)
            return "relay unavailable", f"{self.relay_host}:{self.relay_port}: {exc}"[:300]
        except Exception as exc:
            log.exception("desk sender: unexpected failure; it carries on")
            return "failing", f"{type(exc).__name__}: {exc}"[:300]
        return "sending", None

    def _report(self, state: str, detail: str | None) -> None:
        now = datetime.now(UTC)
        changed = state != self.sender_state
        due = self._beat_at is None or (now - self._beat_at).total_seconds() >= health.BEAT_EVERY_S
        if (changed or due) and health.write_beat(
            self.app.engine, state=state, detail=detail, interval_s=self.interval_s
        ):
            self._beat_at = now
        # Set after the beat is stored, so that whoever sees the new state here finds it in the ledger too.
        self.sender_state, self.sender_detail = state, detail

    def _supervise(self) -> None:
        """Run the send loop; should it ever end by an exception, log it, report it and start it again."""
        while not self._stop.is_set():
            try:
                self._send_loop()
            except Exception as exc:
                self.restarts += 1
                log.exception(
                    "desk sender loop ended unexpectedly; restarting it (restart %s)", self.restarts
                )
                self._report("failing", f"restarted after {type(exc).__name__}: {exc}"[:300])
                self._stop.wait(min(60.0, 2.0**self.restarts))
        health.write_beat(self.app.engine, state="stopped", detail=None, interval_s=self.interval_s)

    @property
    def sender_alive(self) -> bool:
        """Whether the sender thread is running."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        """Stop listening and sending."""
        self._stop.set()
        self._wake.set()
        if self._controller is not None:
            self._controller.stop()
        if self._thread is not None:
            self._thread.join(timeout=30)
