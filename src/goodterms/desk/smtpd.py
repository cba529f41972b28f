"""The desk's own SMTP server (aiosmtpd): takes client mail in, sends acknowledgements out."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller

from goodterms.app import Goodterms
from goodterms.desk.intake import DeskContext, IntakeResult, receive, refuse
from goodterms.desk.outbox import send_pending
from goodterms.ledger.importers.mail import parse_mail

log = logging.getLogger(__name__)
#: Bytes beyond the configured limit that aiosmtpd still reads, so that we can refuse with our own words.
_READ_MARGIN = 1024 * 1024


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
        """Take one raw message; return the SMTP reply line."""
        limit = self.context.desk.max_message_bytes
        app = self.context.app
        mail = parse_mail(raw)
        if len(raw) > limit:
            reason = f"message of {len(raw)} bytes is over the {limit}-byte limit"
            with app.sessions() as session, session.begin():
                refuse(
                    session=session,
                    key=mail.key,
                    sender=mail.sender,
                    subject=mail.subject,
                    at=mail.at,
                    reason=reason,
                )
            return f"552 5.3.4 Message too big: {reason}; please send large files as a link"
        try:
            result = receive(app=app, mail=mail, context=self.context)
        except Exception:
            log.exception("intake failed for %s", mail.key)
            return "451 4.3.0 Temporary problem storing your message; please try again shortly"
        self.results.append(result)
        if self.on_stored is not None:
            self.on_stored.set()
        if result.outcome == "refused":
            return f"552 5.3.4 {result.reason}"
        return "250 2.0.0 Message received"


@dataclass
class DeskServer:
    """The SMTP listener plus the sender loop that empties the outbox into the relay."""

    app: Goodterms
    host: str
    port: int
    relay_host: str
    relay_port: int
    interval_s: float = 5.0
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _controller: Controller | None = None
    handler: DeskHandler | None = None

    def start(self) -> None:
        """Listen for mail and start sending queued acknowledgements (unsent ones from before too)."""
        self.handler = DeskHandler(self.app, on_stored=self._wake)
        limit = self.handler.context.desk.max_message_bytes
        self._controller = Controller(
            self.handler, hostname=self.host, port=self.port, data_size_limit=limit + _READ_MARGIN
        )
        self._controller.start()
        self._thread = threading.Thread(target=self._send_loop, name="desk-outbox", daemon=True)
        self._thread.start()
        self._wake.set()  # a restart sends what a crash left unsent

    def _send_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval_s)
            self._wake.clear()
            try:
                send_pending(
                    engine=self.app.engine,
                    relay_host=self.relay_host,
                    relay_port=self.relay_port,
                    kinds={"ack", "repeat_ack"},
                )
            except OSError as exc:  # relay down: the rows stay unsent and are tried again
                log.warning("relay %s:%s unavailable: %s", self.relay_host, self.relay_port, exc)

    def stop(self) -> None:
        """Stop listening and sending."""
        self._stop.set()
        self._wake.set()
        if self._controller is not None:
            self._controller.stop()
        if self._thread is not None:
            self._thread.join(timeout=30)
