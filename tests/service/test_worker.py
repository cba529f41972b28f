"""``goodterms worker`` and the queue's pieces: set-up, deferral in the ledger transaction, row claims."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import tomli_w
from procrastinate import JobContext
from procrastinate.jobs import Status
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner

import goodterms.cli  # noqa: F401  (registers every command module)
from goodterms.app import Goodterms
from goodterms.cli.app import app
from goodterms.desk.outbox import enqueue, send_pending
from goodterms.desk.relay import Relay
from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope
from goodterms.ledger.importing import import_event_dicts
from goodterms.service import health
from tests.conftest import PG_ADMIN_URL
from tests.connect.conftest import Account, account, dovecot  # noqa: F401  (fixtures used here)
from tests.desk.conftest import Sink, mail
from tests.factories import business, client

runner = CliRunner()
on_postgres = pytest.mark.skipif(
    not PG_ADMIN_URL,
    reason="the job queue needs PostgreSQL (GOODTERMS_TEST_DATABASE_URL, set by scripts/with-postgres.sh)",
)


def _clients(engine: Engine) -> list[int]:
    import_event_dicts(engine, [business(), client("c1"), client("c2")])
    with session_scope(engine) as session:
        return list(session.scalars(select(m.Client.id).order_by(m.Client.id)))


def _queue(session: object, cid: int, key: str) -> m.Outbox:
    return enqueue(
        session=session,  # type: ignore[arg-type]
        key=key,
        client_id=cid,
        kind="ack",
        to_addr="c1@example.com",
        subject="Re: küsimus",
        body="Tänan, ขอบคุณค่ะ.",
        headers={"From": "desk@siamscribe.example", "In-Reply-To": f"<{key}@client.example>"},
    )


def _jobs(engine: Engine) -> list[tuple[str, str, str | None, dict[str, int]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT task_name, queue_name, lock, args FROM procrastinate_jobs ORDER BY id")
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]


def test_worker_and_run_with_the_queue_on_sqlite_say_in_one_line_that_it_needs_postgresql(
    tmp_path: Path,
) -> None:
    base = ["--db", f"sqlite:///{tmp_path / 'goodterms.db'}", "--config", str(tmp_path / "none.toml")]
    worked = runner.invoke(app, [*base, "worker"])
    assert worked.exit_code == 2
    assert worked.output.strip().splitlines() == [
        "error: goodterms worker needs the ledger on PostgreSQL (--db postgresql+psycopg://...); on SQLite "
        "`goodterms run` does all the work in one process"
    ]
    ran = runner.invoke(app, [*base, "run", "--jobs", "queue"])
    assert ran.exit_code == 2 and "--jobs queue needs the ledger on PostgreSQL" in ran.output
    assert "Traceback" not in ran.output
    wrong = runner.invoke(app, [*base, "worker", "--queues", "fast,urgent"])
    assert wrong.exit_code == 2 and "--queues takes fast and slow" in wrong.output


@on_postgres
def test_setup_is_idempotent_and_a_job_commits_or_rolls_back_with_its_outbox_row(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    c1, _ = _clients(engine)
    with session_scope(engine) as session:  # before the queue is set up: nothing is deferred
        _queue(session, c1, "before")
    base = ["--db", db_url, "--config", str(tmp_path / "none.toml"), "worker", "--setup"]
    first, again = runner.invoke(app, base), runner.invoke(app, base)
    assert (first.exit_code, first.output.strip()) == (0, "job queue set up")
    assert (again.exit_code, again.output.strip()) == (0, "job queue already set up")

    with pytest.raises(RuntimeError), session_scope(engine) as session:
        _queue(session, c1, "rolled-back")
        raise RuntimeError("the intake failed after queueing its acknowledgement")
    assert _jobs(engine) == []
    with session_scope(engine) as session:
        row_id = _queue(session, c1, "kept").id
    assert _jobs(engine) == [("goodterms:deliver", "fast", f"client:{c1}", {"outbox_id": row_id})]
    # /healthz (as under `run --jobs queue`): a job waits and no worker runs to take it.
    health.record(engine, "web", state="running")
    body, ok = health.report(engine)
    queue = body["queue"]
    assert not ok and body["status"] == "degraded"
    assert (queue["workers"], queue["waiting"], queue["healthy"]) == (0, 1, False)
    assert queue["oldest_waiting_age_s"] >= 0 and "no `goodterms worker` is running" in queue["detail"]


@on_postgres
def test_a_row_another_sender_holds_is_left_to_it(engine: Engine, sink: tuple[Sink, str, int]) -> None:
    handler, host, port = sink
    c1, _ = _clients(engine)
    with session_scope(engine) as session:
        row_id = _queue(session, c1, "held").id
    with engine.connect() as other:  # another worker is handing this row to the relay right now
        other.execute(
            text("SELECT pg_advisory_lock(CAST(:ns AS integer), :id)"), {"ns": 0x6F62, "id": row_id}
        )
        assert send_pending(engine=engine, relay_host=host, relay_port=port) == 0
        assert handler.messages == []
        other.rollback()
        other.execute(text("SELECT pg_advisory_unlock_all()"))
    assert send_pending(engine=engine, relay_host=host, relay_port=port) == 1
    assert len(handler.messages) == 1


@on_postgres
def test_a_worker_delivers_the_rows_deferred_with_them_once_each(
    db_url: str, tmp_path: Path, sink: tuple[Sink, str, int]
) -> None:
    from goodterms.service.queue import Context, ensure_schema, make_app

    handler, host, port = sink
    gt = Goodterms.open(db_url, str(tmp_path / "none.toml"))
    c1, c2 = _clients(gt.engine)
    assert ensure_schema(gt.engine) is True
    with session_scope(gt.engine) as session:
        for i in range(3):
            _queue(session, c1 if i % 2 else c2, f"row-{i}")
    queue_app = make_app(gt.engine)

    async def drain() -> None:
        async with queue_app.open_async():
            await queue_app.run_worker_async(
                queues=["fast"],
                wait=False,  # ends once the queue is empty
                concurrency=2,
                install_signal_handlers=False,
                additional_context={"goodterms": Context(gt, Relay(host=host, port=port))},
            )

    asyncio.run(drain())
    assert sorted(str(msg["In-Reply-To"]) for msg in handler.messages) == [
        f"<row-{i}@client.example>" for i in range(3)
    ]
    with session_scope(gt.engine) as session:
        assert (
            session.scalar(select(func.count()).select_from(m.Outbox).where(m.Outbox.sent_at.is_(None))) == 0
        )
    with gt.engine.connect() as conn:
        states = conn.execute(
            text(
                "SELECT status, count(*) FROM procrastinate_jobs WHERE task_name = 'goodterms:deliver' GROUP BY status"
            )
        ).all()
    assert [tuple(s) for s in states] == [("succeeded", 3)]
    gt.engine.dispose()


@on_postgres
def test_a_mailbox_is_polled_through_the_queue_once_per_poll_seconds_and_its_mail_acknowledged(
    db_url: str,
    tmp_path: Path,
    sink: tuple[Sink, str, int],
    account: Account,  # noqa: F811
) -> None:
    from goodterms.service.queue import Context, ensure_schema, make_app, poll_mailboxes

    handler, host, port = sink
    config = tmp_path / "goodterms.toml"
    settings = account.settings(poll_seconds=300, folders=["INBOX"])
    config.write_text(
        tomli_w.dumps({"mailbox": [settings.model_dump(mode="json", exclude_none=True)]}), "utf-8"
    )
    gt = Goodterms.open(db_url, str(config))
    import_event_dicts(gt.engine, [business(), client("jane", emails=["jane@example.com"])])
    asked = mail("jane@example.com", "Quote please", "Could you quote a two-hour transcript?")
    account.append("INBOX", asked)
    ensure_schema(gt.engine)
    queue_app = make_app(gt.engine)
    extra = {"goodterms": Context(gt, Relay(host=host, port=port))}

    def due() -> list[str]:  # one round of the periodic task, as a worker's deferrer would run it
        context = JobContext(
            app=queue_app, job=None, start_timestamp=0.0, abort_reason=lambda: None, additional_context=extra
        )
        return poll_mailboxes(context, timestamp=0)

    async def drain() -> None:
        async with queue_app.open_async():
            await queue_app.run_worker_async(
                queues=["fast"], wait=False, install_signal_handlers=False, additional_context=extra
            )

    with queue_app.open():
        assert due() == ["office"]
        assert due() == []  # queued already and not yet taken: its queueing lock keeps it once
    asyncio.run(drain())  # the poll, then the acknowledgement it deferred
    assert [str(msg["In-Reply-To"]) for msg in handler.messages] == [str(asked["Message-ID"])]
    with queue_app.open():
        assert due() == []  # polled a moment ago; the next pass is poll_seconds away
    gt.engine.dispose()


@on_postgres
def test_a_database_that_refuses_the_queue_tables_gets_one_line_not_a_traceback(
    db_url: str, tmp_path: Path
) -> None:
    read_only = db_url + "?options=-c%20default_transaction_read_only%3Don"
    result = runner.invoke(
        app, ["--db", read_only, "--config", str(tmp_path / "none.toml"), "worker", "--setup"]
    )
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the job queue's database could not be used: ")
    assert "read-only transaction" in lines[0]


@on_postgres
def test_a_stalled_round_beside_its_queued_next_round_is_closed_and_other_stalled_jobs_go_back(
    db_url: str, tmp_path: Path
) -> None:
    """A worker died during a follow-up round and a delivery; the next follow-up round is queued
    already. ``retry_stalled`` puts the delivery back and closes the stalled round (putting it back
    beside the queued one is refused by the database: procrastinate issue #1446)."""
    from goodterms.service.queue import ensure_schema, make_app, retry_stalled

    gt = Goodterms.open(db_url, str(tmp_path / "none.toml"))
    ensure_schema(gt.engine)
    queue_app = make_app(gt.engine)

    async def scene() -> tuple[int, dict[str, str]]:
        async with queue_app.open_async():
            manager = queue_app.job_manager
            dead = await manager.register_worker()
            rounds = queue_app.configure_task("goodterms:followups")
            await rounds.defer_async(timestamp=1)
            stalled_round = await manager.fetch_job(queues=["slow"], worker_id=dead)
            await queue_app.configure_task("goodterms:deliver").defer_async(outbox_id=7)
            stalled_delivery = await manager.fetch_job(queues=["fast"], worker_id=dead)
            await rounds.defer_async(timestamp=2)  # the next round, queued while the first was under way
            assert stalled_round is not None and stalled_delivery is not None
            with gt.engine.begin() as conn:
                conn.execute(
                    text(
                        "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' WHERE id = :w"
                    ),
                    {"w": dead},
                )
            context = JobContext(
                app=queue_app,
                job=None,
                start_timestamp=0.0,
                abort_reason=lambda: None,
                additional_context={"stalled_after_s": 30.0},
            )
            put_back = await retry_stalled(context, timestamp=0)
            # The lock "followups" is free again: a live worker takes the queued round.
            alive = await manager.register_worker()
            taken = await manager.fetch_job(queues=["slow"], worker_id=alive)
            assert taken is not None and taken.task_kwargs == {"timestamp": 2}
            await manager.finish_job(taken, status=Status.SUCCEEDED, delete_job=True)
        with gt.engine.connect() as conn:
            rows = conn.execute(text("SELECT task_name, args, status FROM procrastinate_jobs ORDER BY id"))
            states = {f"{r[0]} {sorted(r[1].items())}": str(r[2]) for r in rows}
        return put_back, states

    put_back, states = asyncio.run(scene())
    assert put_back == 1
    assert states == {
        "goodterms:followups [('timestamp', 1)]": "failed",
        "goodterms:deliver [('outbox_id', 7)]": "todo",
    }
    gt.engine.dispose()


def test_no_job_with_a_queueing_lock_is_retried_by_procrastinate() -> None:
    """A retried job goes back to "todo" beside the round already queued under its queueing lock,
    which the database refuses and which stops the worker; such rounds wait for their next turn."""
    from goodterms.service.queue import _blueprint

    tasks = _blueprint().tasks.values()
    assert [t.name for t in tasks if t.queueing_lock is not None and t.retry_strategy is not None] == []
    assert [t.name for t in tasks if t.retry_strategy is not None] == ["deliver"]
