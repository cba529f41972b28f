"""Jobs on PostgreSQL: two intake processes and three ``goodterms worker`` processes on one ledger.

A burst of client mail over real SMTP (a fifth of it sent again, some of it auto-replies) goes to two
``goodterms run --jobs queue`` processes; one worker and one intake process are killed (SIGKILL) in
the middle and started again. Then every accepted message is stored once, every request is
acknowledged once at the sink relay, no auto-reply is answered, and the follow-up that is due goes
out once although three workers each ran the periodic deferrer. Nothing here is timed.
"""

from __future__ import annotations

import contextlib
import random
import signal
import smtplib
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import func, select, text

from goodterms.app import Goodterms
from goodterms.assess import store
from goodterms.assess.service import assess
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from goodterms.service import queue
from tests.conftest import PG_ADMIN_URL
from tests.desk.conftest import Sink
from tests.factories import client
from tests.service.conftest import WAIT_S, Run, goodterms_command, overdue_invoice
from tests.service.test_followups import LADDER

pytestmark = pytest.mark.skipif(
    not PG_ADMIN_URL,
    reason="jobs on a queue need PostgreSQL (GOODTERMS_TEST_DATABASE_URL, set by scripts/with-postgres.sh); "
    "on SQLite `goodterms run` does the work in one process (tests/service/test_run.py)",
)
SENDERS = [f"c{i:02d}@example.com" for i in range(20)]
NEW = 250  # new requests; a fifth as many again are sent twice, and AUTO auto-replies
AUTO = 20


