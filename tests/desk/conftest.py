"""A real SMTP sink on 127.0.0.1 that collects what the desk sends."""

from __future__ import annotations

import email
import email.policy
import smtplib
import socket
import time
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from aiosmtpd.controller import Controller


class Sink:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        return "250 OK"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def sink() -> Iterator[tuple[Sink, str, int]]:
    """A running SMTP sink: (handler, host, port)."""
    handler = Sink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, "127.0.0.1", port
    finally:
        controller.stop()


def mail(sender: str, subject: str, body: str, **headers: str) -> EmailMessage:
    """A client's message to the desk (``Auto_Submitted=`` sets ``Auto-Submitted:``)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "desk@siamscribe.example"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="client.example")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def deliver(port: int, msg: EmailMessage) -> None:
    """Send one message to the desk over SMTP on 127.0.0.1."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(msg)


def wait_for(sink: Sink, count: int, timeout: float = 10.0) -> None:
    """Wait until the sink holds ``count`` messages (or the timeout passes; the caller asserts)."""
    deadline = time.monotonic() + timeout
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
