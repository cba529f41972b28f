"""Bench the parting packet and the follow-up plan at size (not a test: prints measured figures).

    .venv/bin/python bench/part.py            # both benches, figures on stdout
    .venv/bin/python bench/part.py packet     # the packet for one client with 50,000 contacts
    .venv/bin/python bench/part.py plan       # followup plan over 10,000 clients
    .venv/bin/python bench/part.py plan --with-assessment   # also with goodterms.assess flags

Each measured step runs in a child process so that its peak memory (max RSS) is its own.
Targets: packet under 15 s and 500 MB; plan under 10 s.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from goodterms.app import Goodterms
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts

START = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)
THAI = ["ทำไมงานยังไม่เสร็จ", "ขอบคุณมากค่ะ", "ช่วยส่งไฟล์ด่วน", "ขอส่วนลดได้ไหม", "โทรกลับด้วย"]
TONES = ["polite", "neutral", "frustrated", "hostile"]


def _business() -> dict[str, object]:
    hours = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    return {"type": "business", "id": "biz", "name": "Siam Scribe Co.", "timezone": "Asia/Bangkok",
            "currency": "THB", "email": "desk@siamscribe.example", "hours": hours}  # fmt: skip


def seed_packet(db: str, contacts: int) -> None:
    app = Goodterms.open(db, "/nonexistent/goodterms.toml")
    import_event_dicts(app.engine, [_business(), {"type": "client", "id": "big", "name": "บริษัท ใหญ่ จำกัด",
                       "language": "th", "timezone": "Asia/Bangkok", "currency": "THB", "emails": ["big@example.com"]}])  # fmt: skip
    rnd = random.Random(7)
    with app.sessions() as s:
        cid = s.query(m.Client.id).filter(m.Client.ext_id == "big").scalar()
        rows = []
        for i in range(contacts):
            inbound = rnd.random() < 0.6
            rows.append({
                "ext_id": f"k{i}", "client_id": cid, "at": START + timedelta(minutes=20 * i + rnd.randint(0, 15)),
                "channel": rnd.choice(["call", "email", "sms", "voicemail"]),
                "direction": "inbound" if inbound else "outbound", "answered": True,
                "duration_s": rnd.randint(0, 900), "subject": f"เรื่องที่ {i}",
                "text": rnd.choice(THAI) * rnd.randint(1, 5) if inbound else None,
                "tone": rnd.choice(TONES) if inbound else None,
                "problem": "งานล่าช้า" if inbound and i % 7 == 0 else None,
                "response": "ส่งไฟล์แล้ว" if not inbound and i % 5 == 0 else None,
            })  # fmt: skip
        for start in range(0, len(rows), 5000):
            s.execute(insert(m.Contact), rows[start : start + 5000])
        s.execute(insert(m.Delivery), [
            {"ext_id": f"d{i}", "client_id": cid, "at": START + timedelta(days=i), "title": f"ถอดความเทป {i}",
             "hours": Decimal("2.50")} for i in range(0, 600)])  # fmt: skip
        for i in range(24):
            due = date(2024, 7, 1) + timedelta(days=30 * i)
            inv = m.Invoice(ext_id=f"i{i}", client_id=cid, number=f"INV-{i:03d}", issued=due - timedelta(days=14),
                            due=due, amount=Decimal("25000.00"), currency="THB")  # fmt: skip
            s.add(inv)
            s.flush()
            if i < 22:
                paid_at = datetime.combine(due + timedelta(days=i), datetime.min.time(), tzinfo=UTC)
                s.add(m.Payment(ext_id=f"p{i}", invoice_id=inv.id, at=paid_at, amount=Decimal("25000.00")))
        for i in range(5):
            s.add(
                m.Account(
                    ext_id=f"a{i}", client_id=cid, service=f"Service {i}", handle=f"big{i}", access="admin"
                )
            )
        s.commit()


def seed_portfolio(db: str, clients: int) -> None:
    app = Goodterms.open(db, "/nonexistent/goodterms.toml")
    import_event_dicts(app.engine, [_business()])
    rnd = random.Random(11)
    langs = ["th", "et", "en"]
    with app.sessions() as s:
        s.execute(insert(m.Client), [
            {"ext_id": f"c{i}", "name": f"Client {i}", "language": langs[i % 3], "timezone": "Asia/Bangkok",
             "currency": "THB", "emails": [f"c{i}@example.com"], "phones": [], "domains": [], "status": "active",
             "rate_unit": "hour", "payment_terms_days": 14, "prospect": False}
            for i in range(clients)])  # fmt: skip
        ids = dict(s.query(m.Client.ext_id, m.Client.id).all())
        invoices, asks = [], []
        for i in range(clients):
            for k in range(12):
                due = date(2025, 4, 1) + timedelta(days=30 * k)
                invoices.append({"ext_id": f"c{i}-i{k}", "client_id": ids[f"c{i}"], "number": f"{i}-{k}",
                                 "issued": due - timedelta(days=14), "due": due, "amount": Decimal("1000.00"),
                                 "currency": "THB", "disputed": False})  # fmt: skip
            if i % 4 == 0:
                asks.append({"ext_id": f"c{i}-a", "client_id": ids[f"c{i}"], "kind": "approval", "subject": "post",
                             "round": 1, "at": datetime(2026, 3, 1, tzinfo=UTC)})  # fmt: skip
        for start in range(0, len(invoices), 5000):
            s.execute(insert(m.Invoice), invoices[start : start + 5000])
        inv_ids = dict(s.query(m.Invoice.ext_id, m.Invoice.id).all())
        payments = [
            {"ext_id": f"p-{ext}", "invoice_id": iid, "amount": Decimal("1000.00"),
             "at": datetime(2026, 3, 31, tzinfo=UTC) - timedelta(days=rnd.randint(0, 400))}
            for ext, iid in inv_ids.items() if rnd.random() < 0.85
        ]  # fmt: skip
        for start in range(0, len(payments), 5000):
            s.execute(insert(m.Payment), payments[start : start + 5000])
        s.execute(insert(m.ApprovalAsk), asks)
        s.commit()


def run_packet(db: str, out: str) -> None:
    from goodterms.reports.packet import build_packet

    app = Goodterms.open(db, "/nonexistent/goodterms.toml")
    t = time.perf_counter()
    packet = build_packet(app=app, client="big", out=Path(out), as_of=date(2026, 5, 1))
    took = time.perf_counter() - t
    size = sum(p.stat().st_size for p in packet.files.values())
    print(
        f"packet: {took:.2f} s in-process, peak RSS {_rss():.0f} MB, {len(packet.files)} files, {size / 1e6:.1f} MB"
    )


def run_plan(db: str, with_assessment: bool = False) -> None:
    from goodterms.handling.followup import plan

    app = Goodterms.open(db, "/nonexistent/goodterms.toml")
    t = time.perf_counter()
    # flags=None asks goodterms.assess for boundaries flags, as `goodterms followup plan` does
    items = plan(app=app, as_of=date(2026, 4, 20), flags=None if with_assessment else {})
    took = time.perf_counter() - t
    rules: dict[str, int] = {}
    for item in items:
        rules[item.notice.rule] = rules.get(item.notice.rule, 0) + 1
    label = "plan with assessment" if with_assessment else "plan"
    print(f"{label}: {took:.2f} s in-process, peak RSS {_rss():.0f} MB, {len(items)} notices due {rules}")


def _rss() -> float:
    """Return this process's peak resident memory in MB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(*args: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, __file__, *args], check=True)
    return time.perf_counter() - t


