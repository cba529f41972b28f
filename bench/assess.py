"""Benchmark ``goodterms assess`` on a generated portfolio (not a test: run it by hand).

    .venv/bin/python bench/assess.py [--clients 10000] [--db /tmp/gt_bench_assess.db]

Generates (once, in a child process) a SQLite ledger of N clients with about 515 records each
(5.15 million for 10,000 clients), then measures in this process: the full assessment aggregated by
SQLite itself (``[assess] engine = "database"``) and by default (DuckDB reads the file), each with its
aggregate and evidence steps timed, the run with the monthly trend, peak memory, one client
re-assessed after a new record, and DuckDB computing comparable per-client aggregates over the same
file (the baseline the ratios are taken against).

``--stored-only`` measures the stored assessments instead (``goodterms.assess.store``): the scheduled
whole-portfolio refresh with its monthly trend, first with no month ends stored (every month computed)
and then as it runs every time after (closed months from the stored history), and one client refreshed
after a change (the record imported, its stale mark, ``refresh_client``).
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

START = datetime(2024, 11, 4, tzinfo=UTC)  # two years of history before AS_OF
AS_OF = datetime(2026, 11, 2, tzinfo=UTC)
SPAN_S = int((AS_OF - START).total_seconds())
PER_CLIENT = {  # records per client, on average
    "contacts": 250,
    "requests": 40,
    "replies": 35,
    "work_logs": 80,
    "invoices": 24,
    "payments": 22,
    "deliveries": 20,
    "approval_asks": 20,
    "approval_answers": 18,
    "concessions": 1,
    "staff_notes": 4,
}


def _ts(seconds: np.ndarray) -> list[str]:
    """Format epoch seconds the way UTCDateTime stores them on SQLite (naive UTC)."""
    base = np.datetime64(int(START.timestamp()), "s")
    text = np.datetime_as_string(base + seconds.astype("timedelta64[s]"), unit="s")
    return [s.replace("T", " ") + ".000000" for s in text.tolist()]


def _dates(seconds: np.ndarray) -> list[str]:
    base = np.datetime64(int(START.timestamp()), "s")
    return np.datetime_as_string(base + seconds.astype("timedelta64[s]"), unit="D").tolist()


def generate(path: Path, clients: int, seed: int = 7, *, message_text: bool = False) -> int:
    """Write the generated ledger to ``path``; return the number of records.

    ``message_text``: e-mails, chats and texts carry 200-1,000 characters (about 600 on average), as a
    real ledger's do; without it the contacts have no text (the figures before 2026-12-05 were taken so).
    """
    from goodterms.ledger.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    rng = np.random.default_rng(seed)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    total = 0

    def put(table: str, columns: str, rows: list[tuple[object, ...]]) -> None:
        nonlocal total
        marks = ",".join("?" * len(rows[0]))
        con.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        total += len(rows)

    hours = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    con.execute(
        "INSERT INTO business (id, ext_id, name, timezone, currency, language, hours, holidays,"
        " target_hourly_rate, response_target_hours) VALUES (1,'biz','Bench Co','Europe/Tallinn','EUR','et',?,"
        '\'["2025-12-24","2025-12-25"]\',6000,400)',
        (str(hours).replace("'", '"'),),
    )
    ids = np.arange(1, clients + 1)
    put(
        "clients",
        "id, ext_id, name, language, timezone, currency, emails, phones, domains, rate_unit,"
        " payment_terms_days, status, prospect",
        [(int(i), f"c{i}", f"Client {i}", "et", "Europe/Tallinn", "EUR", "[]", "[]", "[]", "hour", 14, "active", 0)
         for i in ids],
    )  # fmt: skip
    # A tenth of the clients are difficult: more contact, late at night, rude, paying later.
    difficult = rng.random(clients) < 0.1

    def owners(kind: str) -> np.ndarray:
        mean = PER_CLIENT[kind]
        counts = rng.poisson(mean, clients)
        if kind == "concessions":
            counts = np.where(difficult, rng.poisson(8, clients), rng.poisson(0.3, clients))
        if kind == "contacts":
            counts = np.where(difficult, counts * 2, counts)
            counts = np.maximum(1, (counts * (PER_CLIENT[kind] / counts.mean())).astype(int))
        return np.repeat(ids, counts)

    def times(n: int) -> np.ndarray:
        """Random moments in office hours (Mon-Fri 07:00-14:00 UTC is open in Tallinn all year)."""
        week = rng.integers(0, SPAN_S // (7 * 86400), n)
        return (week * 7 + rng.integers(0, 5, n)) * 86400 + 7 * 3600 + rng.integers(0, 7 * 3600, n)

    # requests
    rq_client = owners("requests")
    n = len(rq_client)
    rq_at = times(n)
    rushed = difficult[rq_client - 1] & (rng.random(n) < 0.5)
    ahead = np.where(rushed, rng.integers(3600, 6 * 3600, n), rng.integers(3 * 86400, 10 * 86400, n))
    deadline = np.where(rng.random(n) < 0.5, rq_at + ahead, -1)
    rq_ids = np.arange(1, n + 1)
    put(
        "requests",
        "id, ext_id, client_id, at, subject, text, kind, deadline, status, priority, chases",
        [(int(i), f"r{i}", int(c), a, "", "", "general", d if dl >= 0 else None, "answered", 0, 0)
         for i, c, a, d, dl in zip(rq_ids, rq_client, _ts(rq_at), _ts(np.maximum(deadline, 0)), deadline,
                                   strict=True)],
    )  # fmt: skip
    # replies to most requests, hours to days later
    answered = rng.random(n) < PER_CLIENT["replies"] / PER_CLIENT["requests"]
    rp_req = rq_ids[answered]
    rp_at = rq_at[answered] + np.where(
        rng.random(len(rp_req)) < 0.9,
        rng.integers(600, 3 * 3600, len(rp_req)),
        rng.integers(86400, 4 * 86400, len(rp_req)),
    )
    put(
        "replies",
        "id, ext_id, request_id, at, text, resolves",
        [
            (k + 1, f"rp{k}", int(r), a, "", 1)
            for k, (r, a) in enumerate(zip(rp_req, _ts(rp_at), strict=True))
        ],
    )
    # contacts; one in eight is about a request, some late at night for difficult clients
    ct_client = owners("contacts")
    n = len(ct_client)
    ct_at = times(n)
    night = difficult[ct_client - 1] & (rng.random(n) < 0.3)
    ct_at = np.where(night, ct_at - ct_at % 86400 + 21 * 3600, ct_at)
    channel = rng.choice(np.array(["call", "email", "sms", "voicemail", "chat", "meeting"]), n,
                         p=[0.3, 0.45, 0.1, 0.05, 0.05, 0.05])  # fmt: skip
    inbound = rng.random(n) < 0.7
    linked = rng.random(n) < 0.125
    # a contact is about one of its own client's requests (requests are numbered client by client)
    per_client = np.bincount(rq_client, minlength=clients + 1)
    first_req = np.concatenate(([0], np.cumsum(per_client)))[ct_client]
    own = first_req + (rng.random(n) * per_client[ct_client]).astype(np.int64) + 1
    req_of = np.where(linked & (per_client[ct_client] > 0), own, 0)
    hostile_p = np.where(difficult[ct_client - 1], 0.25, 0.01)
    tone = np.where(rng.random(n) < hostile_p, "hostile", np.where(rng.random(n) < 0.5, "polite", "neutral"))
    duration = np.where(np.isin(channel, ["call", "meeting"]), rng.integers(60, 1800, n), 0)
    answered_call = rng.random(n) < 0.9
    put(
        "contacts",
        "id, ext_id, client_id, request_id, at, channel, direction, answered, duration_s, tone",
        [(k + 1, f"k{k}", int(c), int(r) or None, a, ch, "inbound" if i else "outbound", int(ok), int(d),
          t if i else None)
         for k, (c, r, a, ch, i, ok, d, t) in enumerate(
             zip(ct_client, req_of, _ts(ct_at), channel.tolist(), inbound.tolist(), answered_call.tolist(),
                 duration.tolist(), tone.tolist(), strict=True))],
    )  # fmt: skip
    if message_text:
        words = "Hello, could you please look at the invoice and the last delivery again? " * 40
        con.execute(
            "UPDATE contacts SET text = substr(?, 1 + (id % 400), 200 + (id * 7919) % 800)"
            " WHERE channel IN ('email', 'chat', 'sms')",
            (words,),
        )
    # work logs
    wl_client = owners("work_logs")
    n = len(wl_client)
    put(
        "work_logs",
        "id, ext_id, client_id, at, minutes, billable",
        [(k + 1, f"w{k}", int(c), a, int(mn), int(b)) for k, (c, a, mn, b) in enumerate(
            zip(wl_client, _ts(times(n)), rng.integers(15, 240, n).tolist(), (rng.random(n) < 0.85).tolist(),
                strict=True))],
    )  # fmt: skip
    # invoices monthly-ish, payments (difficult clients later and later)
    inv_client = owners("invoices")
    n = len(inv_client)
    cycle = np.concatenate([np.arange(c) for c in np.bincount(inv_client)[1:]])
    issued = np.minimum(cycle * 30 * 86400 + rng.integers(0, 5 * 86400, n), SPAN_S - 1)
    due = issued + 14 * 86400
    amount = rng.integers(20_000, 500_000, n)
    put(
        "invoices",
        "id, ext_id, client_id, number, issued, due, amount, currency, disputed",
        [(k + 1, f"i{k}", int(c), f"N{k}", d0, d1, int(a), "EUR", 0) for k, (c, d0, d1, a) in enumerate(
            zip(inv_client, _dates(issued), _dates(due), amount.tolist(), strict=True))],
    )  # fmt: skip
    pays = ~difficult[inv_client - 1] | (rng.random(n) < 0.9)
    lateness = np.where(difficult[inv_client - 1], cycle * 2 * 86400, rng.integers(-5, 3, n) * 86400)
    pay_at = due + lateness
    keep = pays & (pay_at < SPAN_S)
    put(
        "payments",
        "id, ext_id, invoice_id, at, amount",
        [(k + 1, f"p{k}", int(i) + 1, a, int(v)) for k, (i, a, v) in enumerate(
            zip(np.flatnonzero(keep), _ts(pay_at[keep]), amount[keep].tolist(), strict=True))],
    )  # fmt: skip
    # deliveries, approval asks and answers
    dl_client = owners("deliveries")
    put(
        "deliveries",
        "id, ext_id, client_id, at, title, hours",
        [(k + 1, f"d{k}", int(c), a, "work", 0) for k, (c, a) in enumerate(
            zip(dl_client, _ts(times(len(dl_client))), strict=True))],
    )  # fmt: skip
    ask_client = owners("approval_asks")
    n = len(ask_client)
    ask_at = times(n)
    put(
        "approval_asks",
        "id, ext_id, client_id, at, kind, subject, round",
        [(k + 1, f"a{k}", int(c), a, "approval" if k % 3 else "feedback", "", 1) for k, (c, a) in enumerate(
            zip(ask_client, _ts(ask_at), strict=True))],
    )  # fmt: skip
    got = ~difficult[ask_client - 1] | (rng.random(n) < 0.6)
    wait = np.where(
        difficult[ask_client - 1], rng.integers(86400, 20 * 86400, n), rng.integers(3600, 2 * 86400, n)
    )
    put(
        "approval_answers",
        "id, ext_id, ask_id, at, outcome",
        [(k + 1, f"aa{k}", int(i) + 1, a, "changes" if k % 4 == 0 else "approved") for k, (i, a) in enumerate(
            zip(np.flatnonzero(got), _ts((ask_at + wait)[got]), strict=True))],
    )  # fmt: skip
    cc_client = owners("concessions")
    put(
        "concessions",
        "id, ext_id, client_id, at, kind, asked, granted, value",
        [(k + 1, f"cc{k}", int(c), a, "discount", 1, k % 2, 5000 * (k % 2)) for k, (c, a) in enumerate(
            zip(cc_client, _ts(times(len(cc_client))), strict=True))],
    )  # fmt: skip
    nt_client = owners("staff_notes")
    put(
        "staff_notes",
        "id, ext_id, client_id, at, text, feeling",
        [(k + 1, f"n{k}", int(c), a, "note", -1 if difficult[c - 1] else 1) for k, (c, a) in enumerate(
            zip(nt_client, _ts(times(len(nt_client))), strict=True))],
    )  # fmt: skip
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return total


DUCK_SQL = """
SELECT c.client_id,
  count(*) FILTER (WHERE c.direction = 'inbound') AS inbound,
  sum(CASE WHEN c.channel IN ('call','meeting') THEN c.duration_s / 60.0 ELSE 5 END) AS handling,
  count(*) FILTER (WHERE c.tone = 'hostile') AS hostile,
  count(*) FILTER (WHERE hour(c.at::TIMESTAMP) >= 22 OR hour(c.at::TIMESTAMP) < 6) AS night,
  min(c.at), max(c.at)
