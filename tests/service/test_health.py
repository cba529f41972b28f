"""The parts' heartbeats in the ledger, as /healthz reads them, and the scheduler's rounds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from goodterms.app import Goodterms
from goodterms.desk import health as desk_health
from goodterms.desk.relay import Relay
from goodterms.ledger import models as m
from goodterms.service import health
from goodterms.service.schedule import Scheduler


def _app(ledger: tuple[str, Path]) -> Goodterms:
    return Goodterms.open(ledger[0], str(ledger[1]))


def test_a_part_that_stopped_beating_is_not_running_and_a_restart_forgets_old_parts(
    ledger: tuple[str, Path],
) -> None:
    gt = _app(ledger)
    assert health.report(gt.engine) == ({"status": "ok"}, True)  # nothing ever ran here
    health.record(gt.engine, "web", state="running")
    health.record(gt.engine, "mailbox office", state="running")
    body, ok = health.report(gt.engine)
    assert ok and set(body["parts"]) == {"web", "mailbox office"}
    assert body["outbox"] == {"unsent": 0, "oldest_unsent_age_s": None}

    later = datetime.now(UTC) + health.STALE_AFTER + timedelta(seconds=1)
    parts = health.parts(gt.engine, now=later)
    assert parts["web"]["state"] == "not running" and not parts["web"]["healthy"]
    assert "no sign of life since" in parts["web"]["detail"]
    health.record(gt.engine, "web", state="stopped")  # stopped on purpose: never stale
    assert health.parts(gt.engine, now=later)["web"]["healthy"]

    desk_health.write_beat(gt.engine, state="relay unavailable", detail="127.0.0.1:9: refused", interval_s=5)
    body, ok = health.report(gt.engine)
    assert not ok and body["status"] == "degraded"
    assert body["parts"]["outbox sender"]["state"] == "relay unavailable"

    health.forget_all(gt.engine)
    with gt.sessions() as session:
        assert session.get(m.Blob, health.PREFIX + "mailbox office") is None
        assert session.get(m.Blob, desk_health.BLOB_NAME) is not None  # the desk's own row is the desk's
    gt.engine.dispose()


def test_the_oldest_unsent_message_is_reported_by_its_age(ledger: tuple[str, Path]) -> None:
    gt = _app(ledger)
    now = datetime.now(UTC)
    with gt.sessions() as session, session.begin():
        for key, age, sent in (("a", 120, False), ("b", 30, False), ("c", 900, True)):
            session.add(
                m.Outbox(
                    key=key,
                    kind="ack",
                    to_addr="jane@example.com",
                    subject="s",
                    body="b",
                    headers={},
                    created_at=now - timedelta(seconds=age),
                    sent_at=now if sent else None,
                    attempts=0,
                )
            )
    found = health.oldest_unsent(gt.engine, now=now)
    assert found["unsent"] == 2 and 119 <= found["oldest_unsent_age_s"] <= 121
    gt.engine.dispose()


def test_the_scheduler_runs_each_job_when_due_and_says_which_failed(ledger: tuple[str, Path]) -> None:
    gt = _app(ledger)
    calls: list[str] = []

    def refresh() -> None:
        calls.append("refresh")
        if len(calls) > 1:
            raise RuntimeError("the assessment broke")

    scheduler = Scheduler(
        gt, tone_every_s=0, assess_every_s=3600, relay=Relay(host="127.0.0.1", port=1), refresh=refresh
    )
    assert scheduler.tick() == []  # nothing queued for the relay: it is not even asked
    assert scheduler.tick() == []  # the refresh is not due again within the hour
    assert calls == ["refresh"]
    scheduler.assess_every_s = 1e-9
    assert scheduler.tick() == ["assessment: RuntimeError: the assessment broke"]
    scheduler._beat(("failing", "assessment: RuntimeError: the assessment broke"))
    with gt.sessions() as session:
        blob = session.get(m.Blob, health.PREFIX + "scheduler")
        assert blob is not None and json.loads(blob.data)["state"] == "failing"
    gt.engine.dispose()
