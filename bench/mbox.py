"""Import a generated mbox of a given size and report time and peak memory.

    .venv/bin/python bench/mbox.py [--mb 212] [--keep PATH]

Writes an mbox of about ``--mb`` megabytes (plain-text and multipart messages from 50 clients'
domains, Thai and Estonian text, one in 20 from an unknown sender), imports it into a fresh SQLite
file and prints messages/s and the peak memory (max RSS) of this process before and after. Run it
under ``/usr/bin/time -v`` for the same figure from outside. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from goodterms.ledger.db import make_engine, migrate
from goodterms.ledger.importing import import_event_dicts, import_path

CLIENTS = 50
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
BODY = ("รบกวนถอดเทปไฟล์นี้ด้วยค่ะ ขอบคุณมากค่ะ\nTere, palun saatke arve.\n" * 40).encode()


def message(i: int) -> bytes:
    """Return one mbox entry (From_ line included), about 4 to 8 KB."""
    at = T0 + timedelta(minutes=7 * i)
    sender = f"user{i % 7}@client{i % CLIENTS}.example" if i % 20 else f"stranger{i}@elsewhere.example"
    head = (
        f"From {sender} {at:%a %b %d %H:%M:%S %Y}\n"
        f"From: Person {i} <{sender}>\nTo: desk@bench.example\nSubject: Request {i}\n"
        f"Date: {at:%a, %d %b %Y %H:%M:%S +0000}\nMessage-ID: <m{i}@bench.example>\nMIME-Version: 1.0\n"
    ).encode()
    if i % 2:
        return head + b"Content-Type: text/plain; charset=utf-8\n\n" + BODY + b"\n"
    return (
        head
        + b'Content-Type: multipart/alternative; boundary="b"\n\n--b\n'
        + b"Content-Type: text/plain; charset=utf-8\n\n"
        + BODY
        + b"\n--b\nContent-Type: text/html; charset=utf-8\n\n<p>"
        + BODY
        + b"</p>\n--b--\n\n"
    )


def write_mbox(path: Path, megabytes: float) -> int:
    target = int(megabytes * 1024 * 1024)
    n = 0
    with path.open("wb") as fh:
        while fh.tell() < target:
            fh.write(message(n))
            n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=212.0, help="size of the generated mbox in MB")
    parser.add_argument("--keep", type=Path, help="write the mbox here (and reuse it if it exists)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        box = args.keep or work / "bench.mbox"
        count = write_mbox(box, args.mb) if not box.exists() else None
        engine = make_engine(f"sqlite:///{work / 'bench.db'}")
        migrate(engine)
        clients = [
            {"type": "client", "id": f"c{c}", "name": f"Client {c}", "domains": [f"client{c}.example"]}
            for c in range(CLIENTS)
        ]
        import_event_dicts(engine, [{"type": "business", "id": "b", "name": "Bench"}, *clients])
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        result = import_path(engine, box, business_email="desk@bench.example")
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        total = result.counts.total + len(result.unmatched)
        json.dump(
            {
                "mbox_mb": round(box.stat().st_size / 1024 / 1024, 1),
                "messages": count if count is not None else total,
                "stored": result.counts.inserted,
                "unmatched": len(result.unmatched),
                "seconds": round(seconds, 1),
                "messages_per_s": round(total / seconds),
                "max_rss_mb_before_import": round(rss_before),
                "max_rss_mb_peak": round(peak),
            },
            sys.stdout,
            indent=2,
        )
        print()
        engine.dispose()


if __name__ == "__main__":
    main()