FROM db.contacts c WHERE c.at::TIMESTAMP < TIMESTAMP '{as_of}' GROUP BY c.client_id;
SELECT client_id, sum(minutes), sum(CASE WHEN billable THEN 0 ELSE minutes END) FROM db.work_logs
  WHERE "at"::TIMESTAMP < TIMESTAMP '{as_of}' GROUP BY client_id;
SELECT r.client_id, count(*), min(rp.first) FROM db.requests r LEFT JOIN
  (SELECT request_id, min("at") AS first FROM db.replies GROUP BY request_id) rp ON rp.request_id = r.id
  GROUP BY r.client_id;
SELECT i.client_id, sum(i.amount), count(p.invoice_id) FROM db.invoices i LEFT JOIN
  (SELECT invoice_id, min("at") AS at FROM db.payments GROUP BY invoice_id) p ON p.invoice_id = i.id
  GROUP BY i.client_id;
SELECT a.client_id, count(*), median(epoch(coalesce(f.at::TIMESTAMP, TIMESTAMP '{as_of}')) - epoch(a.at::TIMESTAMP))
  FROM db.approval_asks a LEFT JOIN (SELECT ask_id, min("at") AS at FROM db.approval_answers GROUP BY ask_id) f
  ON f.ask_id = a.id GROUP BY a.client_id;
