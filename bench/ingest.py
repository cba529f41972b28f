"""Import N generated ledger events and compare with a raw sqlite3.executemany of the same rows.

    .venv/bin/python bench/ingest.py [--events 1000000] [--db URL]

Prints events/s, peak memory (max RSS of this process) and the ratio against the raw insert,
both measured in this run on this machine. With ``--db postgresql+psycopg://...`` it imports into
that database instead (the raw baseline stays SQLite).
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from goodterms.ledger.db import make_engine, migrate
from goodterms.ledger.importing import import_jsonl

CLIENTS = 1000
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def events(n: int):  # type: ignore[no-untyped-def]
    """Yield n events: clients first, then contacts, requests and work logs."""
    yield {"type": "business", "id": "b", "name": "Bench Co", "timezone": "Asia/Bangkok"}
    for c in range(CLIENTS):
        yield {"type": "client", "id": f"c{c}", "name": f"Client {c}", "language": "th"}
    for i in range(n - CLIENTS - 1):
        c = f"c{i % CLIENTS}"
        at = (T0 + timedelta(seconds=37 * i)).isoformat()
        kind = i % 10
        if kind < 7:
            yield {
                "type": "contact",
                "id": f"k{i}",
                "client": c,
                "at": at,
                "channel": "email",
                "direction": "inbound",
                "subject": "Transcript request",
                "text": "รบกวนถอดเทปไฟล์นี้ด้วยค่ะ",
            }
        elif kind < 9:
            yield {"type": "work", "id": f"w{i}", "client": c, "at": at, "minutes": 45, "billable": True}
        else:
            yield {"type": "request", "id": f"r{i}", "client": c, "at": at, "subject": "Transcript"}


def raw_baseline(n: int, workdir: Path) -> float:
    """Insert the same rows with sqlite3.executemany into the same (migrated) tables."""
    path = workdir / "raw.db"
    migrate(make_engine(f"sqlite:///{path}"))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    start = time.perf_counter()
    conn.execute(
        "INSERT INTO business (ext_id, name, timezone, currency, language, hours, holidays) "
        "VALUES ('b', 'Bench Co', 'Asia/Bangkok', 'EUR', 'en', '{}', '[]')"
    )
    conn.executemany(
        "INSERT INTO clients (id, ext_id, name, language, timezone, currency, emails, phones, domains, rate_unit,"
        " payment_terms_days, status, prospect) VALUES (?, ?, ?, 'th', 'UTC', 'EUR', '[]', '[]', '[]', 'hour', 14,"
        " 'active', 0)",
        [(c + 1, f"c{c}", f"Client {c}") for c in range(CLIENTS)],
    )
    contacts, work, requests = [], [], []
    for i in range(n - CLIENTS - 1):
        cid = i % CLIENTS + 1
        at = (T0 + timedelta(seconds=37 * i)).replace(tzinfo=None).isoformat(sep=" ")
        kind = i % 10
        if kind < 7:
            contacts.append((f"k{i}", cid, at, "Transcript request", "รบกวนถอดเทปไฟล์นี้ด้วยค่ะ"))
        elif kind < 9:
            work.append((f"w{i}", cid, at))
        else:
            requests.append((f"r{i}", cid, at))
        if len(contacts) >= 50_000 or i == n - CLIENTS - 2:
            conn.executemany(
                "INSERT INTO contacts (ext_id, client_id, at, channel, direction, answered, duration_s, subject, text)"
                " VALUES (?, ?, ?, 'email', 'inbound', 1, 0, ?, ?)",
                contacts,
            )
            conn.executemany(
                "INSERT INTO work_logs (ext_id, client_id, at, minutes, billable) VALUES (?, ?, ?, 45, 1)",
                work,
            )
            conn.executemany(
                "INSERT INTO requests (ext_id, client_id, at, subject, text, kind, status, priority, chases)"
                " VALUES (?, ?, ?, 'Transcript', '', 'general', 'open', 0, 0)",
                requests,
            )
            contacts, work, requests = [], [], []
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "events.jsonl"
        with source.open("w", encoding="utf-8") as fh:
            for event in events(args.events):
                fh.write(json.dumps(event, ensure_ascii=False) + "\n")
        size_mb = source.stat().st_size / 1e6
        url = args.db or f"sqlite:///{work / 'goodterms.db'}"
        engine = make_engine(url)
        migrate(engine)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        result = import_jsonl(engine, source)
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert result.counts.inserted == args.events, result.counts
        again_start = time.perf_counter()
        again = import_jsonl(engine, source)
        again_elapsed = time.perf_counter() - again_start
        assert again.counts.unchanged == args.events
        raw = raw_baseline(args.events, work)
        rate = args.events / elapsed
        print(f"backend            {engine.dialect.name}")
        print(f"events             {args.events:,} ({size_mb:.0f} MB of JSON Lines)")
        print(f"goodterms import   {elapsed:.1f} s = {rate:,.0f} events/s")
        print(f"re-import (no-op)  {again_elapsed:.1f} s = {args.events / again_elapsed:,.0f} events/s")
        print(f"raw executemany    {raw:.1f} s = {args.events / raw:,.0f} rows/s (SQLite, same tables)")
        print(f"ratio              {elapsed / raw:.2f}x the raw insert")
        print(f"peak memory        {peak:.0f} MB max RSS (before import: {rss_before:.0f} MB)")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