def main(argv: list[str]) -> None:
    if argv and argv[0].startswith("_"):
        {"_seed_packet": lambda: seed_packet(argv[1], int(argv[2])), "_packet": lambda: run_packet(argv[1], argv[2]),
         "_seed_plan": lambda: seed_portfolio(argv[1], int(argv[2])), "_plan": lambda: run_plan(argv[1], len(argv) > 2)}[argv[0]]()  # fmt: skip
        return
    which = argv[0] if argv else "all"
    with tempfile.TemporaryDirectory() as tmp:
        if which in ("all", "packet"):
            db = f"sqlite:///{tmp}/packet.db"
            wall = _child("_seed_packet", db, "50000")
            print(f"seeded 50,000 contacts in {wall:.1f} s")
            wall = _child("_packet", db, f"{tmp}/out")
            print(f"packet for 50,000 contacts: {wall:.2f} s wall with interpreter start-up")
        if which in ("all", "plan"):
            db = f"sqlite:///{tmp}/plan.db"
            wall = _child("_seed_plan", db, "10000")
            print(f"seeded 10,000 clients in {wall:.1f} s")
            wall = _child("_plan", db)
            print(f"followup plan over 10,000 clients: {wall:.2f} s wall with interpreter start-up")
            if "--with-assessment" in argv:
                wall = _child("_plan", db, "assess")
                print(f"followup plan with assessment: {wall:.2f} s wall with interpreter start-up")


if __name__ == "__main__":
    main(sys.argv[1:])
