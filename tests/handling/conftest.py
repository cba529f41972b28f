"""A ledger with a business and a Thai client, and a real SMTP sink on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from goodterms.app import Goodterms
from goodterms.ledger.importing import import_event_dicts
from tests.factories import business, client


class Sink:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        return "250 OK"


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    """A running SMTP sink: (handler, port)."""
    handler = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def gt(db_url: str, tmp_path: Path) -> Iterator[Goodterms]:
    """The application on this test's database, with a Bangkok business and a Thai client c1."""
    app = Goodterms.open(db_url, str(tmp_path / "goodterms.toml"))
    import_event_dicts(
        app.engine,
        [business(), client("c1", name="สมชาย ใจดี", language="th", phones=["+66 2 123 4567"])],
    )
    yield app
    app.engine.dispose()
