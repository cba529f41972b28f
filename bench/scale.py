"""Intake-to-acknowledgement throughput and latency with 1, 2 and 4 ``goodterms worker`` processes.

    GOODTERMS_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/postgres \\
        .venv/bin/python bench/scale.py [--workers 1,2,4] [--messages 200] [--drain 150] [--clients 200]
    # or, with a throwaway cluster:  bash scripts/with-postgres.sh .venv/bin/python bench/scale.py

Each round gets a fresh database on that server (migrated, a business open every hour and
``--clients`` clients), one ``goodterms run --jobs queue`` taking mail in over SMTP, a sink relay in
this process, and N ``goodterms worker`` processes (``--concurrency 2`` each). ``--messages`` client
messages are sent over SMTP from 4 threads as fast as the intake takes them. Measured per round:

* throughput: messages / (first send → last acknowledgement at the sink), and that divided by N;
* latency of each acknowledgement: the intake's ``250`` → the sink has the acknowledgement (p50, p99);
* queue claim latency: a job's insert (in the intake's transaction) → a worker claims it (p50, p99),
  from a trigger this bench adds to the round's own database;
* drain rounds (``--drain``): the messages are taken in first with no worker running, then N
  workers start and empty the queue: first acknowledgement → last is the workers' own rate (their
  latency and claim figures are mostly time spent waiting for the workers to start);
* lost / duplicated: requests with no acknowledgement, or more than one, at the sink (must be 0).
* ``--refresh-clients N`` adds rounds (the first ``--workers`` count, burst) on a portfolio of N more
  clients (``bench/web.py``'s ledger: a few contacts each, requests, invoices), stored once, while
  another process re-assesses the whole portfolio over and over (``refresh_all``, as a worker on the
  slow queue does every 15 minutes): the claim latency of the acknowledgements beside a refresh, and
  the same round without one on the same portfolio to compare (``refreshes`` says how many ran).

Not a test: nothing here passes or fails; the figures go in docs/scale.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from goodterms.ledger.db import make_engine, migrate
from goodterms.ledger.importing import import_event_dicts

SRC = Path(__file__).resolve().parents[1] / "src"
HOURS = {d: [["00:00", "23:59"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
CLAIMS = """
CREATE TABLE bench_claims (id bigint PRIMARY KEY, task text, inserted timestamptz, claimed timestamptz);
CREATE FUNCTION bench_job_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO bench_claims VALUES (NEW.id, NEW.task_name, clock_timestamp(), NULL); RETURN NEW; END $$;
CREATE FUNCTION bench_job_claimed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF NEW.status = 'doing' AND OLD.status = 'todo' THEN
    UPDATE bench_claims SET claimed = clock_timestamp() WHERE id = NEW.id AND claimed IS NULL;
  END IF; RETURN NEW; END $$;
