"""Save imported events: idempotent upserts in batches, parents before children, one transaction.

The importer hands events here in file order. Rows are buffered per table and flushed in
``IMPORT_ORDER``; references (``client``, ``staff`` ...) are resolved by source id against what
is already stored or flushed, so a record may refer to anything earlier in the file or in the
database. A record whose source id is stored with the same digest is left alone; with another
digest it is updated and the old values are kept in ``record_changes``.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Connection, Table, bindparam, func, insert, select, type_coerce, update

from goodterms.ledger import models as m
from goodterms.ledger.bulk import BulkInserter
from goodterms.ledger.events import AnyEvent, Event
from goodterms.ledger.importers.jsonl import ParsedEvent
from goodterms.ledger.problems import ImportProblem
from goodterms.ledger.stale import mark_stale
from goodterms.ledger.types import from_hundredths

TABLE_OF: dict[str, type[m.Imported]] = {
    "business": m.Business,
    "client": m.Client,
    "staff": m.Staff,
    "contact": m.Contact,
    "request": m.Request,
    "reply": m.Reply,
    "delivery": m.Delivery,
    "approval_ask": m.ApprovalAsk,
    "approval_answer": m.ApprovalAnswer,
    "invoice": m.Invoice,
    "payment": m.Payment,
    "concession": m.Concession,
    "work": m.WorkLog,
    "note": m.StaffNote,
    "account": m.Account,
}

#: Event field that refers to another record -> (column, table referred to).
REFERENCES: dict[str, tuple[str, type[m.Imported]]] = {
    "client": ("client_id", m.Client),
    "staff": ("staff_id", m.Staff),
    "request": ("request_id", m.Request),
    "delivery": ("delivery_id", m.Delivery),
    "ask": ("ask_id", m.ApprovalAsk),
    "invoice": ("invoice_id", m.Invoice),
}

_ORDER = {model: i for i, model in enumerate(m.IMPORT_ORDER)}
#: The parent whose client a record without its own client column belongs to.
_PARENT_OF: dict[type[m.Imported], tuple[str, type[m.Imported]]] = {
    m.Reply: ("request_id", m.Request),
    m.ApprovalAnswer: ("ask_id", m.ApprovalAsk),
    m.Payment: ("invoice_id", m.Invoice),
}
_LOOKUP_CHUNK = 900  # stays under SQLite's bound-parameter limit


def table_of(model: type[m.Base] | type[m.Imported]) -> Table:
    """Return the Core table of a mapped class."""
    table = model.__table__  # type: ignore[union-attr]
    assert isinstance(table, Table)
    return table


@dataclass(slots=True)
class _Pending:
    line: int
    ext_id: str
    digest: str
    row: dict[str, Any]
    refs: dict[str, str]


class _Seen:
    """The ids one file has written to a table and their lines, in 12 bytes each (hash and line).

    A file of millions of records stays in flat memory; a 64-bit hash collision between two ids of
    one file is the only way this could name a repeat that is none.
    """

    def __init__(self) -> None:
        self.hashes = array("q")
        self.lines = array("i")

    def add(self, rows: Iterable[_Pending]) -> None:
        for p in rows:
            self.hashes.append(hash(p.ext_id))
            self.lines.append(p.line)

    def lines_of(self, ext_ids: list[str]) -> dict[str, int]:
        """Return the first line of each of these ids that this file wrote before."""
        if not self.hashes:
            return {}
        import numpy as np  # only a file that changes stored records comes here

        known = np.frombuffer(self.hashes, dtype=np.int64)
        wanted = np.fromiter((hash(e) for e in ext_ids), dtype=np.int64, count=len(ext_ids))
        hits = np.isin(wanted, known)
        found = {
            e: self.lines[int(np.flatnonzero(known == h)[0])]
            for e, h, hit in zip(ext_ids, wanted, hits, strict=True)
            if hit
        }
        del known  # the array may grow again only once no view of it is left
        return found


@dataclass
class ImportCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    #: Things the import did that a person should know of (an overpaid invoice ...).
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


_REF_FIELDS: dict[type[Event], tuple[str, ...]] = {}


def event_row(event: Event) -> tuple[dict[str, Any], dict[str, str]]:
    """Split an event into its column values and its references by source id."""
    cls = type(event)
    ref_fields = _REF_FIELDS.get(cls)
    if ref_fields is None:
        ref_fields = _REF_FIELDS[cls] = tuple(n for n in REFERENCES if n in cls.model_fields)
    # The validated model's own attribute dict: no copy of nested values is needed here.
    data = dict(event.__dict__)
    del data["type"], data["id"]
    refs = {}
    for name in ref_fields:
        value = data.pop(name)
        if value is not None:
            refs[name] = value
    if "holidays" in data:  # the business record
        data["hours"] = {day: [list(span) for span in spans] for day, spans in data["hours"].items()}
        data["holidays"] = [d.isoformat() for d in data["holidays"]]
        data["exchange_rates"] = {code: str(rate) for code, rate in data["exchange_rates"].items()}
    return data, refs


class Writer:
    """Buffer and write one file's events on a connection inside the caller's transaction."""

    def __init__(self, conn: Connection, path: str, *, batch: int = 5000) -> None:
        self.conn = conn
        self.path = path
        self.batch = batch
        self.pending: dict[type[m.Imported], dict[str, _Pending]] = {}
        self.size = 0
        self.ids: dict[type[m.Imported], dict[str, int]] = {model: {} for model in m.IMPORT_ORDER}
        self.counts = ImportCounts()
        self.run_id: int | None = None
        self.changes: list[dict[str, Any]] = []
        self.inserters: dict[type[m.Imported], BulkInserter] = {}
        self.seen: dict[type[m.Imported], _Seen] = {model: _Seen() for model in m.IMPORT_ORDER}
        self.paid_invoices: set[int] = set()
        # Whose assessment this file changes (marked stale at ``finish``): client ids, and parents to look up.
        self.stale_clients: set[int] = set()
        self.stale_parents: dict[type[m.Imported], set[int]] = {}
        self.stale_ext_clients: set[str] = set()
        self.stale_everyone = False

    def add(self, parsed: ParsedEvent) -> None:
        event: AnyEvent = parsed.event
        model = TABLE_OF[event.type]
        bucket = self.pending.setdefault(model, {})
        earlier = bucket.get(event.id)
        if earlier is not None:
            if earlier.digest != parsed.digest:
                first = self.seen[model].lines_of([event.id]).get(event.id, earlier.line)
                raise _repeated(self.path, parsed.line, event.id, first)
            self.counts.by_type[event.type] = self.counts.by_type.get(event.type, 0) + 1
            self.counts.unchanged += 1  # as it is when the first copy was flushed already
            return
        row, refs = event_row(event)
        self.size += 1
        bucket[event.id] = _Pending(parsed.line, event.id, parsed.digest, row, refs)
        self.counts.by_type[event.type] = self.counts.by_type.get(event.type, 0) + 1
        if self.size >= self.batch:
            self.flush()

    def add_many(self, events: Iterable[ParsedEvent]) -> None:
        for parsed in events:
            self.add(parsed)

    def flush(self) -> None:
        for model in sorted(self.pending, key=_ORDER.__getitem__):
            self._flush_table(model, list(self.pending[model].values()))
        self.pending.clear()
        self.size = 0

    def _resolve(self, model: type[m.Imported], ext_ids: set[str]) -> dict[str, int]:
        known = self.ids[model]
        missing = [e for e in ext_ids if e not in known]
        table = table_of(model)
        for i in range(0, len(missing), _LOOKUP_CHUNK):
            chunk = missing[i : i + _LOOKUP_CHUNK]
            for ext_id, pk in self.conn.execute(
                select(table.c.ext_id, table.c.id).where(table.c.ext_id.in_(chunk))
            ):
                known[ext_id] = pk
        return known

    def _flush_table(self, model: type[m.Imported], rows: list[_Pending]) -> None:
        table = table_of(model)
        for ref_name, (column, parent) in REFERENCES.items():
            wanted = {p.refs[ref_name] for p in rows if ref_name in p.refs}
            if not wanted:
                continue
            known = self._resolve(parent, wanted)
            for p in rows:
                ext = p.refs.get(ref_name)
                if ext is None:
                    p.row[column] = None
                    continue
                if ext not in known:
                    raise ImportProblem(
                        self.path,
                        p.line,
                        ref_name,
                        f"refers to {table_of(parent).name} id {ext!r}, which is neither stored nor "
                        "earlier in this file",
                    )
                p.row[column] = known[ext]
        existing: dict[str, tuple[int, str | None]] = {}
        ext_ids = [p.ext_id for p in rows]
        for i in range(0, len(ext_ids), _LOOKUP_CHUNK):
            chunk = ext_ids[i : i + _LOOKUP_CHUNK]
            for ext_id, pk, digest in self.conn.execute(
                select(table.c.ext_id, table.c.id, table.c.digest).where(table.c.ext_id.in_(chunk))
            ):
                existing[ext_id] = (pk, digest)
        new: list[dict[str, Any]] = []
        changed: list[_Pending] = []
        for p in rows:
            found = existing.get(p.ext_id)
            if found is None:
                new.append({**p.row, "ext_id": p.ext_id, "digest": p.digest})
            elif found[1] == p.digest:
                self.counts.unchanged += 1
            else:
                changed.append(p)
        if changed:  # an earlier batch of this file wrote the same id with other content?
            firsts = self.seen[model].lines_of([p.ext_id for p in changed])
            for p in changed:
                if p.ext_id in firsts:
                    raise _repeated(self.path, p.line, p.ext_id, firsts[p.ext_id])
        self.seen[model].add(rows)
        if model is m.Payment:
            self.paid_invoices.update(p.row["invoice_id"] for p in rows)
        if new:
            self._inserter(model).insert(self.conn, new)
            self.counts.inserted += len(new)
        if changed:
            self._update(model, changed, existing)
        self._note_stale(model, [*new, *(p.row for p in changed)], [p.ext_id for p in changed])

    def _note_stale(self, model: type[m.Imported], rows: list[dict[str, Any]], changed: list[str]) -> None:
        """Note whose assessment the written rows change (a business record: everyone's)."""
        if not rows:
            return
        if model is m.Business:
            self.stale_everyone = True
        elif model is m.Client:
            self.stale_ext_clients.update(r["ext_id"] for r in rows if "ext_id" in r)
            self.stale_ext_clients.update(changed)
        elif "client_id" in table_of(model).c:
            self.stale_clients.update(r["client_id"] for r in rows)
        else:
            column, parent = _PARENT_OF.get(model, (None, None))
            if column is not None and parent is not None:
                self.stale_parents.setdefault(parent, set()).update(r[column] for r in rows)

    def mark_stale(self) -> None:
        """Mark the clients whose records this file wrote stale, in the import's transaction."""
        if self.stale_everyone:
            mark_stale(self.conn, None)
            return
        ids = set(self.stale_clients)
        ids.update(self._resolve(m.Client, self.stale_ext_clients)[e] for e in self.stale_ext_clients)
        for parent, parent_ids in self.stale_parents.items():
            table, wanted = table_of(parent), sorted(parent_ids)
            for i in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[i : i + _LOOKUP_CHUNK]
                ids.update(self.conn.scalars(select(table.c.client_id).where(table.c.id.in_(chunk))))
        mark_stale(self.conn, ids)

    def _inserter(self, model: type[m.Imported]) -> BulkInserter:
        inserter = self.inserters.get(model)
        if inserter is None:
            table = table_of(model)
            columns = [c.name for c in table.columns if c.name != "id"]
            inserter = BulkInserter(table, columns, self.conn.dialect.name)
            self.inserters[model] = inserter
        return inserter

    def _update(
        self, model: type[m.Imported], changed: list[_Pending], existing: dict[str, tuple[int, str | None]]
    ) -> None:
        table = table_of(model)
        now = datetime.now(UTC)
        ids = [existing[p.ext_id][0] for p in changed]
        before = {
            row._mapping["id"]: dict(row._mapping)
            for row in self.conn.execute(select(table).where(table.c.id.in_(ids)))
        }
        for p in changed:
            pk = existing[p.ext_id][0]
            old = {k: _jsonable(v) for k, v in before[pk].items()}
            self.changes.append({"table_name": table.name, "ext_id": p.ext_id, "at": now, "before": old})
            values = {**p.row, "digest": p.digest}
            self.conn.execute(update(table).where(table.c.id == bindparam("_pk")), [{**values, "_pk": pk}])
        self.counts.updated += len(changed)
        self.ids[model].update({p.ext_id: existing[p.ext_id][0] for p in changed})

    def finish(self, run_id: int) -> None:
        self.flush()
        self._note_overpayments()
        if self.counts.notes:
            runs = table_of(m.ImportRun)
            self.conn.execute(update(runs).where(runs.c.id == run_id).values(notes=self.counts.notes))
        if self.changes:
            rc = table_of(m.RecordChange)
            self.conn.execute(insert(rc), [{**c, "import_run_id": run_id} for c in self.changes])
        self.mark_stale()

    def _note_overpayments(self) -> None:
        """Note each invoice that this file's payments took above its amount (payments are kept as given)."""
        if not self.paid_invoices:
            return
        inv, pay = table_of(m.Invoice), table_of(m.Payment)
        paid = func.sum(type_coerce(pay.c.amount, BigInteger))  # integer hundredths
        amount_cents = type_coerce(inv.c.amount, BigInteger)
        ids = sorted(self.paid_invoices)
        for i in range(0, len(ids), _LOOKUP_CHUNK):
            query = (
                select(inv.c.ext_id, inv.c.number, inv.c.currency, amount_cents, paid)
                .join(pay, pay.c.invoice_id == inv.c.id)
                .where(inv.c.id.in_(ids[i : i + _LOOKUP_CHUNK]))
                .group_by(inv.c.id, inv.c.ext_id, inv.c.number, inv.c.currency, inv.c.amount)
                .having(paid > amount_cents)
                .order_by(inv.c.ext_id)
            )
            for ext_id, number, currency, amount, total in self.conn.execute(query):
                amount, total = from_hundredths(amount), from_hundredths(total)
                self.counts.notes.append(
                    f"invoice {number} ({ext_id}) is overpaid: payments total {total} {currency}, "
                    f"{total - amount} {currency} more than its amount of {amount} {currency}"
                )


def _repeated(path: str, line: int, ext_id: str, first: int) -> ImportProblem:
    return ImportProblem(
        path,
        line,
        "id",
        f"{ext_id!r} is already on line {first} with other content; an id may appear once in a file "
        "(or again with exactly the same content)",
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (int, float, str, bool, list, dict)) or value is None:
        return value
    return str(value)
