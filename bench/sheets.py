"""Bench importing an invoice workbook (not a test: prints measured figures).

    .venv/bin/python bench/sheets.py            # 20,000 invoice rows, half with a paid date
    .venv/bin/python bench/sheets.py 100000     # another size

The workbook is written with openpyxl (one sheet, Buddhist-era text due dates, decimal-comma
amounts, real Excel dates), imported into a fresh SQLite file, then imported again (a no-op).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from goodterms.ledger.db import make_engine, migrate
from goodterms.ledger.importing import import_event_dicts, import_path
from goodterms.ledger.sheet_import import SheetOptions


def _workbook(path: Path, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("2569")
    sheet.append(["number", "client", "issued", "due", "amount", "currency", "paid_at"])
    start = date(2025, 1, 1)
    for i in range(rows):
        issued = start + timedelta(days=i % 300)
        due = issued + timedelta(days=14)
        paid = issued + timedelta(days=10) if i % 2 else None
        be_due = f"{due:%d/%m/}{due.year + 543}"
        sheet.append(
            [
                f"INV-{i:06d}",
                f"Client {i % 50}",
                issued,
                be_due,
                f"{1000 + i % 997},{i % 100:02d}",
                "THB",
                paid,
            ]
        )
    book.save(path)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    folder = Path(tempfile.mkdtemp(prefix="goodterms-bench-sheets-"))
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    migrate(engine)
    clients = [{"type": "client", "id": f"c{i}", "name": f"Client {i}"} for i in range(50)]
    business = {"type": "business", "id": "b", "name": "B", "timezone": "Asia/Bangkok", "currency": "THB"}
    import_event_dicts(engine, [business, *clients])
    path = folder / "invoices.xlsx"
    _workbook(path, rows)
    size = path.stat().st_size / 1e6
    start = time.perf_counter()
    first = import_path(engine, path, sheet=SheetOptions("invoices"))
    took = time.perf_counter() - start
    start = time.perf_counter()
    again = import_path(engine, path, sheet=SheetOptions("invoices"))
    took_again = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{rows:,} rows ({size:.1f} MB xlsx): import {took:.2f} s = {rows / took:,.0f} rows/s "
          f"({first.counts.inserted:,} records); re-import {took_again:.2f} s "
          f"({again.counts.unchanged:,} unchanged); peak RSS {rss:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
