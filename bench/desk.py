"""Push new requests through the desk's intake path with many requests already stored.

    .venv/bin/python bench/desk.py [--stored 200000] [--new 20000] [--clients 20000] [--db URL]

Each new message is raw RFC 822 bytes and goes through the whole path, timed per request:
parse, analyse (goodterms.text), match the client, thread, find repeats among the client's
open requests, store request + contact, queue the acknowledgement in the outbox (one commit).
A fifth of the new messages repeat one of the client's open requests (reworded, or "any news?"
in the client's language); recall is how many of those were folded into the right request.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import insert, text

from goodterms.app import Goodterms
from goodterms.desk.intake import DeskContext, receive
from goodterms.ledger import models as m
from goodterms.ledger.importers.mail import parse_mail

T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
TOPICS = {
    "en": [
        "Please transcribe the {n} minute interview recording about {w} for our newsletter",
        "Could you send a quote for translating the {w} contract of {n} pages",
        "The invoice {n} for {w} has the wrong VAT number, please correct it",
        "We need the {w} board meeting minutes from recording {n} by Friday",
    ],
    "et": [
        "Palun transkribeerige {n} minuti pikkune intervjuu teemal {w}",
        "Palun saatke hinnapakkumine {w} lepingu tõlkimiseks, {n} lehekülge",
        "Arve {n} teemal {w} on vale käibemaksunumbriga, palun parandage",
        "Vajame {w} koosoleku protokolli salvestisest {n} reedeks",
    ],
    "th": [
        "รบกวนถอดเทปสัมภาษณ์ความยาว {n} นาทีเรื่อง{w}ให้หน่อยค่ะ",
        "ขอใบเสนอราคาแปลสัญญา{w}จำนวน {n} หน้าค่ะ",
        "ใบแจ้งหนี้เลขที่ {n} เรื่อง{w}เลขภาษีไม่ถูกต้อง รบกวนแก้ไขด้วยค่ะ",
        "ต้องการรายงานการประชุม{w}จากไฟล์เสียง {n} ภายในวันศุกร์",
    ],
}
WORDS = {
    "en": ["marketing", "payroll", "warehouse", "clinic", "audit", "pricing", "logistics", "training"],
    "et": ["turundus", "palgaarvestus", "ladu", "kliinik", "audit", "hinnastamine", "logistika", "koolitus"],
    "th": ["การตลาด", "เงินเดือน", "คลังสินค้า", "คลินิก", "ตรวจสอบบัญชี", "ราคา", "โลจิสติกส์", "ฝึกอบรม"],
}
CHASES = {
    "en": "Hello, any news on my request?",
    "et": "Tere, kas on uudiseid?",
    "th": "สวัสดีค่ะ มีความคืบหน้าไหมคะ",
}
REWORD = {
    "en": "Hello again, {t}. Thank you",
    "et": "Tere jälle, {t}. Aitäh",
    "th": "สวัสดีอีกครั้งค่ะ {t} ขอบคุณค่ะ",
}
LANGS = ("th", "et", "en")


def request_text(rng: random.Random, lang: str) -> str:
    return rng.choice(TOPICS[lang]).format(n=rng.randint(2, 999), w=rng.choice(WORDS[lang]))


def seed(
    gt: Goodterms, stored: int, clients: int, rng: random.Random
) -> dict[int, list[tuple[int, str, str]]]:
    """Bulk-insert clients and stored requests; return each client's open requests (id, subject, text)."""
    hours = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    with gt.engine.begin() as conn:
        conn.execute(
            insert(m.Business),
            [
                {
                    "ext_id": "b",
                    "name": "Bench Co",
                    "timezone": "Asia/Bangkok",
                    "email": "desk@bench.example",
                    "hours": hours,
                    "holidays": [],
                    "currency": "THB",
                    "language": "en",
                }
            ],
        )
        conn.execute(
            insert(m.Client),
            [
                {
                    "ext_id": f"c{c}",
                    "name": f"Client {c}",
                    "language": LANGS[c % 3],
                    "timezone": "Asia/Bangkok",
                    "currency": "THB",
                    "emails": [f"client{c}@example{c % 97}.com"],
                    "phones": [],
                    "domains": [],
                    "rate_unit": "hour",
                    "payment_terms_days": 14,
                    "status": "active",
                    "prospect": False,
                }
                for c in range(clients)
            ],
        )
        ids = dict(conn.execute(text("select ext_id, id from clients")).all())
    open_by_client: dict[int, list[tuple[int, str, str]]] = {}
    rows = []
    for i in range(stored):
        c = i % clients
        lang = LANGS[c % 3]
        body = request_text(rng, lang)
        at = T0 + timedelta(minutes=3 * i)
        is_open = i >= stored - 2 * clients  # the two latest requests of each client are open
        rows.append(
            {
                "ext_id": f"r{i}",
                "client_id": ids[f"c{c}"],
                "at": at,
                "subject": body[:40],
                "text": body,
                "kind": "email",
                "promised_at": at + timedelta(hours=4),
                "status": "open" if is_open else "answered",
                "priority": 0,
                "chases": 0,
                "reference": f"GT-B{i:07d}",
            }
        )
    with gt.engine.begin() as conn:
        for start in range(0, len(rows), 20000):
            conn.execute(insert(m.Request), rows[start : start + 20000])
        for rid, cid, subject, body in conn.execute(
            text(
                "select r.id, c.ext_id, r.subject, r.text from requests r join clients c on c.id = r.client_id "
                "where r.status = 'open'"
            )
        ):
            open_by_client.setdefault(int(cid[1:]), []).append((rid, subject, body))
    return open_by_client


