"""The business's mailbox on a real Dovecot (127.0.0.1) read into the desk: once, resumably, read-only."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from goodterms.app import Goodterms
from goodterms.connect import mailbox as mb
from goodterms.connect.mailbox import MailboxProblem, fetch, watch
from goodterms.ledger import models as m
from tests.connect.conftest import Account, mail
from tests.connect.dovecot import DOVEADM

ROOT = Path(__file__).resolve().parents[2]


def _count(app: Goodterms, model: type[m.Base], *where: object) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def _acks(app: Goodterms) -> Counter[str]:
    with app.sessions() as session:
        return Counter(session.scalars(select(m.Outbox.key).where(m.Outbox.kind.in_(("ack", "repeat_ack")))))


def _flags(account: Account, folder: str) -> dict[int, tuple[bytes, ...]]:
    with account.client() as imap:
        imap.select_folder(folder, readonly=True)
        return {uid: data[b"FLAGS"] for uid, data in imap.fetch(imap.search("ALL"), ["FLAGS"]).items()}


def test_client_mail_is_taken_in_and_acknowledged_and_our_sent_reply_answers_it(
    app: Goodterms, account: Account
) -> None:
    question = mail("somchai@example.co.th", "ขอใบแจ้งหนี้เดือนมีนาคม", "รบกวนส่งใบแจ้งหนี้เดือนมีนาคมด้วยครับ")
    estonian = mail("mari@example.ee", "Arve", "Palun saatke märtsi arve.")
    stranger = mail(
        "new.person@example.org", "Do you translate contracts?", "We need a Thai contract translated."
    )
    bounce = mail(
        "MAILER-DAEMON@mx.example.net",
        "Undelivered Mail Returned to Sender",
        "This is the mail system at host mx.example.net.",
        Auto_Submitted="auto-replied",
    )
    account.append("INBOX", question, estonian, stranger, bounce)
    reply = mail(
        account.user,
        "Re: ขอใบแจ้งหนี้เดือนมีนาคม",
        "แนบใบแจ้งหนี้มาให้แล้วครับ",
        to="somchai@example.co.th",
        In_Reply_To=str(question["Message-ID"]),
        References=str(question["Message-ID"]),
    )
    to_supplier = mail(account.user, "Paper order", "Two boxes of A4, please.", to="sales@paper.example")
    account.append("Sent", reply, to_supplier)
    flags_before = {f: _flags(account, f) for f in ("INBOX", "Sent")}

    report = fetch(app, account.settings())

    inbox, sent = report.folders
    assert (inbox.new, inbox.stored, inbox.unmatched, inbox.problems) == (4, 3, 1, [])
    assert (sent.new, sent.outbound, sent.unmatched) == (2, 1, 1)
    with app.sessions() as session:
        request = session.scalars(select(m.Request).where(m.Request.subject == question["Subject"])).one()
        assert request.status == "answered"
        replies = list(session.scalars(select(m.Reply).where(m.Reply.request_id == request.id)))
        assert [r.text for r in replies] == ["แนบใบแจ้งหนี้มาให้แล้วครับ"]
        ours = session.scalars(select(m.Contact).where(m.Contact.message_id == reply["Message-ID"])).one()
        assert (ours.direction, ours.request_id) == ("outbound", request.id)
        prospect = session.scalars(select(m.Client).where(m.Client.prospect.is_(True))).one()
        assert prospect.emails == ["new.person@example.org"]
        kept = {u.sender: u.reason for u in session.scalars(select(m.UnmatchedMessage))}
    assert kept["mailer-daemon@mx.example.net"].startswith("automatic")
    assert "no known client" in kept[account.user]
    assert len(_acks(app)) == 3 and set(_acks(app).values()) == {1}  # Somchai, Mari, the prospect
    # Read-only: nothing flagged \Seen, nothing moved or deleted.
    assert {f: _flags(account, f) for f in ("INBOX", "Sent")} == flags_before

    again = fetch(app, account.settings())
    assert [f.new for f in again.folders] == [0, 0]
    assert len(_acks(app)) == 3 and _count(app, m.Reply) == 1


def test_starttls_and_mark_seen_when_a_setting_asks(app: Goodterms, account: Account) -> None:
    account.append("INBOX", mail("jane@example.com", "Invoice", "Could you send the invoice?"))
    box = account.settings(tls="starttls", port=account.server.imap_port, folders=["INBOX"], mark_seen=True)
    report = fetch(app, box)
    assert report.folders[0].stored == 1
    assert all(b"\\Seen" in f for f in _flags(account, "INBOX").values())


@pytest.mark.parametrize("stage", ["stored", "committed"])
def test_a_crash_midway_then_a_second_fetch_stores_and_acknowledges_each_message_once(
    app: Goodterms, account: Account, stage: str
) -> None:
    messages = [
        mail("jane@example.com", f"Question {i}", f"Question number {i} about chapter {i}.") for i in range(6)
    ]
    messages[2] = mail("mari@example.ee", "Tõlge", "Palun tõlkige leping.")
    account.append("INBOX", *messages)

    class Crash(Exception):
        pass

    def hook(at: str, folder: str, uid: int) -> None:
        if at == stage and uid == 4:
            raise Crash

    with pytest.raises(Crash):
        fetch(app, account.settings(folders=["INBOX"]), hook=hook)
    taken = _count(app, m.Contact, m.Contact.direction == "inbound")
    assert taken == (3 if stage == "stored" else 4)

    report = fetch(app, account.settings(folders=["INBOX"]))
    assert report.folders[0].new == 6 - taken
    with app.sessions() as session:
        ids = Counter(session.scalars(select(m.Contact.message_id).where(m.Contact.direction == "inbound")))
    assert sorted(ids) == sorted(str(msg["Message-ID"]) for msg in messages)
    assert set(ids.values()) == {1}
    # One acknowledgement per message (a repeat gets the repeat wording), none twice.
    assert _acks(app) == Counter(f"ack:{msg['Message-ID']}" for msg in messages)


_KILLED = """
import os, sys
from goodterms.app import Goodterms
from goodterms.connect.config import MailboxSettings
from goodterms.connect.mailbox import fetch