SELECT client_id, count(*), sum(value) FROM db.concessions GROUP BY client_id;
SELECT client_id, count(*) FILTER (WHERE feeling < 0) FROM db.staff_notes GROUP BY client_id;
"""


def duckdb_aggregates(path: Path) -> float:
    """Compute comparable per-client aggregates with DuckDB over the same SQLite file; return seconds."""
    import duckdb

    con = duckdb.connect()
    try:  # the extension ships as a wheel (duckdb-extension-sqlite-scanner): load it by path, offline
        import duckdb_extension_sqlite_scanner as wheel

        found = sorted(Path(wheel.__file__).parent.glob("extensions/*/sqlite_scanner.duckdb_extension"))
        con.execute(f"LOAD '{found[-1]}'")
    except (ImportError, IndexError):
        con.execute("LOAD sqlite_scanner")
    con.execute(f"ATTACH '{path}' AS db (TYPE sqlite, READ_ONLY)")
    started = time.perf_counter()
    for statement in DUCK_SQL.format(as_of=AS_OF.strftime("%Y-%m-%d %H:%M:%S")).split(";"):
        if statement.strip():
            con.execute(statement).fetchall()
    return time.perf_counter() - started


def _engine_choice(app: Any, choice: str) -> Any:
    """Return the app with ``[assess] engine`` set to ``choice``."""
    from goodterms.app import Goodterms

    settings = app.settings.model_copy(
        update={"assess": app.settings.assess.model_copy(update={"engine": choice})}
    )
    return Goodterms(settings, app.engine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/gt_bench_assess.db"))
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument(
        "--message-text",
        action="store_true",
        help="Generate messages with 200-1,000 characters of text each.",
    )
    parser.add_argument("--duckdb-only", action="store_true", help="Only time the DuckDB aggregates.")
    parser.add_argument("--skip-trend", action="store_true", help="Skip the full run with the monthly trend.")
    parser.add_argument(
        "--skip-sqlite", action="store_true", help="Skip the run aggregated by SQLite itself."
    )
    parser.add_argument("--stored-only", action="store_true", help="Only time the stored assessments.")
    args = parser.parse_args()
    if args.generate_only:
        started = time.perf_counter()
        records = generate(args.db, args.clients, message_text=args.message_text)
        print(
            f"generated {records:,} records for {args.clients:,} clients in {time.perf_counter() - started:.0f} s"
        )
        return
    if args.duckdb_only:
        print(f"duckdb per-client aggregates over the same file: {duckdb_aggregates(args.db):.2f} s")
        return
    if not args.db.exists():
        subprocess.run([sys.executable, __file__, "--generate-only", "--clients", str(args.clients), "--db", str(args.db),
                        *(["--message-text"] if args.message_text else [])], check=True)  # fmt: skip

    from sqlalchemy import text

    from goodterms.app import Goodterms
    from goodterms.assess import service
    from goodterms.assess.service import assess
    from goodterms.ledger.db import make_engine, migrate
    from goodterms.ledger.importing import import_event_dicts
    from goodterms.settings import Settings

    engine = make_engine(f"sqlite:///{args.db}")
    migrate(engine)  # a ledger generated by an earlier version gains the tables added since
    with engine.connect() as conn:
        tables = ["contacts", "requests", "replies", "work_logs", "invoices", "payments", "deliveries", "approval_asks", "approval_answers", "concessions", "staff_notes"]  # fmt: skip
        records = sum(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables)
    app = Goodterms(Settings(), engine)
    print(f"ledger: {args.clients:,} clients, {records:,} records, {args.db.stat().st_size / 2**20:.0f} MiB")

    if args.stored_only:
        stored_figures(app)
        return
    phases: dict[str, float] = {}
    steps = {"load_facts": "aggregates", "load_facts_at": "aggregates", "load_evidence": "evidence"}
    for name, phase in steps.items():  # time the aggregate and the evidence steps of each run
        step = getattr(service, name)

        def timed(*a: object, _step: Any = step, _name: str = phase, **k: object) -> Any:
            begun = time.perf_counter()
            try:
                return _step(*a, **k)
            finally:
                phases[_name] = phases.get(_name, 0.0) + time.perf_counter() - begun

        setattr(service, name, timed)
    if not args.skip_sqlite:
        phases.clear()
        started = time.perf_counter()
        assess(app=_engine_choice(app, "database"), as_of=AS_OF, trend=False)
        sqlite_s, sqlite_agg = time.perf_counter() - started, phases["aggregates"]
        print(f"full assessment, no trend, aggregated by SQLite itself: {sqlite_s:.2f} s "
              f"(aggregates {sqlite_agg:.2f} s, evidence {phases['evidence']:.2f} s)")  # fmt: skip
    phases.clear()
    started = time.perf_counter()
    plain = assess(app=app, as_of=AS_OF, trend=False)
    full_s = time.perf_counter() - started
    agg_s, evidence_s = phases["aggregates"], phases["evidence"]
    flagged = sum(1 for c in plain.clients if c.flags)
    print(f"full assessment, no trend ([assess] engine = {app.settings.assess.engine}): {full_s:.2f} s "
          f"(aggregates {agg_s:.2f} s, evidence {evidence_s:.2f} s; {flagged:,} clients flagged, "
          f"{len(plain.business):,} slow_response findings)")  # fmt: skip
    if not args.skip_trend:
        phases.clear()
        started = time.perf_counter()
        assess(app=app, as_of=AS_OF, trend=True)
        trend_s = time.perf_counter() - started
        print(f"full assessment with {app.settings.assess.trend_months}-month trend: {trend_s:.2f} s "
              f"(aggregates, every month: {phases['aggregates']:.2f} s)")  # fmt: skip
    started = time.perf_counter()
    assess(app=app, trend=False)  # today: saves the portfolio medians for one-client runs
    print(f"full assessment today (saves medians): {time.perf_counter() - started:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak:.0f} MiB")

    timings = []
    for k in range(20):
        cid = f"c{1 + k * 37}"
        event = {"type": "contact", "id": f"bench-new-{k}-{time.time_ns()}", "client": cid,
                 "at": datetime.now(UTC).isoformat(), "channel": "email", "direction": "inbound", "tone": "neutral"}  # fmt: skip
        import_event_dicts(engine, [event])
        started = time.perf_counter()
        assess(app=app, client=cid)
        timings.append(time.perf_counter() - started)
    print(f"one client after a new record (with trend): median {1000 * float(np.median(timings)):.0f} ms, "
          f"max {1000 * max(timings):.0f} ms over {len(timings)} runs")  # fmt: skip
    timings = []
    for k in range(20):
        cid = f"c{2 + k * 41}"
        started = time.perf_counter()
        assess(app=app, client=cid, trend=False)
        timings.append(time.perf_counter() - started)
    print(f"one client, no trend: median {1000 * float(np.median(timings)):.0f} ms")

    duck_s = duckdb_aggregates(args.db)
    print(f"duckdb per-client aggregates over the same file: {duck_s:.2f} s; goodterms aggregates / duckdb = "
          f"{agg_s / duck_s:.1f}x; whole assessment (flags, evidence, advice) / duckdb = {full_s / duck_s:.1f}x")  # fmt: skip
    if not args.skip_sqlite:
        print(f"with SQLite aggregating: aggregates / duckdb = {sqlite_agg / duck_s:.1f}x, "
              f"whole assessment / duckdb = {sqlite_s / duck_s:.1f}x")  # fmt: skip


def stored_figures(app: Any) -> None:
    """Time the stored assessments' refreshes (they assess today, with the trend, without filling tone)."""
    from sqlalchemy import delete, select

    from goodterms.assess import store
    from goodterms.ledger import models as m
    from goodterms.ledger.importing import import_event_dicts

    with app.engine.begin() as conn:  # start from nothing stored (a rerun on the same file)
        stored = (
            m.AssessmentStale,
            m.AssessmentMonth,
            m.StoredAssessment,
            m.AssessmentPortfolio,
            m.AssessmentBusiness,
        )
        for model in stored:
            conn.execute(delete(model))
    started = time.perf_counter()
    n = store.refresh_all(app)
    print(f"refresh_all, nothing stored yet (every month of the trend computed): {time.perf_counter() - started:.2f} s "
          f"for {n:,} clients")  # fmt: skip
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        store.refresh_all(app)
        runs.append(time.perf_counter() - started)
    print(f"refresh_all with {app.settings.assess.trend_months}-month trend, closed months from stored history: "
          f"{', '.join(f'{r:.2f}' for r in runs)} s")  # fmt: skip
    from goodterms.assess.service import assess

    started = time.perf_counter()
    assess(app=app, fill=False, trend=False)
    plain = time.perf_counter() - started
    print(f"baseline, the same portfolio assessed on demand without trend: {plain:.2f} s "
          f"(refresh_all / baseline = {min(runs) / plain:.2f}x)")  # fmt: skip
    timings, stale = [], []
    with app.engine.connect() as conn:
        ids = dict(conn.execute(select(m.Client.ext_id, m.Client.id)).all())
    for k in range(20):
        cid = f"c{1 + k * 37}"
        event = {"type": "contact", "id": f"bench-stored-{k}-{time.time_ns()}", "client": cid,
                 "at": datetime.now(UTC).isoformat(), "channel": "email", "direction": "inbound", "tone": "neutral"}  # fmt: skip
        import_event_dicts(app.engine, [event])  # marks the client stale in the import's transaction
        started = time.perf_counter()
        store.refresh_client(app, ids[cid])
        timings.append(time.perf_counter() - started)
        import_event_dicts(app.engine, [{**event, "id": event["id"] + "b"}])
        started = time.perf_counter()
        store.refresh_stale(app)
        stale.append(time.perf_counter() - started)
    print(f"one client refreshed after a change (refresh_client, with trend): median "
          f"{1000 * float(np.median(timings)):.0f} ms, max {1000 * max(timings):.0f} ms over {len(timings)} runs; "
          f"refresh_stale with that one client stale: median {1000 * float(np.median(stale)):.0f} ms")  # fmt: skip
    started = time.perf_counter()
    store.read_all(app)
    print(f"read_all (every stored assessment with evidence): {time.perf_counter() - started:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
