from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from goodterms.desk.outbox import enqueue, send_pending, write_eml
from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope
from goodterms.ledger.importing import import_event_dicts
from tests.desk.conftest import Sink
from tests.factories import business, client


def _client_id(engine: Engine) -> int:
    import_event_dicts(engine, [business(), client("c1")])
    with session_scope(engine) as session:
        return session.scalars(select(m.Client.id)).one()


def _queue(engine: Engine, cid: int, key: str = "k1") -> None:
    with session_scope(engine) as session:
        enqueue(
            session=session,
            key=key,
            client_id=cid,
            kind="ack",
            to_addr="c1@example.com",
            subject="Re: ที่ถาม — küsimus",
            body="ขอบคุณค่ะ. Tänan, õäöüšž.",
            headers={"From": "desk@siamscribe.example", "In-Reply-To": "<a@b>"},
        )


def test_enqueue_is_idempotent_by_key_and_records_one_outbound_contact(engine: Engine) -> None:
    cid = _client_id(engine)
    _queue(engine, cid)
    _queue(engine, cid)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(m.Outbox)) == 1
        contact = session.scalars(select(m.Contact)).one()
    assert contact.ext_id == "outbox:k1"
    assert contact.direction == "outbound"
    assert contact.in_reply_to == "<a@b>"


def test_send_pending_delivers_unicode_once_and_marks_sent(
    engine: Engine, sink: tuple[Sink, str, int]
) -> None:
    handler, host, port = sink
    cid = _client_id(engine)
    _queue(engine, cid)
    assert send_pending(engine=engine, relay_host=host, relay_port=port) == 1
    assert send_pending(engine=engine, relay_host=host, relay_port=port) == 0
    assert len(handler.messages) == 1
    msg = handler.messages[0]
    assert msg["In-Reply-To"] == "<a@b>"
    assert msg["Subject"] == "Re: ที่ถาม — küsimus"
    assert "õäöüšž" in msg.get_content()
    with session_scope(engine) as session:
        row = session.scalars(select(m.Outbox)).one()
        assert row.sent_at is not None
        assert row.attempts == 1


def test_send_pending_filters_by_kind(engine: Engine, sink: tuple[Sink, str, int]) -> None:
    handler, host, port = sink
    cid = _client_id(engine)
    _queue(engine, cid)
    assert send_pending(engine=engine, relay_host=host, relay_port=port, kinds={"reminder"}) == 0
    assert handler.messages == []


def test_write_eml_writes_files_and_leaves_rows_unsent(engine: Engine, tmp_path: Path) -> None:
    cid = _client_id(engine)
    _queue(engine, cid)
    paths = write_eml(engine=engine, directory=tmp_path / "out")
    assert len(paths) == 1
    assert b"Message-ID" in paths[0].read_bytes()
    with session_scope(engine) as session:
        assert session.scalars(select(m.Outbox)).one().sent_at is None
