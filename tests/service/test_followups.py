"""Follow-ups under ``goodterms run``: an auto level goes out once at its hour, across restarts; a level
on approval waits for a person."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from goodterms.app import Goodterms
from goodterms.handling.config import FollowupSettings, LadderLevel
from goodterms.handling.followup import plan
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from goodterms.service.schedule import DONE_BLOB, auto_rules_due
from tests.desk.conftest import Sink
from tests.service.conftest import Run, overdue_invoice
from tests.service.test_run import _wait

BKK = ZoneInfo("Asia/Bangkok")
LADDER = """
[followup]
min_gap_days = 0

[[followup.levels]]
name = "reminder"
delay_days = 3
since = "due"
template = "payment_reminder"
send = "auto"
send_hour = 0

[[followup.levels]]
name = "pause"
delay_days = 0
template = "payment_pause"
pauses_work = true
send_hour = 0  # its hour has come too: only `send` (approval, the default) keeps it from going out
"""


def _level(name: str, **kw: Any) -> LadderLevel:
    return LadderLevel(name=name, delay_days=0, since="due", template="payment_reminder", **kw)


def test_only_auto_levels_whose_hour_came_and_that_were_not_sent_today_are_due() -> None:
    settings = FollowupSettings(
        levels=[
            _level("early", send="auto", send_hour=8),
            _level("late", send="auto", send_hour=17),
            _level("asked"),  # on approval: never sent by the scheduler
        ]
    )
    morning = datetime(2026, 3, 2, 9, 30, tzinfo=BKK)
    assert auto_rules_due(settings, morning, {}) == {"payment:early"}
    assert auto_rules_due(settings, morning.replace(hour=7), {}) == set()
    assert auto_rules_due(settings, morning.replace(hour=18), {}) == {"payment:early", "payment:late"}
    assert auto_rules_due(settings, morning, {"payment:early": "2026-03-02"}) == set()
    assert auto_rules_due(settings, morning, {"payment:early": "2026-03-01"}) == {"payment:early"}
    assert FollowupSettings().levels[0].send == "approval"  # the default waits for a person


def _notices(db_url: str, config: Path) -> list[str]:
    gt = Goodterms.open(db_url, str(config))
    try:
        with gt.sessions() as session:
            return sorted(session.scalars(select(m.FollowupNotice.rule)))
    finally:
        gt.engine.dispose()


def _done(db_url: str, config: Path) -> bool:
    gt = Goodterms.open(db_url, str(config))
    try:
        with gt.sessions() as session:
            return session.get(m.Blob, DONE_BLOB) is not None
    finally:
        gt.engine.dispose()


def test_an_auto_level_is_sent_once_across_restarts_and_a_level_on_approval_waits(
    running: Run, sink: tuple[Sink, str, int]
) -> None:
    handler = sink[0]
    running.config.write_text(LADDER, encoding="utf-8")
    gt = Goodterms.open(running.db_url, str(running.config))
    import_event_dicts(gt.engine, [overdue_invoice()])
    gt.engine.dispose()

    running.start()
    _wait(lambda: _done(running.db_url, running.config), "the scheduler's follow-up round", running)
    _wait(lambda: (h := running.health()) is not None and h["outbox"]["unsent"] == 0, "the send", running)
    assert _notices(running.db_url, running.config) == ["payment:reminder"]
    gt = Goodterms.open(running.db_url, str(running.config))
    try:  # the pause level is due now too, but it is on approval: it waits on the follow-ups page
        assert [i.notice.rule for i in plan(app=gt, flags={})] == ["payment:pause"]
    finally:
        gt.engine.dispose()
    assert running.stop() == 0

    # As if the process died between sending and noting the day: the next start sends again, and the
    # follow-up record of each notice keeps that from sending anything twice.
    gt = Goodterms.open(running.db_url, str(running.config))
    with gt.sessions() as session, session.begin():
        session.execute(delete(m.Blob).where(m.Blob.name == DONE_BLOB))
    gt.engine.dispose()
    running.start()
    _wait(lambda: _done(running.db_url, running.config), "the follow-up round after the restart", running)
    _wait(lambda: (h := running.health()) is not None and h["outbox"]["unsent"] == 0, "the send", running)
    assert running.stop() == 0

    reminders = [msg for msg in handler.messages if "INV-1" in str(msg["Subject"])]
    assert len(reminders) == 1 and reminders[0]["To"] == "jane@example.com"
    assert len(handler.messages) == 1
    assert _notices(running.db_url, running.config) == ["payment:reminder"]


def test_settings_refuse_an_hour_outside_the_day_and_auto_for_what_needs_a_person() -> None:
    with pytest.raises(ValueError, match="send_hour"):
        _level("x", send="auto", send_hour=24)
    with pytest.raises(ValueError, match="only e-mail levels can be sent automatically"):
        _level("call", send="auto", channel="manual")
