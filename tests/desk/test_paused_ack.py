"""While work is paused for payment, the desk still acknowledges and says honestly when work resumes."""

from __future__ import annotations

from sqlalchemy import select, update

from goodterms.app import Goodterms
from goodterms.desk.intake import receive
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from tests.factories import business, client


def _app(db_url: str) -> Goodterms:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    import_event_dicts(gt.engine, [business(), client("c1", emails=["nok@example.com"])])
    return gt


def _ack_body(gt: Goodterms) -> str:
    with gt.sessions() as session:
        return session.scalars(select(m.Outbox.body).order_by(m.Outbox.id.desc())).first() or ""


def test_a_paused_client_is_acknowledged_with_when_work_resumes(db_url: str) -> None:
    gt = _app(db_url)
    with gt.engine.begin() as conn:
        conn.execute(update(m.Client).values(status="paused"))
    receive(app=gt, client_ref="c1", subject="New file", text="Please transcribe the attached.", at=None)
    body = _ack_body(gt)
    assert "on hold until invoice" in body and "same day the payment arrives" in body
    assert "Thank you for your message" in body


def test_an_active_client_gets_no_paused_note(db_url: str) -> None:
    gt = _app(db_url)
    receive(app=gt, client_ref="c1", subject="New file", text="Please transcribe the attached.", at=None)
    body = _ack_body(gt)
    assert "on hold" not in body and "\n\n\n" not in body