@dataclass
class Worker:
    """One ``goodterms worker`` process."""

    db_url: str
    config: Path
    relay_port: int
    workdir: Path
    index: int
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        self.starts += 1
        env, base = goodterms_command(self.db_url, self.config)
        cmd = [
            *base,
            "worker",
            "--relay",
            f"127.0.0.1:{self.relay_port}",
            "--concurrency",
            "2",
            "--heartbeat",
            "1",
        ]
        path = self.workdir / f"worker-{self.index}-{self.starts}.log"
        with path.open("wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT)

    def log(self, tail: int | None = 3000) -> str:
        """The worker's output over its starts (the last ``tail`` characters of each; None: all)."""
        return "\n".join(
            p.read_text(errors="replace")[-tail if tail else 0 :]
            for p in sorted(self.workdir.glob(f"worker-{self.index}-*.log"))
        )


def _message(sender: str, n: int, **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "desk@siamscribe.example"
    msg["Subject"] = f"Order {n}: {random.choice(['a new logo', 'the invoice', 'photos', 'a contract'])}"
    msg["Message-ID"] = make_msgid(domain="client.example")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(f"Hello, this is about order {n}. Could you look at it, please? {random.random()}\n")
    return msg


def _send(ports: list[int], msg: EmailMessage, start: int, deadline: float) -> None:
    """Deliver one message as a mail server does: try the intakes in turn until one says 250."""
    tries = 0
    while True:
        port = ports[(start + tries) % len(ports)]
        tries += 1
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
                smtp.send_message(msg)
            return
        except (OSError, smtplib.SMTPException):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _telling(workers: list[Worker], db_url: str | None = None) -> Callable[[], str]:
    """Return what to show when a wait fails: the workers' lines that are not routine job traffic (the
    assessment jobs, warnings, errors), read at the time of the failure, and the queue's assessment jobs."""

    def tell() -> str:
        lines = []
        for w in workers:
            said = w.log(tail=None).splitlines()
            lines += [f"worker {w.index}: {line[:600]}" for line in said if '"level": "info"' not in line]
            done = [line for line in said if "goodterms:assess" in line and "ended with status" in line]
            lines += [f"worker {w.index}: {line[:300]}" for line in done[-5:]]
        jobs = ""
        if db_url is not None:
            gt = Goodterms.open(db_url)
            try:
                with gt.engine.connect() as conn:
                    rows = conn.execute(
                        text(
                            "SELECT id, task_name, status, lock, queueing_lock, attempts, scheduled_at "
                            "FROM procrastinate_jobs WHERE task_name LIKE 'goodterms:assess%' ORDER BY id"
                        )
                    ).all()
                jobs = "\n".join(str(tuple(r)) for r in rows)
            finally:
                gt.engine.dispose()
        return "\n".join(lines[-120:]) + "\nassessment jobs:\n" + jobs

    return tell


def _wait(
    condition: object,
    what: str,
    procs: list[subprocess.Popen[bytes] | None],
    tell: Callable[[], str] = lambda: "",
) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        for proc in procs:
            if proc is not None and proc.poll() is not None:
                pytest.fail(f"a process ended ({proc.returncode}) while waiting for {what}:\n{tell()}")
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}\n{tell()}")


@pytest.fixture
def cluster(
    ledger: tuple[str, Path], sink: tuple[Sink, str, int], tmp_path: Path
) -> Iterator[tuple[list[Run], list[Worker]]]:
    db_url, config = ledger
    config.write_text(LADDER, encoding="utf-8")
    gt = Goodterms.open(db_url, str(config))
    import_event_dicts(
        gt.engine,
        [
            *(
                client(f"c{i:02d}", name=f"Client {i}", language="en", emails=[s])
                for i, s in enumerate(SENDERS)
            ),
            overdue_invoice(),
        ],
    )
    gt.engine.dispose()
    intakes = [
        Run(db_url, config, sink[2], tmp_path / f"intake-{i}", extra=("--jobs", "queue")) for i in (0, 1)
    ]
    workers = [Worker(db_url, config, sink[2], tmp_path, i) for i in range(3)]
    for run in intakes:
        run.workdir.mkdir()
    yield intakes, workers
    for proc in [r.proc for r in intakes] + [w.proc for w in workers]:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()


def test_two_intakes_and_three_workers_acknowledge_each_request_once_through_kills(
    cluster: tuple[list[Run], list[Worker]], sink: tuple[Sink, str, int]
) -> None:
    intakes, workers = cluster
    handler = sink[0]
    random.seed(18)
    for run in intakes:
        run.start()
    for worker in workers:
        worker.start()

    requests = [_message(SENDERS[i % len(SENDERS)], i) for i in range(NEW)]
    autos = [
        _message(SENDERS[i % len(SENDERS)], 1000 + i, Auto_Submitted="auto-replied") for i in range(AUTO)
    ]
    burst = requests + autos + random.sample(requests, NEW // 5)  # resends: the same Message-ID again
    random.shuffle(burst)
    ports = [run.smtp_port for run in intakes]
    deadline = time.monotonic() + WAIT_S
    sent = iter(enumerate(burst))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def pump() -> None:
        while True:
            with lock:
                item = next(sent, None)
            if item is None:
                return
            try:
                _send(ports, item[1], item[0], deadline)
            except BaseException as exc:  # reported by the test below
                errors.append(exc)
                return

    pumps = [threading.Thread(target=pump) for _ in range(4)]
    for t in pumps:
        t.start()
    # Mid-burst: kill one worker and one intake without warning, then start them again.
    _wait(lambda: len(handler.messages) >= 40, "the first acknowledgements", [], _telling(workers))
    assert workers[0].proc is not None and intakes[1].proc is not None
    workers[0].proc.send_signal(signal.SIGKILL)
    intakes[1].proc.send_signal(signal.SIGKILL)
    workers[0].proc.wait()
    intakes[1].proc.wait()
    time.sleep(1.0)
    workers[0].start()
    intakes[1].start()
    for t in pumps:
        t.join()
    assert not errors, errors

    ids = {str(msg["Message-ID"]) for msg in requests}
    logs = _telling(workers, intakes[0].db_url)

    def acked() -> set[str]:
        return {str(a["In-Reply-To"]) for a in list(handler.messages) if a["In-Reply-To"]} & ids

    _wait(lambda: acked() == ids, "an acknowledgement of every request", [w.proc for w in workers], logs)
    _wait(
        lambda: any("INV-1" in str(a["Subject"]) for a in list(handler.messages)),
        "the follow-up",
        [w.proc for w in workers],
        logs,
    )
    time.sleep(3.0)  # let any second sender, were there one, show itself
    gt = Goodterms.open(intakes[0].db_url, str(intakes[0].config))
    # The workers' slow queue keeps the stored assessments: the changed clients every 15 s against the
    # stored portfolio medians, everyone on the whole-portfolio round (deferred here rather than waited
    # for: it runs every 15 minutes). Once it has run and no change is left, what is stored is what an
    # on-demand assessment of the same ledger gives.
    _wait(
        lambda: store.read_generation(gt) is not None,
        "the first stored assessment",
        [w.proc for w in workers],
        logs,
    )
    asked = datetime.now(UTC)
    queue_app = queue.make_app(gt.engine)
    with queue_app.open(), contextlib.suppress(AlreadyEnqueued):  # one waits already: it runs after now
        queue_app.configure_task("goodterms:assess_all").defer(timestamp=0)

    def whole_refresh_done() -> bool:
        with gt.engine.connect() as conn:
            at = conn.execute(text("SELECT computed_at FROM assessment_portfolio")).scalar()
        return at is not None and _aware(at) > asked and store.stale_count(gt) == 0

    _wait(whole_refresh_done, "the whole-portfolio refresh", [w.proc for w in workers], logs)
    try:
        stored_verdicts = {c["id"]: (c["health"], c["verdict"]) for c in store.read_all(gt)["clients"]}
        on_demand = {c.id: (c.health, c.verdict) for c in assess(app=gt, trend=False).clients}
        with gt.sessions() as session:
            stored = Counter(
                session.scalars(
                    select(m.Contact.message_id).where(
                        m.Contact.direction == "inbound", m.Contact.message_id.is_not(None)
                    )
                )
            )
            unsent = session.scalar(
                select(func.count()).select_from(m.Outbox).where(m.Outbox.sent_at.is_(None))
            )
            notices = list(session.scalars(select(m.FollowupNotice.rule)))
            periodic = session.execute(
                text(
                    "SELECT count(DISTINCT defer_timestamp) FROM procrastinate_periodic_defers WHERE task_name = 'goodterms:followups'"
                )
            ).scalar()
    finally:
        gt.engine.dispose()

    # Every accepted message stored once (a resend is known by its Message-ID).
    every = {str(msg["Message-ID"]) for msg in requests + autos}
    assert set(stored) == every and max(stored.values()) == 1
    # The stored assessments match an on-demand assessment of the same ledger.
    assert stored_verdicts == on_demand
    # Every request acknowledged at the sink; twice at most the rows the killed worker had in flight
    # (one per job it ran at once: --concurrency 2), each time the same message (one Message-ID), so
    # that the client's mail program shows it once.
    acks = Counter(str(a["In-Reply-To"]) for a in handler.messages if a["In-Reply-To"])
    assert set(acks) == ids
    assert sum(acks.values()) - len(ids) <= 2, acks.most_common(3)
    for again in [k for k, n in acks.items() if n > 1]:
        assert len({str(a["Message-ID"]) for a in handler.messages if str(a["In-Reply-To"]) == again}) == 1
    # No acknowledgement to an auto-reply.
    auto_ids = {str(msg["Message-ID"]) for msg in autos}
    assert not auto_ids & set(acks)
    # The follow-up went once, though each worker deferred the periodic rounds (the database kept one).
    reminders = [a for a in handler.messages if "INV-1" in str(a["Subject"])]
    assert len(reminders) == 1 and notices == ["payment:reminder"]
    assert periodic is not None and periodic >= 1
    assert unsent == 0
    assert len(handler.messages) - sum(acks.values()) == 1  # nothing else went out
    # SIGTERM: each worker takes no new job, finishes what it has, leaves the queue and ends cleanly.
    for worker in workers:
        assert worker.proc is not None
        worker.proc.send_signal(signal.SIGTERM)
    for worker in workers:
        assert worker.proc is not None and worker.proc.wait(WAIT_S) == 0, worker.log()
    for run in intakes:
        assert run.stop() == 0
    # Every worker ran its own periodic deferrer (three schedulers), yet the database queued each
    # follow-up round once and the reminder above went out once.
    for worker in workers:
        assert "Registering task goodterms:followups" in worker.log(tail=None)
    rounds = sum(w.log(tail=None).count("goodterms:followups[") for w in workers)
    assert rounds >= 1
