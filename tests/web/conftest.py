"""A small ledger in three languages, users of every role, and signed-in in-process clients."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from goodterms.app import Goodterms
from goodterms.ledger.importing import import_event_dicts
from goodterms.web.accounts import add_user, create_token
from goodterms.web.app import create_app
from tests.factories import at, business, client, contact

PASSWORD = "a long enough secret"
SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
HTMX = {"HX-Request": "true"}
CLIENT_NAMES = {"c1": "Northwind <script>alert(1)</script>", "c2": "บริษัท สยาม จำกัด", "c3": "Õunapuu OÜ"}


class TestClient:
    """A synchronous face on httpx's in-process ASGI client (cookies kept between requests)."""

    __test__ = False

    def __init__(
        self,
        app: FastAPI,
        base_url: str = "http://testserver",
        follow_redirects: bool = False,
        address: str = "127.0.0.1",
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(address, 123)),
            base_url=base_url,
            follow_redirects=follow_redirects,
        )
        self.app = app

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.http.request(method, url, **kw))

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("POST", url, **kw)

    def close(self) -> None:
        self.loop.run_until_complete(self.http.aclose())
        self.loop.close()


_open: list[TestClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _open:
        _open.pop().close()


def new_client(app: FastAPI, address: str = "127.0.0.1") -> TestClient:
    """Return a client of the app whose requests come from ``address``."""
    http = TestClient(app, address=address)
    _open.append(http)
    return http


def ledger_events() -> list[dict[str, object]]:
    events: list[dict[str, object]] = [
        business(),
        client("c1", name=CLIENT_NAMES["c1"]),
        client("c2", name=CLIENT_NAMES["c2"], language="th"),
        client("c3", name=CLIENT_NAMES["c3"], language="et", timezone="Europe/Tallinn", currency="EUR"),
    ]
    for n in range(6):
        events.append(contact("c1", n, at(n), text=f"hello number {n}", subject=f"question {n}"))
    events.append(contact("c2", 1, at(2), text="ขอบคุณมากครับ", channel="call"))
    events.append(
        {
            "type": "request",
            "id": "r1",
            "client": "c1",
            "at": at(3),
            "subject": "Fix the invoice layout",
            "promised_at": at(3, hours=4),
        }
    )
    events.append(
        {
            "type": "invoice",
            "id": "i1",
            "client": "c1",
            "number": "INV-1",
            "issued": "2026-03-01",
            "due": "2026-03-15",
            "amount": "12345.00",
            "currency": "THB",
        }
    )
    events.append({"type": "payment", "id": "p1", "invoice": "i1", "at": at(30), "amount": "12345.00"})
    events.append(
        {"type": "note", "id": "n1", "client": "c1", "at": at(4), "text": "Prefers calls <b>before</b> noon"}
    )
    return events


@pytest.fixture
def gt(db_url: str) -> Iterator[Goodterms]:
    app = Goodterms.open(db_url)
    app.settings.desk.relay_port = 9  # no test reaches a real relay by accident; tests start their own
    import_event_dicts(app.engine, ledger_events())
    for email, role in (
        ("owner@biz.example", "owner"),
        ("manager@biz.example", "manager"),
        ("staff@biz.example", "staff"),
    ):
        add_user(engine=app.engine, email=email, role=role, password=PASSWORD)
    create_token(engine=app.engine, email="staff@biz.example")  # token 1: one live token to revoke
    yield app
    app.engine.dispose()


@pytest.fixture
def web_app(gt: Goodterms, tmp_path: Path) -> TestClient:
    """An anonymous client of the web app."""
    return new_client(create_app(gt, output_dir=tmp_path / "out"))


def sign_in(http: TestClient, email: str) -> TestClient:
    response = http.post("/login", data={"email": email, "password": PASSWORD}, headers=SAME_ORIGIN)
    assert response.status_code == 303, response.text
    return http


@pytest.fixture
def signed_in(gt: Goodterms, tmp_path: Path) -> Callable[[str], TestClient]:
    """Return a factory: a fresh client signed in as the user of a role."""

    def make(role: str) -> TestClient:
        http = new_client(create_app(gt, output_dir=tmp_path / "out"))
        return sign_in(http, f"{role}@biz.example")

    return make


class Inbox:
    """An SMTP relay's mailbox: every message it accepted."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def relay(gt: Goodterms) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1 that the desk outbox sends through."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    gt.settings.desk.relay_port = port
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def overdue(gt: Goodterms) -> Goodterms:
    """The ledger with one invoice of client c2 long overdue (INV-9, 5,000 THB)."""
    import_event_dicts(
        gt.engine,
        [
            {
                "type": "invoice",
                "id": "i-late",
                "client": "c2",
                "number": "INV-9",
                "issued": "2026-01-01",
                "due": "2026-01-15",
                "amount": "5000.00",
                "currency": "THB",
            }
        ],
    )
    return gt
