"""One page of a client's timeline, newest first: at most ``limit`` rows read per record type.

``goodterms.ledger.queries.timeline`` returns the whole ledger of a client; a client with 50,000
contacts needs a bounded read instead. Entries have the same shape as that function's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.ledger import models as m

Entry = dict[str, Any]


def _entry(kind: str, ext_id: str, at: datetime, summary: str, **extra: Any) -> Entry:
    return {"at": at.isoformat(), "type": kind, "id": ext_id, "summary": summary, **extra}


def _contact(c: m.Contact) -> Entry:
    what = c.subject or (c.text or "")[:80]
    summary = f"{c.direction} {c.channel}{'' if c.answered else ' (missed)'}: {what}".rstrip(": ")
    return _entry(
        "contact",
        c.ext_id,
        c.at,
        summary,
        channel=c.channel,
        direction=c.direction,
        answered=c.answered,
        duration_s=c.duration_s,
        tone=c.tone,
        staff_mark=c.staff_mark,
    )


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

    def want(kind: str) -> bool:
        return (not wanted or kind in wanted) and (not channels or kind == "contact")

    def run(query: Any, at_col: Any, build: Callable[[Any], Entry]) -> list[Entry]:
        if before is not None:
            query = query.where(at_col < before)
        return [build(row) for row in session.execute(query.order_by(at_col.desc()).limit(take))]

    out: list[Entry] = []
    q: Any
    if want("contact"):
        q = select(m.Contact).where(m.Contact.client_id == client_id)
        if channels:
            q = q.where(m.Contact.channel.in_(channels))
        out += run(q, m.Contact.at, lambda r: _contact(r[0]))
    if want("request"):
        q = select(m.Request).where(m.Request.client_id == client_id)
        out += run(
            q,
            m.Request.at,
            lambda r: _entry(
                "request",
                r[0].ext_id,
                r[0].at,
                r[0].subject or r[0].text[:80],
                status=r[0].status,
                chases=r[0].chases,
            ),
        )
    if want("reply"):
        q = select(m.Reply, m.Request.ext_id).join(m.Request).where(m.Request.client_id == client_id)
        out += run(
            q,
            m.Reply.at,
            lambda r: _entry("reply", r[0].ext_id, r[0].at, f"reply to {r[1]}", resolves=r[0].resolves),
        )
    if want("delivery"):
        q = select(m.Delivery).where(m.Delivery.client_id == client_id)
        out += run(
            q,
            m.Delivery.at,
            lambda r: _entry("delivery", r[0].ext_id, r[0].at, r[0].title, hours=str(r[0].hours)),
        )
    if want("approval_ask"):
        q = select(m.ApprovalAsk).where(m.ApprovalAsk.client_id == client_id)
        out += run(
            q,
            m.ApprovalAsk.at,
            lambda r: _entry(
                "approval_ask",
                r[0].ext_id,
                r[0].at,
                f"{r[0].kind} asked (round {r[0].round}): {r[0].subject}".rstrip(": "),
            ),
        )
    if want("approval_answer"):
        q = select(m.ApprovalAnswer, m.ApprovalAsk.ext_id).join(m.ApprovalAsk)
        q = q.where(m.ApprovalAsk.client_id == client_id)
        out += run(
            q,
            m.ApprovalAnswer.at,
            lambda r: _entry("approval_answer", r[0].ext_id, r[0].at, f"{r[0].outcome} on {r[1]}"),
        )
    if want("invoice"):
        q = select(m.Invoice).where(m.Invoice.client_id == client_id)
        if before is not None:
            q = q.where(m.Invoice.issued <= before.date())
        rows = session.scalars(q.order_by(m.Invoice.issued.desc()).limit(take))
        out += [
            _entry(
                "invoice",
                i.ext_id,
                datetime.combine(i.issued, time(0), tzinfo=UTC),
                f"invoice {i.number}: {i.amount} {i.currency}, due {i.due}",
                amount=str(i.amount),
                due=i.due.isoformat(),
            )
            for i in rows
        ]
    if want("payment"):
        q = select(m.Payment, m.Invoice).join(m.Invoice).where(m.Invoice.client_id == client_id)
        out += run(
            q,
            m.Payment.at,
            lambda r: _entry(
                "payment",
                r[0].ext_id,
                r[0].at,
                f"payment {r[0].amount} {r[1].currency} for {r[1].number}",
                amount=str(r[0].amount),
            ),
        )
    if want("concession"):
        q = select(m.Concession).where(m.Concession.client_id == client_id)
        out += run(
            q,
            m.Concession.at,
            lambda r: _entry(
                "concession",
                r[0].ext_id,
                r[0].at,
                f"{r[0].kind.replace('_', ' ')} {'granted' if r[0].granted else 'asked'}",
                value=str(r[0].value),
            ),
        )
    if want("work"):
        q = select(m.WorkLog).where(m.WorkLog.client_id == client_id)
        out += run(
            q,
            m.WorkLog.at,
            lambda r: _entry(
                "work",
                r[0].ext_id,
                r[0].at,
                f"{r[0].minutes} min{'' if r[0].billable else ' (not billable)'}",
                minutes=r[0].minutes,
            ),
        )
    if want("note"):
        q = select(m.StaffNote).where(m.StaffNote.client_id == client_id)
        out += run(
            q,
            m.StaffNote.at,
            lambda r: _entry("note", r[0].ext_id, r[0].at, r[0].text[:120], feeling=r[0].feeling),
        )
    if before is not None:
        cut = before.isoformat()
        out = [e for e in out if e["at"] < cut]
    out.sort(key=lambda e: (e["at"], e["type"], e["id"]), reverse=True)
    return out[:take]


def day_end(day: date) -> datetime:
    """Return the first moment after a (UTC) day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
