"""A real Dovecot on 127.0.0.1 for the whole session; each test gets its own IMAP account."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from imapclient import IMAPClient

from goodterms.connect.config import MailboxSettings
from tests.connect.dovecot import DOVECOT, Dovecot, start_dovecot, stop_dovecot
from tests.desk.test_end_to_end import app  # noqa: F401  (the business and its three clients)
from tests.factories import T0

_users = itertools.count(1)
#: Accounts made when the server starts, one per test that needs one.
ACCOUNTS = 200


def _user(n: int) -> str:
    return f"desk{n}@siamscribe.example"


def _password(n: int) -> str:
    return f"secret {n} in the variable"


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """One Dovecot for the session (started with ``dovecot -c CONF``, stopped with ``doveadm stop``)."""
    if not DOVECOT.exists():
        pytest.fail(f"{DOVECOT} is missing: install Debian's dovecot-imapd (scripts/system-deps.sh)")
    if os.geteuid() != 0:
        pytest.skip("the Dovecot fixture runs Dovecot as root (as CI does)")
    server = start_dovecot()
    server.add_users({_user(n): _password(n) for n in range(1, ACCOUNTS + 1)})
    yield server
    stop_dovecot(server)


@dataclass
class Account:
    """One IMAP account on the test server, its password in an environment variable."""

    server: Dovecot
    user: str
    password: str
    variable: str

    def settings(self, **kw: object) -> MailboxSettings:
        data: dict[str, object] = {
            "name": "office",
            "host": "127.0.0.1",
            "port": self.server.imaps_port,
            "user": self.user,
            "tls": "implicit",
            "folders": ["INBOX", "Sent"],
            "password_env": self.variable,
            "ca_file": str(self.server.cert),
        }
        data.update(kw)
        return MailboxSettings.model_validate(data)

    def client(self) -> IMAPClient:
        return self.server.client(self.user, self.password)

    def append(self, folder: str, *messages: bytes | EmailMessage) -> None:
        with self.client() as imap:
            for msg in messages:
                imap.append(folder, msg if isinstance(msg, bytes) else msg.as_bytes())


@pytest.fixture
def account(dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> Account:
    n = next(_users)
    acc = Account(dovecot, _user(n), _password(n), f"GT_TEST_IMAP_{n}")
    monkeypatch.setenv(acc.variable, acc.password)
    return acc


def mail(
    sender: str, subject: str, body: str, *, to: str = "desk@siamscribe.example", **headers: str
) -> EmailMessage:
    """A message as a client (or we) would write it; Message-ID and Date set."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(T0)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "example.com")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg
