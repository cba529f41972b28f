"""Read-only views of the ledger shared by the web app, its JSON twin and the CLI.

Pagination, sort and search for the portfolio; the headline numbers, chart series and a filtered,
bounded timeline for one client. Everything here is plain SQLAlchemy so it runs on SQLite and
PostgreSQL alike; nothing here writes.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Engine, Select, case, extract, func, or_, select
from sqlalchemy.orm import Session

from goodterms.ledger import models as m
from goodterms.ledger.queries import find_client, overview_select
from goodterms.ledger.timeline_page import day_end, many_timeline_records, timeline_entries

SORTS = ("name", "contacts", "open_requests", "amount_due", "health")
STATUSES = ("active", "paused", "ended")
TIMELINE_TYPES = (
    "contact",
    "request",
    "reply",
    "delivery",
    "approval_ask",
    "approval_answer",
    "invoice",
    "payment",
    "concession",
    "work",
    "note",
)
CHANNELS = ("call", "email", "sms", "voicemail", "chat", "meeting")


class OpenHours(Protocol):
    """What the views need from a business calendar."""

    def open_spans(self, start: datetime, end: datetime) -> Sequence[tuple[float, float]]: ...


@dataclass(frozen=True)
class PortfolioQuery:
    """The portfolio's sort, filter, search and page, as kept in the URL."""

    q: str = ""
    status: str = ""
    sort: str = "name"
    desc: bool = False
    page: int = 1
    per_page: int = 50

    def normalised(self) -> PortfolioQuery:
        """Return the query with unknown values replaced by defaults and numbers clamped."""
        return PortfolioQuery(
            q=self.q.strip()[:200],
            status=self.status if self.status in STATUSES else "",
            sort=self.sort if self.sort in SORTS else "name",
            desc=self.desc,
            page=max(1, self.page),
            per_page=min(max(1, self.per_page), 200),
        )


def _money(value: Any) -> Decimal:
    """Return a money sum that SQL typed as Fixed2 (``type_coerce``) as Decimal, 0.00 for none."""
    return value if isinstance(value, Decimal) else Decimal("0.00")


def _contains(text: str) -> str:
    """Return a LIKE pattern matching *text* anywhere, its own ``%``, ``_`` and ``\\`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(query: Select[Any], pq: PortfolioQuery) -> Select[Any]:
    if pq.status:
        query = query.where(m.Client.status == pq.status)
    if pq.q:
        # SQLite's lower() and LIKE fold ASCII only; also try the usual cases of the words as typed.
        # What is typed is searched for literally: % and _ are not wildcards.
        forms = {pq.q, pq.q.lower(), pq.q.upper(), pq.q.capitalize(), pq.q.title()}
        terms = [
            func.lower(m.Client.name).like(_contains(pq.q.lower()), escape="\\"),
            func.lower(m.Client.ext_id).like(_contains(pq.q.lower()), escape="\\"),
        ]
        terms += [m.Client.name.like(_contains(form), escape="\\") for form in sorted(forms)]
        query = query.where(or_(*terms))
    return query


def _page_order(pq: PortfolioQuery, verdicts: Sequence[str] | None) -> list[Any]:
    """Return the ORDER BY of a portfolio page sorted by name, or by stored health (``portfolio_page``)."""
    if pq.sort == "health" and verdicts is not None:
        stored = m.StoredAssessment
        rank = case({v: i for i, v in enumerate(verdicts)}, value=stored.verdict, else_=len(verdicts))
        keys = [stored.client_id.is_(None), stored.health, rank, m.Client.ext_id]
        return [k.desc() for k in keys] if pq.desc else keys
    name = func.lower(m.Client.name)
    return [name.desc() if pq.desc else name.asc(), m.Client.id]


def portfolio_page(
    *, engine: Engine, query: PortfolioQuery, verdicts: Sequence[str] | None = None
) -> dict[str, Any]:
    """Return one page of clients with their counts, sorted and filtered as asked.

    ``verdicts``, the verdicts from the most severe, sorts by health: by each client's stored
    assessment (``assessments``), the lowest health first, the most severe verdict first at equal
    health, then by id; clients without one last, by id. Without it a sort by health is by name.
    Sorted by name or health, the database picks the page's clients and only theirs are counted.
    """
    pq = query.normalised()
    with engine.connect() as conn:
        total = int(conn.execute(_filtered(select(func.count()).select_from(m.Client), pq)).scalar_one())
        offset = (pq.page - 1) * pq.per_page
        if pq.sort in ("name", "health"):
            order = _page_order(pq, verdicts)
            picked = _filtered(select(m.Client.ext_id), pq)
            if pq.sort == "health" and verdicts is not None:
                picked = picked.outerjoin(m.StoredAssessment, m.StoredAssessment.client_id == m.Client.id)
            picked = picked.order_by(*order).limit(pq.per_page).offset(offset)
            wanted = list(conn.execute(picked).scalars())
            page_ids = select(m.Client.id).where(m.Client.ext_id.in_(wanted))
            page_rows = overview_select(page_ids).where(m.Client.ext_id.in_(wanted))
            found = {row.ext_id: row for row in conn.execute(page_rows)}
            rows = [found[k] for k in wanted if k in found]
        else:
            column = {
                "contacts": "contacts",
                "open_requests": "open_requests",
                "amount_due": "amount_due",
            }[pq.sort]
            sub = _filtered(overview_select(), pq).subquery()
            key = func.coalesce(sub.c[column], 0)
            by = [key.desc() if pq.desc else key.asc(), sub.c.id]
            rows = list(conn.execute(select(sub).order_by(*by).limit(pq.per_page).offset(offset)))
    clients = [
        {
            "id": r.ext_id,
            "name": r.name,
            "language": r.language,
            "status": r.status,
            "contacts": int(r.contacts),
            "open_requests": int(r.open_requests or 0),
            "amount_due": str(_money(r.amount_due)),
            "currency": r.currency,
        }
        for r in rows
    ]
    pages = max(1, -(-total // pq.per_page))
    return {"total": total, "page": pq.page, "pages": pages, "per_page": pq.per_page, "clients": clients}


def _client_row(conn: Any, ref: str) -> Any:
    row = conn.execute(
        select(
            m.Client.id,
            m.Client.ext_id,
            m.Client.name,
            m.Client.language,
            m.Client.timezone,
            m.Client.currency,
        )
        .where(m.Client.ext_id == ref)
        .limit(1)
    ).first()
    if row is None:
        from goodterms.ledger.queries import NotFound

        raise NotFound(f"no client with id {ref!r}")
    return row


def client_headline(*, engine: Engine, ref: str, now: datetime) -> dict[str, Any]:
    """Return the three numbers that matter for one client.

    Contacts in the last 30 days against the portfolio median, open requests and the age of the
    oldest in days, and days late per paid-or-overdue invoice (oldest first) as the trend.
    """
    since = now - timedelta(days=30)
    with engine.connect() as conn:
        client = _client_row(conn, ref)
        # ``client_id + 0``: grouped by the client's index, SQLite would read every contact ever made; by
        # the expression, it reads the last 30 days from ix_contacts_at_client (time first) and nothing else.
        by_client = m.Contact.client_id + 0
        per_client = dict(
            conn.execute(
                select(by_client, func.count()).where(m.Contact.at >= since).group_by(by_client)
            ).all()
        )
        n_clients = int(conn.execute(select(func.count()).select_from(m.Client)).scalar_one())
        counts = [int(v) for v in per_client.values()] + [0] * max(0, n_clients - len(per_client))
        open_rows = conn.execute(
            select(func.count(), func.min(m.Request.at)).where(
                m.Request.client_id == client.id, m.Request.status.in_(("open", "waiting"))
            )
        ).one()
        late = invoice_days_late(conn=conn, client_id=client.id, today=now.date())
    oldest = open_rows[1]
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return {
        "client": {
            "id": client.ext_id,
            "name": client.name,
            "language": client.language,
            "timezone": client.timezone,
            "currency": client.currency,
        },
        "contacts_30d": int(per_client.get(client.id, 0)),
        "portfolio_median_30d": float(statistics.median(counts)) if counts else 0.0,
        "open_requests": int(open_rows[0]),
        "oldest_open_days": (now - oldest).days if oldest is not None else None,
        "days_late": late,
    }


def invoice_days_late(*, conn: Any, client_id: int, today: date) -> list[dict[str, Any]]:
    """Return each invoice's days late (paid in full: on the last payment; else as of today), by issue date."""
    paid = (
        select(
            m.Payment.invoice_id,
            func.sum(m.Payment.amount).label("paid"),
            func.max(m.Payment.at).label("last"),
        )
        .group_by(m.Payment.invoice_id)
        .subquery()
    )
    rows = conn.execute(
        select(m.Invoice.ext_id, m.Invoice.number, m.Invoice.due, m.Invoice.amount, paid.c.paid, paid.c.last)
        .outerjoin(paid, paid.c.invoice_id == m.Invoice.id)
        .where(m.Invoice.client_id == client_id)
        .order_by(m.Invoice.issued, m.Invoice.id)
    ).all()
    out = []
    for ext_id, number, due, amount, paid_sum, last in rows:
        settled = paid_sum is not None and _money(paid_sum) >= amount
        if settled:
            last_day = last.date() if isinstance(last, datetime) else date.fromisoformat(str(last)[:10])
            days = (last_day - due).days
        else:
            days = (today - due).days
        out.append({"id": ext_id, "number": number, "days_late": max(0, days), "settled": settled})
    return out


def contact_weeks(
    *, engine: Engine, ref: str, now: datetime, calendar: OpenHours, weeks: int = 12
) -> list[dict[str, Any]]:
    """Return contacts per week by channel for the last ``weeks`` weeks, with the after-hours share."""
    start = now - timedelta(weeks=weeks)
    with engine.connect() as conn:
        client = _client_row(conn, ref)
        # Seconds since the epoch, not datetimes: a busy client has thousands of contacts in twelve weeks.
        rows = conn.execute(
            select(extract("epoch", m.Contact.at), m.Contact.channel).where(
                m.Contact.client_id == client.id, m.Contact.at >= start, m.Contact.at < now
            )
        ).all()
    spans = calendar.open_spans(start, now)
    opens = [s for s, _ in spans]
    first, week = start.timestamp(), timedelta(weeks=1).total_seconds()
    buckets: dict[int, Counter[str]] = defaultdict(Counter)
    after: Counter[int] = Counter()
    for seconds, channel in rows:
        moment = float(seconds)
        index = min(weeks - 1, int((moment - first) // week))
        buckets[index][channel] += 1
        span = bisect_right(opens, moment) - 1
        if span < 0 or moment >= spans[span][1]:
            after[index] += 1
    out = []
    for i in range(weeks):
        total = sum(buckets[i].values())
        out.append(
            {
                "week": (start + timedelta(weeks=i)).date().isoformat(),
                "by_channel": dict(sorted(buckets[i].items())),
                "total": total,
                "after_hours_share": round(after[i] / total, 3) if total else 0.0,
            }
        )
    return out


def waiting_split(*, engine: Engine, ref: str) -> dict[str, int]:
    """Return how many requests wait on us (open) and on the client (waiting)."""
    with engine.connect() as conn:
        client = _client_row(conn, ref)
        rows = dict(
            conn.execute(
                select(m.Request.status, func.count())
                .where(m.Request.client_id == client.id, m.Request.status.in_(("open", "waiting")))
                .group_by(m.Request.status)
            ).all()
        )
    return {"on_us": int(rows.get("open", 0)), "on_them": int(rows.get("waiting", 0))}


def approval_rounds(*, engine: Engine, ref: str) -> list[dict[str, Any]]:
    """Return the number of approval rounds per delivery (the highest round asked)."""
    with engine.connect() as conn:
        client = _client_row(conn, ref)
        rows = conn.execute(
            select(m.Delivery.ext_id, m.Delivery.title, func.max(m.ApprovalAsk.round))
            .join(m.ApprovalAsk, m.ApprovalAsk.delivery_id == m.Delivery.id)
            .where(m.Delivery.client_id == client.id)
            .group_by(m.Delivery.id, m.Delivery.ext_id, m.Delivery.title)
            .order_by(m.Delivery.id)
        ).all()
    return [{"id": ext_id, "title": title, "rounds": int(rounds or 0)} for ext_id, title, rounds in rows]


def timeline_view(
    *,
    engine: Engine,
    ref: str,
    types: Sequence[str] = (),
    channels: Sequence[str] = (),
    until: date | None = None,
    before: datetime | None = None,
    limit: int = 300,
) -> dict[str, Any]:
    """Return a page of a client's timeline, newest first, filtered by type and channel, grouped by month.

    ``until`` jumps to a date (entries up to the end of that UTC day); ``before`` continues from a
    moment. At most ``limit`` entries are returned; ``older`` is the moment to continue from.
    """
    cut = day_end(until) if until is not None else None
    if before is not None:
        cut = before if cut is None else min(cut, before)
    with Session(engine) as session:
        client = find_client(session, ref)
        head = {"id": client.ext_id, "name": client.name, "timezone": client.timezone}
        entries = timeline_entries(
            session, client_id=client.id, types=types, channels=channels, before=cut, limit=limit
        )
    shown = entries[:limit]
    months: dict[str, list[dict[str, Any]]] = {}
    for e in shown:
        months.setdefault(e["at"][:7], []).append(e)
    return {
        "client": head,
        "months": [{"month": k, "entries": v} for k, v in months.items()],
        "count": len(shown),
        "older": shown[-1]["at"] if len(entries) > limit else None,
    }


def staff_notes(*, engine: Engine, ref: str) -> list[dict[str, Any]]:
    """Return the client's staff notes, newest first."""
    with engine.connect() as conn:
        client = _client_row(conn, ref)
        rows = conn.execute(
            select(m.StaffNote.ext_id, m.StaffNote.at, m.StaffNote.text, m.StaffNote.feeling)
            .where(m.StaffNote.client_id == client.id)
            .order_by(m.StaffNote.at.desc(), m.StaffNote.id.desc())
        ).all()
    return [
        {
            "id": ext_id,
            "at": (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat(),
            "text": text,
            "feeling": feeling,
        }
        for ext_id, at, text, feeling in rows
    ]


def records_view(
    *, engine: Engine, ref: str, wanted: Mapping[str, Collection[str]]
) -> dict[tuple[str, str], Any]:
    """Return the timeline entries of one client's records named by type → source ids (evidence to show)."""
    return clients_records(engine=engine, wanted={ref: wanted})[ref]


def clients_records(
    *, engine: Engine, wanted: Mapping[str, Mapping[str, Collection[str]]]
) -> dict[str, dict[tuple[str, str], Any]]:
    """Return, for each client (source id), the timeline entries of its records named by type → source ids
    (a constant number of queries, however many clients: the home page asks for fifty at once)."""
    with Session(engine) as session:
        ids: dict[str, int] = {
            ref: cid
            for ref, cid in session.execute(
                select(m.Client.ext_id, m.Client.id).where(m.Client.ext_id.in_(list(wanted)))
            )
        }
        for ref in wanted.keys() - ids.keys():  # a name rather than a source id
            ids[ref] = find_client(session, ref).id
        by_id: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for ref, records in wanted.items():  # a client named twice (by id and by name) is read once
            for kind, names in records.items():
                by_id[ids[ref]][kind].update(names)
        found = many_timeline_records(session, by_id)
        return {
            ref: {
                key: entry for key, entry in found[ids[ref]].items() if key[1] in wanted[ref].get(key[0], ())
            }
            for ref in wanted
        }
