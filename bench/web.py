"""Time the web app: server time of the portfolio and client pages, then a bounded load on 127.0.0.1.

    .venv/bin/python bench/web.py [--clients 10000] [--big 50000] [--users 50] [--duration 60] [--db URL]
                                  [--web-workers 4] [--think 1.0] [--refresh-while]

Builds a ledger (``--clients`` clients with a few contacts, requests and invoices each, and one
client with ``--big`` contacts), then:

1. server time, in process (httpx ASGI transport, no network): the portfolio page at many
   pages, sorts and searches, the home page for the day and its JSON twin, and the big client's
   page and JSON twin; p50/p95 per page;
2. a bounded load: ``goodterms serve`` in a subprocess on 127.0.0.1, ``--users`` concurrent
   users (bearer token) for ``--duration`` seconds over portfolio, today, client and desk pages;
   requests, p50/p95 latency and the error count. Twice: first with no pause between pages (``load``,
   the stress figure: closed loop, zero think time), then with each user pausing ``--think`` seconds
   (0.5-1.5x at random) between pages as a person reading would (``load_think``; ``--think 0`` skips it).
   Before the load each process reads the stored assessments once and makes the day's follow-up plan
   (its first home page of the day); both are timed apart (``server_warmup_s``, ``first_today_per_process_s``).

Prints one JSON object. The assessment's first (cold) run over the whole portfolio is timed
separately: it is the first read that stores the assessment (``StoredAssessments``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from goodterms.app import Goodterms
from goodterms.ledger import models as m
from goodterms.web.accounts import add_user, create_token
from goodterms.web.app import create_app

T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
LANGS = ("en", "th", "et")


def build(gt: Goodterms, *, clients: int, big: int, business: bool = True) -> None:
    """Fill an empty ledger quickly with bulk inserts (``business``: its business record too)."""
    rng = random.Random(7)
    with gt.engine.begin() as conn:
        if business:
            conn.execute(
                insert(m.Business),
                [
                    {
                        "ext_id": "biz",
                        "name": "Bench Co",
                        "timezone": "Asia/Bangkok",
                        "currency": "THB",
                        "hours": {},
                        "holidays": [],
                    }
                ],
            )
        conn.execute(
            insert(m.Client),
            [
                {
                    "ext_id": f"c{i:05d}",
                    "name": f"Client {i:05d} {('Õunapuu', 'สยาม', 'Northwind')[i % 3]}",
                    "language": LANGS[i % 3],
                    "emails": [],
                    "phones": [],
                    "domains": [],
                    "status": "active" if i % 7 else "paused",
                }
                for i in range(clients)
            ],
        )
        ids = dict(
            conn.execute(m.Client.__table__.select().with_only_columns(m.Client.ext_id, m.Client.id)).all()
        )
        contacts = []
        n = 0
        for i in range(clients):
            for _ in range(3):
                n += 1
                contacts.append(
                    {
                        "ext_id": f"k{n}",
                        "client_id": ids[f"c{i:05d}"],
                        "at": T0 + timedelta(hours=rng.randint(0, 24 * 120)),
                        "channel": rng.choice(("email", "call", "chat")),
                        "direction": "inbound",
                        "subject": "question",
                        "text": "Hello, could you check this please?",
                    }
                )
        big_id = ids["c00000"]
        for j in range(big):
            n += 1
            contacts.append(
                {
                    "ext_id": f"k{n}",
                    "client_id": big_id,
                    "at": T0 + timedelta(minutes=rng.randint(0, 60 * 24 * 300)),
                    "channel": rng.choice(("email", "call", "chat", "sms")),
                    "direction": rng.choice(("inbound", "outbound")),
                    "subject": f"message {j}",
                    "text": "ขอบคุณครับ" if j % 2 else "Tere, kas on uudiseid?",
                }
            )
        for start in range(0, len(contacts), 20000):
            conn.execute(insert(m.Contact), contacts[start : start + 20000])
        conn.execute(
            insert(m.Request),
            [
                {
                    "ext_id": f"r{i}",
                    "client_id": ids[f"c{i:05d}"],
                    "at": T0 + timedelta(days=100),
                    "subject": "Please fix the report",
                    "text": "",
                    "status": "open",
                    "promised_at": T0 + timedelta(days=101),
                }
                for i in range(0, clients, 10)
            ],
        )
        conn.execute(
            insert(m.Invoice),
            [
                {
                    "ext_id": f"i{i}",
                    "client_id": ids[f"c{i:05d}"],
                    "number": f"INV-{i}",
                    "issued": date(2026, 2, 1),
                    "due": date(2026, 2, 15),
                    "amount": Decimal("1500.00"),
                    "currency": "THB",
                }
                for i in range(0, clients, 2)
            ],
        )


def pct(values: list[float], q: float) -> float:
    """Return the q-quantile (0..1) in milliseconds, rounded."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": pct(values, 0.5),
        "p95_ms": pct(values, 0.95),
        "max_ms": round(max(values) * 1000, 1),
    }


