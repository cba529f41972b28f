"""One page of a client's timeline, newest first: at most ``limit`` rows read per record type.

``goodterms.ledger.queries.timeline`` returns the whole ledger of a client; a client with 50,000
contacts needs a bounded read instead. Entries have the same shape as that function's, plus the
facts a reader's words are made of (``gist``: the client's words or the record's title; channel,
direction, billable, kind, outcome ...), so each front door can say the entry in its reader's language.
``many_timeline_records`` reads the entries of given records (the evidence behind findings), for any
number of clients at once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.ledger import models as m

Entry = dict[str, Any]
GIST_CHARS = 160


def _gist(text: str | None) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= GIST_CHARS else flat[: GIST_CHARS - 1] + "…"


def _entry(type_: str, ext_id: str, at: datetime, summary: str, **extra: Any) -> Entry:
    return {"at": at.isoformat(), "type": type_, "id": ext_id, "summary": summary, **extra}


def _contact(row: Any) -> Entry:
    c: m.Contact = row[0]
    what = c.subject or (c.text or "")[:80]
    summary = f"{c.direction} {c.channel}{'' if c.answered else ' (missed)'}: {what}".rstrip(": ")
    return _entry(
        "contact",
        c.ext_id,
        c.at,
        summary,
        gist=_gist(c.text or c.subject),
        channel=c.channel,
        direction=c.direction,
        answered=c.answered,
        duration_s=c.duration_s,
        tone=c.tone,
        staff_mark=c.staff_mark,
    )


def _request(row: Any) -> Entry:
    r: m.Request = row[0]
    return _entry(
        "request",
        r.ext_id,
        r.at,
        r.subject or r.text[:80],
        gist=_gist(r.subject or r.text),
        status=r.status,
        chases=r.chases,
    )


def _reply(row: Any) -> Entry:
    r: m.Reply = row[0]
    return _entry("reply", r.ext_id, r.at, f"reply to {row[1]}", gist=_gist(row[2]), resolves=r.resolves)


def _delivery(row: Any) -> Entry:
    d: m.Delivery = row[0]
    return _entry("delivery", d.ext_id, d.at, d.title, gist=_gist(d.title), hours=str(d.hours))


def _ask(row: Any) -> Entry:
    a: m.ApprovalAsk = row[0]
    return _entry(
        "approval_ask",
        a.ext_id,
        a.at,
        f"{a.kind} asked (round {a.round}): {a.subject}".rstrip(": "),
        gist=_gist(a.subject),
        kind=a.kind,
        round=a.round,
    )


def _answer(row: Any) -> Entry:
    a: m.ApprovalAnswer = row[0]
    return _entry(
        "approval_answer", a.ext_id, a.at, f"{a.outcome} on {row[1]}", gist=_gist(row[2]), outcome=a.outcome
    )


def _invoice(row: Any) -> Entry:
    i: m.Invoice = row[0]
    return _entry(
        "invoice",
        i.ext_id,
        datetime.combine(i.issued, time(0), tzinfo=UTC),
        f"invoice {i.number}: {i.amount} {i.currency}, due {i.due}",
        gist=i.number,
        amount=str(i.amount),
        currency=i.currency,
        due=i.due.isoformat(),
    )


def _payment(row: Any) -> Entry:
    p: m.Payment = row[0]
    i: m.Invoice = row[1]
    return _entry(
        "payment",
        p.ext_id,
        p.at,
        f"payment {p.amount} {i.currency} for {i.number}",
        gist=i.number,
        amount=str(p.amount),
        currency=i.currency,
    )


def _concession(row: Any) -> Entry:
    k: m.Concession = row[0]
    return _entry(
        "concession",
        k.ext_id,
        k.at,
        f"{k.kind.replace('_', ' ')} {'granted' if k.granted else 'asked'}",
        gist="",
        kind=k.kind,
        granted=k.granted,
        value=str(k.value),
    )


def _work(row: Any) -> Entry:
    w: m.WorkLog = row[0]
    return _entry(
        "work",
        w.ext_id,
        w.at,
        f"{w.minutes} min{'' if w.billable else ' (not billable)'}",
        gist="",
        minutes=w.minutes,
        billable=w.billable,
    )


def _note(row: Any) -> Entry:
    n: m.StaffNote = row[0]
    return _entry("note", n.ext_id, n.at, n.text[:120], gist=_gist(n.text), feeling=n.feeling)


@dataclass(frozen=True)
class _Kind:
    """How one record type is read: its rows (with whatever they join), the column naming their client, their
    time and source-id columns, and their entry."""

    base: Callable[[], Any]
    client: Any
    at: Any
    ext_id: Any
    build: Callable[[Any], Entry]

    def query(self, client_id: int) -> Any:
        """Return the select of one client's records of this type."""
        return self.base().where(self.client == client_id)


KINDS: Mapping[str, _Kind] = {
    "contact": _Kind(
        lambda: select(m.Contact), m.Contact.client_id, m.Contact.at, m.Contact.ext_id, _contact
    ),
    "request": _Kind(
        lambda: select(m.Request), m.Request.client_id, m.Request.at, m.Request.ext_id, _request
    ),
    "reply": _Kind(
        lambda: select(m.Reply, m.Request.ext_id, m.Request.subject).join(m.Request),
        m.Request.client_id,
        m.Reply.at,
        m.Reply.ext_id,
        _reply,
    ),
    "delivery": _Kind(
        lambda: select(m.Delivery), m.Delivery.client_id, m.Delivery.at, m.Delivery.ext_id, _delivery
    ),
    "approval_ask": _Kind(
        lambda: select(m.ApprovalAsk), m.ApprovalAsk.client_id, m.ApprovalAsk.at, m.ApprovalAsk.ext_id, _ask
    ),
    "approval_answer": _Kind(
        lambda: select(m.ApprovalAnswer, m.ApprovalAsk.ext_id, m.ApprovalAsk.subject).join(m.ApprovalAsk),
        m.ApprovalAsk.client_id,
        m.ApprovalAnswer.at,
        m.ApprovalAnswer.ext_id,
        _answer,
    ),
    "invoice": _Kind(
        lambda: select(m.Invoice), m.Invoice.client_id, m.Invoice.issued, m.Invoice.ext_id, _invoice
    ),
    "payment": _Kind(
        lambda: select(m.Payment, m.Invoice).join(m.Invoice),
        m.Invoice.client_id,
        m.Payment.at,
        m.Payment.ext_id,
        _payment,
    ),
    "concession": _Kind(
        lambda: select(m.Concession),
        m.Concession.client_id,
        m.Concession.at,
        m.Concession.ext_id,
        _concession,
    ),
    "work": _Kind(lambda: select(m.WorkLog), m.WorkLog.client_id, m.WorkLog.at, m.WorkLog.ext_id, _work),
    "note": _Kind(
        lambda: select(m.StaffNote), m.StaffNote.client_id, m.StaffNote.at, m.StaffNote.ext_id, _note
    ),
}


def timeline_entries(
    session: Session,
    *,
    client_id: int,
    types: Sequence[str],
    channels: Sequence[str],
    before: datetime | None,
    limit: int,
) -> list[Entry]:
    """Return up to ``limit + 1`` newest entries before ``before`` (the extra one tells there are more)."""
    wanted = set(types)
    take = limit + 1
    out: list[Entry] = []
    for kind, spec in KINDS.items():
        if (wanted and kind not in wanted) or (channels and kind != "contact"):
            continue
        query = spec.query(client_id)
        if kind == "contact" and channels:
            query = query.where(m.Contact.channel.in_(channels))
        if before is not None:  # invoices are dated by the day they were issued
            query = query.where(spec.at <= before.date() if kind == "invoice" else spec.at < before)
        out += [spec.build(row) for row in session.execute(query.order_by(spec.at.desc()).limit(take))]
    if before is not None:
        cut = before.isoformat()
        out = [e for e in out if e["at"] < cut]
    out.sort(key=lambda e: (e["at"], e["type"], e["id"]), reverse=True)
    return out[:take]


#: Source ids asked for in one query at most (well under SQLite's limit on bound parameters).
_CHUNK = 500


def many_timeline_records(
    session: Session, wanted: Mapping[int, Mapping[str, Collection[str]]]
) -> dict[int, dict[tuple[str, str], Entry]]:
    """Return, for each client id, the timeline entries of its records named by type → source ids: one query
    per record type for every client together (source ids are unique per table, so each row is found through
    its unique index), a record of another client than the one that named it left out."""
    out: dict[int, dict[tuple[str, str], Entry]] = {cid: {} for cid in wanted}
    for kind, spec in KINDS.items():
        named = {(cid, i) for cid, records in wanted.items() for i in records.get(kind, ())}
        ids = sorted({i for _, i in named})
        for start in range(0, len(ids), _CHUNK):
            query = spec.base().add_columns(spec.client).where(spec.ext_id.in_(ids[start : start + _CHUNK]))
            for row in session.execute(query):
                entry, cid = spec.build(row), row[-1]
                if (cid, entry["id"]) in named:
                    out[cid][(kind, entry["id"])] = entry
    return out


def day_end(day: date) -> datetime:
    """Return the first moment after a (UTC) day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