def hook(stage, folder, uid):
    if stage == "stored" and uid == int(sys.argv[3]):
        os._exit(137)  # killed inside the transaction: no cleanup, no commit

app = Goodterms.open(sys.argv[1], "/nonexistent/goodterms.toml")
fetch(app, MailboxSettings.model_validate_json(sys.argv[2]), hook=hook)
"""


def test_a_killed_process_then_a_restart_stores_each_message_once(app: Goodterms, account: Account) -> None:
    messages = [mail("jane@example.com", f"Order {i}", f"Please handle order {i}.") for i in range(5)]
    account.append("INBOX", *messages)
    box = account.settings(folders=["INBOX"])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    url = app.engine.url.render_as_string(hide_password=False)
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_KILLED), url, box.model_dump_json(), "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == 137, killed.stderr
    assert _count(app, m.Contact, m.Contact.direction == "inbound") == 2

    fetch(app, box)
    with app.sessions() as session:
        ids = Counter(session.scalars(select(m.Contact.message_id).where(m.Contact.direction == "inbound")))
        state = session.scalars(select(m.MailboxFolder)).one()
    assert set(ids.values()) == {1} and len(ids) == 5
    assert set(_acks(app).values()) == {1} and sum(_acks(app).values()) == 5
    assert state.last_uid == 5


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(
    app: Goodterms, account: Account
) -> None:
    no_id = b"From: Mari Tamm <mari@example.ee>\r\nTo: desk@siamscribe.example\r\nSubject: Ilma id-ta\r\n\r\nKiri ilma Message-ID-ta.\r\n"
    first = [mail("jane@example.com", "Proofreading", "Can you proofread 20 pages?"), no_id]
    account.append("INBOX", *first)
    box = account.settings(folders=["INBOX"])
    assert fetch(app, box).folders[0].stored == 2

    renumber = subprocess.run(
        [
            str(DOVEADM),
            "-c",
            str(account.server.conf),
            "mailbox",
            "update",
            "-u",
            account.user,
            "--uid-validity",
            "4242",
            "INBOX",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert renumber.returncode == 0, renumber.stderr
    account.append("INBOX", mail("somchai@example.co.th", "งานใหม่", "มีงานแปลใหม่ครับ"))

    report = fetch(app, box).folders[0]
    assert (report.resynced, report.uidvalidity, report.new, report.duplicates, report.stored) == (
        True,
        4242,
        3,
        2,
        1,
    )
    assert _count(app, m.Contact, m.Contact.direction == "inbound") == 3
    assert sum(_acks(app).values()) == 3 and set(_acks(app).values()) == {1}


def _nested(depth: int) -> bytes:
    inner = b"Content-Type: text/plain; charset=utf-8\r\n\r\ndeep inside\r\n"
    for i in range(depth):
        b = f"level{i}".encode()
        inner = (
            b'Content-Type: multipart/mixed; boundary="'
            + b
            + b'"\r\n\r\n--'
            + b
            + b"\r\n"
            + inner
            + b"\r\n--"
            + b
            + b"--\r\n"
        )
    return (
        b"From: jane@example.com\r\nSubject: Nested\r\nMessage-ID: <nested@example.com>\r\nMIME-Version: 1.0\r\n"
        + inner
    )


def _big(megabytes: int) -> bytes:
    msg = mail("jane@example.com", "Scans", "The scans are attached.")
    msg.add_attachment(
        os.urandom(megabytes * 1024 * 1024), maintype="application", subtype="pdf", filename="scans.pdf"
    )
    return msg.as_bytes()


def test_bad_mail_is_kept_with_a_reason_and_never_blocks_the_mail_after_it(
    app: Goodterms, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import shared_data
    from tests.desk.test_real_mail import read_message

    root = shared_data("mail")
    rows = [line.split("\t") for line in (root / "INDEX.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    picked = [r for r in rows if {"bounce", "autoreply", "broken"} & set(r[5].split(","))][::6]
    picked += [r for r in rows if any(c in r[4] for c in ("koi8", "gb18030", "iso-2022-jp", "windows-874"))][
        :6
    ]
    real = [read_message(root / r[0], r[1]) for r in picked]
    assert len(real) > 30
    boom = mail("mari@example.ee", "Explodes", "This one makes the store fail.")
    last = mail("jane@example.com", "After the bad ones", "Still answered?")
    account.append("INBOX", *real, _nested(1500), _nested(60), _big(30), boom, last)

    real_receive = mb.receive

    def failing_receive(**kw: object) -> object:
        if getattr(kw.get("mail"), "subject", "") == "Explodes":
            raise ValueError("simulated failure while storing")
        return real_receive(**kw)  # type: ignore[arg-type]

    monkeypatch.setattr(mb, "receive", failing_receive)
    report = fetch(app, account.settings(folders=["INBOX"])).folders[0]

    total = len(real) + 5
    assert report.new == total
    with app.sessions() as session:
        state = session.scalars(select(m.MailboxFolder)).one()
        reasons = {u.subject: u.reason for u in session.scalars(select(m.UnmatchedMessage))}
        after = session.scalars(select(m.Request).where(m.Request.subject == "After the bad ones")).one()
        nested = session.scalars(select(m.Contact).where(m.Contact.subject == "Nested")).one()
    assert state.last_uid == total
    assert after.reference is not None  # the message after the bad ones was taken and acknowledged
    assert "deep inside" in (nested.text or "")  # 60 levels parse
    assert "cannot be read" in reasons["Nested"] and "UID" in reasons["Nested"]  # 1500 levels: kept raw
    assert "over the" in reasons["Scans"] and f"UID {len(real) + 3}" in reasons["Scans"]
    assert "simulated failure" in reasons["Explodes"]
    assert report.stored + report.unmatched + report.duplicates == total
    assert len(report.problems) >= 3


@pytest.mark.parametrize("idle", [True, False])
def test_watch_wakes_on_new_mail_through_idle_or_polls_without_it(
    app: Goodterms, account: Account, monkeypatch: pytest.MonkeyPatch, idle: bool
) -> None:
    from imapclient import IMAPClient

    if not idle:  # a server without IDLE: the watcher polls every poll_seconds
        real = IMAPClient.capabilities
        monkeypatch.setattr(
            IMAPClient, "capabilities", lambda self: tuple(c for c in real(self) if c != b"IDLE")
        )
    box = account.settings(folders=["INBOX"], poll_seconds=600 if idle else 0.2)
    stop = threading.Event()
    synced: list[mb.FetchReport] = []
    woke = threading.Event()

    def on_sync(report: mb.FetchReport) -> None:
        synced.append(report)
        if report.folders[0].stored:
            woke.set()

    thread = threading.Thread(target=watch, args=(app, box), kwargs={"stop": stop, "on_sync": on_sync})
    thread.start()
    try:
        while not synced and thread.is_alive():
            threading.Event().wait(0.05)
        account.append("INBOX", mail("jane@example.com", "While watching", "Sent while goodterms watches."))
        assert woke.wait(120), "the watcher did not take the new mail in"
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not thread.is_alive()
    assert _count(app, m.Request) == 1


def test_a_wrong_password_or_an_unset_variable_is_one_clear_sentence(
    app: Goodterms, account: Account, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(account.variable, "not the password")
    with pytest.raises(
        MailboxProblem, match=rf"^mailbox office: 127.0.0.1 refused the login for {account.user}"
    ):
        fetch(app, account.settings())
    monkeypatch.delenv(account.variable)
    with pytest.raises(MailboxProblem, match=rf"environment variable {account.variable} .* is not set$"):
        fetch(app, account.settings())
    with pytest.raises(MailboxProblem, match=r"password file .*nothing\.txt does not exist"):
        fetch(app, account.settings(password_env=None, password_file=str(tmp_path / "nothing.txt")))
    (tmp_path / "pw").write_text(account.password + "\n", encoding="utf-8")
    with pytest.raises(MailboxProblem, match=r"could not be verified.*--ca-file"):
        fetch(app, account.settings(password_env=None, password_file=str(tmp_path / "pw"), ca_file=None))
    assert fetch(app, account.settings(password_env=None, password_file=str(tmp_path / "pw"))).folders


def test_a_lost_connection_is_one_sentence_and_the_next_fetch_continues(
    app: Goodterms, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientAbortError

    account.append(
        "INBOX", *(mail("jane@example.com", f"Page {i}", f"Page {i} needs work.") for i in range(3))
    )
    real_fetch = IMAPClient.fetch

    def dropping(self: IMAPClient, messages: object, data: list[str], modifiers: object = None) -> object:
        if data == ["BODY.PEEK[]"]:
            raise IMAPClientAbortError("socket error: EOF")
        return real_fetch(self, messages, data, modifiers)  # type: ignore[arg-type]

    monkeypatch.setattr(IMAPClient, "fetch", dropping)
    with pytest.raises(
        MailboxProblem, match=r"connection to 127\.0\.0\.1:\d+ failed while reading \(socket error"
    ):
        fetch(app, account.settings(folders=["INBOX"]))
    monkeypatch.setattr(IMAPClient, "fetch", real_fetch)
    assert fetch(app, account.settings(folders=["INBOX"])).folders[0].stored == 3


def test_mail_from_before_the_mailbox_was_connected_is_not_acknowledged_now(
    app: Goodterms, account: Account
) -> None:
    from datetime import UTC, datetime

    with account.client() as imap:
        old = mail("jane@example.com", "Last year's question", "Answered long ago.")
        imap.append("INBOX", old.as_bytes(), msg_time=datetime(2025, 1, 6, 9, 0, tzinfo=UTC))
    account.append("INBOX", mail("jane@example.com", "Today's question", "Could you look at this?"))
    report = fetch(app, account.settings(folders=["INBOX"], since=datetime.now(UTC).date())).folders[0]
    assert (report.new, report.stored) == (1, 1)
    with app.sessions() as session:
        assert list(session.scalars(select(m.Request.subject))) == ["Today's question"]