async def server_times(gt: Goodterms, token: str, clients: int) -> dict[str, Any]:
    app = create_app(gt)
    auth = {"Authorization": f"Bearer {token}"}
    out: dict[str, Any] = {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench", headers=auth
    ) as http:
        started = time.perf_counter()
        assert (await http.get("/api/portfolio")).status_code == 200
        out["first_portfolio_with_cold_assessment_s"] = round(time.perf_counter() - started, 2)
        pages = max(1, clients // 50)
        variants = [
            {"page": random.randint(1, pages)},
            {"sort": "health", "page": random.randint(1, pages)},
            {"sort": "contacts", "desc": "true"},
            {"sort": "amount_due", "desc": "true", "page": 3},
            {"q": "õunapuu"},
            {"q": "สยาม", "page": 2},
            {"status": "paused"},
        ]
        for path in ("/portfolio", "/api/portfolio"):
            times = []
            for i in range(70):
                t = time.perf_counter()
                r = await http.get(path, params=variants[i % len(variants)])
                times.append(time.perf_counter() - t)
                assert r.status_code == 200, r.text[:200]
            out[f"portfolio {path}"] = summary(times)
        for label, path in (
            ("today", "/today"),  # the home page: due requests, follow-ups, our lateness
            ("today", "/api/today"),
            ("client", "/clients/c00000"),
            ("client", "/api/clients/c00000"),
            ("client", "/clients/c00000?type=contact&channel=call"),
        ):
            times = []
            for _ in range(30):
                t = time.perf_counter()
                r = await http.get(path)
                times.append(time.perf_counter() - t)
                assert r.status_code == 200, r.text[:200]
            out[f"{label} {path}"] = summary(times)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(
    bases: list[str], token: str, *, users: int, duration: float, clients: int, think: float = 0.0
) -> dict[str, Any]:
    """Put ``users`` on the servers for ``duration`` seconds; each pauses ``think`` seconds (0.5–1.5×, at
    random) between pages like a person reading, or none at all (``think`` 0: the stress figure)."""
    latencies: list[float] = []
    errors = 0
    end = time.monotonic() + duration
    paths = ["/portfolio", "/api/portfolio", "/desk", "/api/desk", "/today", "/api/today"]

    async def user(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(
            base_url=bases[seed % len(bases)],
            headers={"Authorization": f"Bearer {token}"},
            limits=limits,
            timeout=30,
        ) as http:
            while time.monotonic() < end:
                pick = rng.random()
                if pick < 0.3:
                    url = f"/clients/c{rng.randint(1, clients - 1):05d}"
                else:
                    url = rng.choice(paths) + (
                        f"?page={rng.randint(1, max(1, clients // 50))}" if pick < 0.6 else ""
                    )
                t = time.perf_counter()
                try:
                    r = await http.get(url)
                    if r.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - t)
                if think > 0:
                    await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    started = time.monotonic()
    await asyncio.gather(*(user(i) for i in range(users)))
    took = time.monotonic() - started
    return {
        "users": users,
        "think_s": think,
        "duration_s": round(took, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / took, 1),
        "errors": errors,
        **summary(latencies),
    }


def start_refresher(url: str, *, out: Any, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Re-assess the whole portfolio over and over in another process, as workers do on a schedule;
    it writes ``refresh_all N clients S s`` to ``out`` after each (``bench/scale.py`` reads them)."""
    loop = (
        "import time\n"
        "from goodterms.app import Goodterms\n"
        "from goodterms.assess.store import refresh_all\n"
        f"gt = Goodterms.open({url!r})\n"
        "while True:\n"
        "    t = time.perf_counter(); n = refresh_all(gt)\n"
        "    print(f'refresh_all {n} clients {time.perf_counter() - t:.1f} s', flush=True)\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", loop], env=env or {**os.environ}, stdout=out, stderr=subprocess.STDOUT
    )


def _start(cmd: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})


def serve_and_load(args: argparse.Namespace, url: str, token: str) -> dict[str, Any]:
    """Serve with ``--web-workers`` processes reading the stored assessments and put the users on them."""
    out: dict[str, Any] = {"web_workers": args.web_workers, "refresh_while": args.refresh_while}
    cli = [sys.executable, "-c", "from goodterms.cli import app; app()", "--db", url]
    ports = [free_port() for _ in range(args.web_workers)]
    servers = [_start([*cli, "serve", "--no-refresh", "--port", str(p)]) for p in ports]
    refresher = None
    try:
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        t = time.perf_counter()
        for base in bases:
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            # The first read of a process (the very first stores everyone when nothing is stored yet).
            httpx.get(f"{base}/api/portfolio", headers={"Authorization": f"Bearer {token}"}, timeout=600)
        out["server_warmup_s"] = round(time.perf_counter() - t, 1)
        # Each process's first home page of the day plans the day's follow-ups over every client (then
        # kept, docs/web.md): timed here, once per process, and not inside the load's figures.
        t = time.perf_counter()
        for base in bases:
            httpx.get(f"{base}/api/today", headers={"Authorization": f"Bearer {token}"}, timeout=600)
        out["first_today_per_process_s"] = round((time.perf_counter() - t) / len(bases), 2)
        if args.refresh_while:
            refresher = start_refresher(url, out=sys.stderr)  # its lines beside this JSON, not in it
        out["load"] = asyncio.run(  # the stress figure: no pause between pages
            load(bases, token, users=args.users, duration=args.duration, clients=args.clients)
        )
        if args.think > 0:  # people reading each page before the next
            out["load_think"] = asyncio.run(
                load(
                    bases,
                    token,
                    users=args.users,
                    duration=args.duration,
                    clients=args.clients,
                    think=args.think,
                )
            )
    finally:
        for proc in [*servers, *([refresher] if refresher is not None else [])]:
            proc.terminate()
            proc.wait(timeout=60)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument(
        "--web-workers",
        type=int,
        default=1,
        help="web processes (`goodterms serve --no-refresh`, each on its own port) the users are spread over",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="after the zero-think load, a second one in which each user pauses this many seconds"
        " (0.5-1.5x at random) between pages; 0 skips it",
    )
    parser.add_argument(
        "--refresh-while",
        action="store_true",
        help="re-assess the whole portfolio over and over in another process during the load (as workers do)",
    )
    args = parser.parse_args()
    load_before = [round(x, 2) for x in os.getloadavg()]  # others' work on this machine (2 cores, shared)
    folder = tempfile.mkdtemp(prefix="gt-bench-web-")
    url = args.db or f"sqlite:///{Path(folder) / 'bench.db'}"
    gt = Goodterms.open(url)
    t = time.perf_counter()
    build(gt, clients=args.clients, big=args.big)
    add_user(engine=gt.engine, email="owner@bench.example", role="owner", password="bench password 1")
    token = create_token(engine=gt.engine, email="owner@bench.example")
    result: dict[str, Any] = {
        "clients": args.clients,
        "big_client_contacts": args.big,
        "build_s": round(time.perf_counter() - t, 1),
    }
    result["server_time"] = asyncio.run(server_times(gt, token, args.clients))
    if args.duration > 0:
        result.update(serve_and_load(args, url, token))
    result["cpu_count"] = os.cpu_count()
    result["load_average_before_after"] = [load_before, [round(x, 2) for x in os.getloadavg()]]
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