def message(c: int, subject: str, body: str, n: int, at: datetime) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Client {c} <client{c}@example{c % 97}.com>"
    msg["To"] = "desk@bench.example"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<bench{n}@example{c % 97}.com>"
    msg["Date"] = format_datetime(at)
    msg.set_content(body)
    return msg.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=200_000)
    parser.add_argument("--new", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--threshold", type=float, default=None, help="Override desk.repeat_threshold.")
    args = parser.parse_args()
    rng = random.Random(5)
    workdir = Path(tempfile.mkdtemp(prefix="gt-bench-desk-"))
    gt = Goodterms.open(args.db or f"sqlite:///{workdir / 'desk.db'}", str(workdir / "none.toml"))
    started = time.perf_counter()
    open_by_client = seed(gt, args.stored, args.clients, rng)
    seed_s = time.perf_counter() - started
    ctx = DeskContext.of(gt)
    if args.threshold is not None:
        ctx.desk = ctx.desk.model_copy(update={"repeat_threshold": args.threshold})
    latencies: list[float] = []
    expected_repeats = found_repeats = false_folds = 0
    now = datetime.now(UTC)
    wall = time.perf_counter()
    for n in range(args.new):
        c = rng.randrange(args.clients)
        lang = LANGS[c % 3]
        target = None
        if n % 5 == 0 and open_by_client.get(c):
            target, subject, body = rng.choice(open_by_client[c])
            if n % 10 == 0:
                subject, body = "Re: " + subject, CHASES[lang]
            else:
                words = body.split(" ")
                body = REWORD[lang].format(t=" ".join(words[: max(3, len(words) - 1)]))
            expected_repeats += 1
        else:
            # A genuinely new request: a topic this client has no open request about.
            used = {b.split(" ")[0] for _, _, b in open_by_client.get(c, [])}
            body = request_text(rng, lang)
            for _ in range(10):
                if body.split(" ")[0] not in used:
                    break
                body = request_text(rng, lang)
            subject = body[:40]
        raw = message(c, subject, body, n, now - timedelta(seconds=args.new - n))
        t = time.perf_counter()
        result = receive(app=gt, mail=parse_mail(raw), context=ctx)
        latencies.append(time.perf_counter() - t)
        if target is not None:
            found_repeats += result.outcome == "repeat" and result.request_id == target
        else:
            false_folds += result.outcome == "repeat"
            if result.request_id is not None:
                open_by_client.setdefault(c, []).append((result.request_id, subject, body))
    total = time.perf_counter() - wall
    latencies.sort()
    report = {
        "stored_requests": args.stored,
        "new_messages": args.new,
        "clients": args.clients,
        "seed_s": round(seed_s, 1),
        "throughput_per_s": round(args.new / total, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 2),
        "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 2),
        "max_ms": round(1000 * latencies[-1], 2),
        "repeat_recall": round(found_repeats / max(1, expected_repeats), 4),
        "generated_repeats": expected_repeats,
        "new_folded_by_mistake": false_folds,
        "repeat_threshold": ctx.desk.repeat_threshold,
        "database": gt.engine.url.get_backend_name(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