CREATE TRIGGER bench_inserted AFTER INSERT ON procrastinate_jobs FOR EACH ROW EXECUTE FUNCTION bench_job_inserted();
CREATE TRIGGER bench_claimed AFTER UPDATE OF status ON procrastinate_jobs
  FOR EACH ROW EXECUTE FUNCTION bench_job_claimed();
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class Sink:
    """A relay that notes when each acknowledgement (by the request's Message-ID) arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        now = time.monotonic()
        msg = BytesParser(policy=default).parsebytes(envelope.content)
        with self.lock:
            self.arrived[str(msg["In-Reply-To"])].append(now)
        return "250 OK"


def goodterms(db_url: str, config: Path, *args: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("GOODTERMS_DATABASE_URL", None)
    cmd = [sys.executable, "-c", "from goodterms.cli import main; main()", "--db", db_url]
    with log.open("wb") as out:
        return subprocess.Popen(
            [*cmd, "--config", str(config), *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def db_stats(engine: Any) -> tuple[int, int]:
    """Commits and rows written (inserted + updated + deleted) in this database so far."""
    time.sleep(1.0)  # the statistics are flushed about once a second
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database "
                "WHERE datname = current_database()"
            )
        ).one()
    return int(row[0]), int(row[1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def one_round(
    admin_url: str,
    workers: int,
    messages: int,
    clients: int,
    work: Path,
    *,
    drain: bool = False,
    portfolio: int = 0,
    refresh: bool = False,
) -> dict[str, Any]:
    """One round; ``drain``: the messages are all taken in first, then the workers start and empty
    the queue (the workers' own rate, first acknowledgement to last, without the intake beside them).
    ``portfolio``: that many more clients, assessed and stored before the burst; ``refresh``: the whole
    portfolio re-assessed over and over in another process during it."""
    name = f"gt_scale_{os.getpid()}_{workers}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(db_url)
    migrate(engine)
    senders = [f"s{i:04d}@example.com" for i in range(clients)]
    import_event_dicts(
        engine,
        [
            {
                "type": "business",
                "id": "biz",
                "name": "Siam Scribe Co.",
                "timezone": "Asia/Bangkok",
                "currency": "THB",
                "email": "desk@siamscribe.example",
                "hours": HOURS,
                "response_target_hours": "4",
            },
            *(
                {
                    "type": "client",
                    "id": f"s{i:04d}",
                    "name": f"Client {i}",
                    "language": ("en", "et", "th")[i % 3],
                    "timezone": "Asia/Bangkok",
                    "currency": "THB",
                    "emails": [s],
                }
                for i, s in enumerate(senders)
            ),
        ],
    )
    if portfolio:
        from goodterms.app import Goodterms
        from goodterms.assess.store import refresh_all
        from web import build  # bench/web.py's ledger, without its business (this round has one)

        gt = Goodterms.open(db_url)
        build(gt, clients=portfolio, big=0, business=False)
        refresh_all(gt)  # stored once, as a running business has it
        gt.engine.dispose()
    config = work / "goodterms.toml"
    config.write_text("", encoding="utf-8")
    subprocess.run(  # the queue's tables, then this bench's claim trigger on them
        [
            sys.executable,
            "-c",
            "from goodterms.cli import main; main()",
            "--db",
            db_url,
            "--config",
            str(config),
            "worker",
            "--setup",
        ],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        check=True,
        capture_output=True,
    )
    with engine.begin() as conn:
        conn.connection.driver_connection.execute(CLAIMS)  # type: ignore[union-attr]

    sink = Sink()
    relay_port, smtp_port, web_port = free_port(), free_port(), free_port()
    relay = Controller(sink, hostname="127.0.0.1", port=relay_port)
    relay.start()
    procs = [
        goodterms(
            db_url,
            config,
            "run",
            "--jobs",
            "queue",
            "--web",
            f"127.0.0.1:{web_port}",
            "--smtp",
            f"127.0.0.1:{smtp_port}",
            "--relay",
            f"127.0.0.1:{relay_port}",
            log=work / "intake.log",
        )
    ]

    def start_workers() -> None:
        procs.extend(
            goodterms(
                db_url,
                config,
                "worker",
                "--relay",
                f"127.0.0.1:{relay_port}",
                "--concurrency",
                "2",
                log=work / f"worker-{i}.log",
            )
            for i in range(workers)
        )

    if not drain:
        start_workers()
    refresh_log = work / "refresh.log"
    if refresh:
        from web import start_refresher

        with refresh_log.open("wb") as out:
            procs.append(start_refresher(db_url, out=out, env={**os.environ, "PYTHONPATH": str(SRC)}))
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{web_port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        time.sleep(3.0)  # the workers' start (imports, pool, LISTEN)
        mails = []
        for i in range(messages):
            msg = EmailMessage()
            msg["From"] = senders[i % clients]
            msg["To"] = "desk@siamscribe.example"
            msg["Subject"] = f"Order {i}: the transcript of interview {i * 7 % 1000}"
            msg["Message-ID"] = make_msgid(domain="client.example")
            msg.set_content(
                f"Hello, could you transcribe recording {i}, please? It is {i % 90 + 5} minutes.\n"
            )
            mails.append(msg)
        accepted: dict[str, float] = {}
        queue = iter(mails)
        lock = threading.Lock()

        def pump() -> None:
            with smtplib.SMTP("127.0.0.1", smtp_port, timeout=60) as smtp:
                while True:
                    with lock:
                        msg = next(queue, None)
                    if msg is None:
                        return
                    smtp.send_message(msg)
                    accepted[str(msg["Message-ID"])] = time.monotonic()

        before = db_stats(engine)
        started = time.monotonic()
        threads = [threading.Thread(target=pump) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        intake_s = time.monotonic() - started
        if drain:
            start_workers()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(sink.arrived.keys() & accepted.keys()) < len(accepted):
            time.sleep(0.1)
        time.sleep(2.0)  # a late duplicate, were there one
        with sink.lock:
            arrived = {k: list(v) for k, v in sink.arrived.items()}
        after = db_stats(engine)
        done = [max(v) for k, v in arrived.items() if k in accepted]
        if drain:  # first acknowledgement to last: the workers' own rate
            elapsed = (max(done) - min(done)) * len(done) / max(1, len(done) - 1) if done else float("nan")
        else:
            elapsed = (max(done) - started) if done else float("nan")
        latencies = [min(arrived[k]) - t for k, t in accepted.items() if k in arrived]
        with engine.connect() as conn:
            claims = [
                float(r[0])
                for r in conn.execute(
                    text(
                        "SELECT extract(epoch FROM claimed - inserted) FROM bench_claims "
                        "WHERE task = 'goodterms:deliver' AND claimed IS NOT NULL"
                    )
                )
            ]
        # one line per refresh finished: "refresh_all N clients S s"
        refreshes = (
            [
                line.split()[-2]
                for line in refresh_log.read_text().splitlines()
                if line.startswith("refresh_all ")
            ]
            if refresh
            else []
        )
        return {
            "refreshes": f"{len(refreshes)} ({', '.join(refreshes)} s)" if refresh else "—",
            "workers": workers,
            "messages": len(accepted),
            "intake_per_s": len(accepted) / intake_s,
            "acks_per_s": len(done) / elapsed,
            "acks_per_s_per_worker": len(done) / elapsed / workers,
            "latency_p50_s": pct(latencies, 0.5),
            "latency_p99_s": pct(latencies, 0.99),
            "claim_p50_ms": 1000 * pct(claims, 0.5),
            "claim_p99_ms": 1000 * pct(claims, 0.99),
            "commits_per_msg": (after[0] - before[0]) / len(accepted),
            "rows_per_msg": (after[1] - before[1]) / len(accepted),
            "lost": len(accepted.keys() - arrived.keys()),
            "duplicated": sum(len(v) - 1 for k, v in arrived.items() if k in accepted),
        }
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
        relay.stop()
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("GOODTERMS_TEST_DATABASE_URL"), help="admin URL")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument(
        "--drain", type=int, default=150, help="messages queued first, then drained (0: skip)"
    )
    parser.add_argument(
        "--refresh-clients",
        type=int,
        default=0,
        help="also two burst rounds on a portfolio of this many more clients: with a whole-portfolio "
        "refresh running meanwhile, and without (0: skip)",
    )
    args = parser.parse_args()
    if not args.db or not args.db.startswith("postgresql"):
        sys.exit("bench/scale.py needs a PostgreSQL admin URL (--db or GOODTERMS_TEST_DATABASE_URL)")
    print(
        "| workers | messages | intake msg/s | acks/s | acks/s per worker | latency p50 | latency p99 "
        "| claim p50 | claim p99 | commits/msg | rows/msg | lost | duplicated |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    counts = [int(x) for x in args.workers.split(",")]
    rounds = [(n, False, 0, False) for n in counts]
    rounds += [(n, True, 0, False) for n in counts] if args.drain else []
    if args.refresh_clients:
        rounds += [(counts[0], False, args.refresh_clients, refresh) for refresh in (False, True)]
    for n, drain, portfolio, refresh in rounds:
        with tempfile.TemporaryDirectory() as tmp:
            r = one_round(
                args.db,
                n,
                args.drain if drain else args.messages,
                args.clients,
                Path(tmp),
                drain=drain,
                portfolio=portfolio,
                refresh=refresh,
            )
        what = f"{n}, drain" if drain else f"{n}"
        if portfolio:
            what += f", {portfolio:,} clients" + (f", refresh meanwhile: {r['refreshes']}" if refresh else "")
        print(
            f"| {what} | {r['messages']} | {r['intake_per_s']:.0f} | {r['acks_per_s']:.1f} | "
            f"{r['acks_per_s_per_worker']:.1f} | {r['latency_p50_s']:.2f} s | {r['latency_p99_s']:.2f} s | "
            f"{r['claim_p50_ms']:.0f} ms | {r['claim_p99_ms']:.0f} ms | {r['commits_per_msg']:.1f} | "
            f"{r['rows_per_msg']:.1f} | {r['lost']} | {r['duplicated']} |",
            flush=True,
        )
    print(f"load average after the runs: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
