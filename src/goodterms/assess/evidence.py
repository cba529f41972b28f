"""Fetch the ledger records behind findings: only for the clients and flags that need them, capped.

Each flag's evidence is the client's latest matching records (``evidence_cap`` of them, newest
first, via ROW_NUMBER in SQL) plus their total count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, null, select

from goodterms.assess.findings import Evidence
from goodterms.assess.load import Scope
from goodterms.assess.sql import contact_sql, epoch, in_clients
from goodterms.ledger import models as m

Found = dict[int, tuple[dict[str, tuple[Evidence, ...]], dict[str, int]]]
QUOTE_CHARS = 200


def _quote(text: str | None) -> str | None:
    if not text:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1] + "…"


def _moment(value: datetime | date) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time(), tzinfo=UTC)


Spec = tuple[str, Any, Any, Any, Any, Any, ColumnElement[bool], Any]


def _specs(scope: Scope) -> dict[str, list[Spec]]:
    """Return per flag: (type, id, source id, client, time and quote columns, condition, FROM)."""
    cfg = scope.settings
    w, k, a, n, i = m.WorkLog, m.Concession, m.ApprovalAsk, m.StaffNote, m.Invoice
    answered = (
        select(m.ApprovalAnswer.ask_id, func.min(m.ApprovalAnswer.at).label("at"))
        .where(m.ApprovalAnswer.at < scope.as_of)
        .group_by(m.ApprovalAnswer.ask_id)
        .subquery("fa")
    )
    grace = cfg.feedback_grace_days * 86400
    waited = func.coalesce(answered.c.at, scope.as_of)
    slow = (epoch(waited) - epoch(a.at)) > grace
    asks_from = a.__table__.outerjoin(answered, answered.c.ask_id == a.id)
    today = scope.as_of.astimezone(scope.calendar.zone).date()
    return {
        "staff_strain": [("note", n.id, n.ext_id, n.client_id, n.at, n.text, n.feeling < 0, n.__table__)],
        "unpaid_time": [
            ("work", w.id, w.ext_id, w.client_id, w.at, w.note, w.billable.is_(False), w.__table__)
        ],
        "thin_margin": [("work", w.id, w.ext_id, w.client_id, w.at, w.note, w.minutes > 0, w.__table__)],
        "concession_pressure": [
            (
                "concession",
                k.id,
                k.ext_id,
                k.client_id,
                k.at,
                k.note,
                k.asked.is_(True) | k.granted.is_(True),
                k.__table__,
            )
        ],
        "unresponsive": [("approval_ask", a.id, a.ext_id, a.client_id, a.at, a.subject, slow, asks_from)],
        "controlling": [
            ("approval_ask", a.id, a.ext_id, a.client_id, a.at, a.subject, a.kind == "approval", a.__table__)
        ],
        "late_payment_trend": [
            ("invoice", i.id, i.ext_id, i.client_id, i.due, i.number, i.due < today, i.__table__)
        ],
    }


def load_evidence(conn: Connection, *, scope: Scope, wanted: Mapping[int, set[str]]) -> Found:
    """Return, for each client in ``wanted``, the evidence and totals of the flags named."""
    found: Found = {cid: ({}, {}) for cid in wanted}
    specs = _specs(scope)
    _contact_evidence(conn, scope, wanted, found)
    cap = scope.settings.evidence_cap
    for code, parts in specs.items():
        clients = sorted(cid for cid, codes in wanted.items() if code in codes)
        for start in range(0, len(clients), 5000):
            chunk = clients[start : start + 5000]
            for spec in parts:
                _fetch(conn, scope, chunk, code, cap, found, spec)
    for evidence, totals in found.values():
        for code, items in evidence.items():
            evidence[code] = tuple(
                sorted(items, key=lambda e: (e.at or datetime.min.replace(tzinfo=UTC), e.id), reverse=True)[
                    :cap
                ]
            )
            totals.setdefault(code, len(items))
    return found


CONTACT_CODES = ("over_contact", "after_hours", "hostile_tone", "staff_strain", "slow_response")


def _contact_evidence(conn: Connection, scope: Scope, wanted: Mapping[int, set[str]], found: Found) -> None:
    """Collect contact evidence per contact-based flag, for the clients that have that flag only."""
    cap = scope.settings.evidence_cap
    c = m.Contact
    for code in CONTACT_CODES:
        clients = sorted(cid for cid, codes in wanted.items() if code in codes)
        for start in range(0, len(clients), 5000):
            chunk = clients[start : start + 5000]
            sql = contact_sql(
                as_of=scope.as_of,
                first_at=scope.first_at,
                settings=scope.settings,
                calendar=scope.calendar,
                client_ids=chunk,
            )
            counted_in = sql.inbound & sql.counted & ~sql.chase
            condition = {
                "over_contact": counted_in,
                "after_hours": counted_in & ~sql.open,
                "hostile_tone": sql.inbound & (c.tone == "hostile"),
                "staff_strain": sql.inbound & (c.channel == "call") & c.answered.is_(False),
                "slow_response": sql.inbound & sql.chase,
            }[code]
            quoted = code == "hostile_tone"
            query = (
                select(c.client_id, c.ext_id, c.at, c.text if quoted else null())
                .select_from(sql.joined())
                .where(condition, c.at < scope.as_of, in_clients(c.client_id, chunk))
                .order_by(c.client_id, c.at.desc(), c.id.desc())
            )
            for cid, ext_id, at, text in conn.execute(query):
                evidence, totals = found[cid]
                have = evidence.setdefault(code, ())
                totals[code] = totals.get(code, 0) + 1
                if len(have) < cap:
                    evidence[code] = (*have, Evidence("contact", ext_id, _moment(at), _quote(text)))


def _fetch(
    conn: Connection, scope: Scope, clients: Sequence[int], code: str, cap: int, found: Found, spec: Spec
) -> None:
    kind, id_col, ext_col, client_col, at_col, quote_col, condition, source = spec
    rank = func.row_number().over(partition_by=client_col, order_by=(at_col.desc(), id_col.desc()))
    total = func.count().over(partition_by=client_col)
    time_filter = at_col < (scope.as_of if kind != "invoice" else scope.as_of.date())
    inner = (
        select(
            client_col.label("cid"),
            ext_col.label("ext_id"),
            at_col.label("at"),
            quote_col.label("quote"),
            rank.label("rank"),
            total.label("total"),
        )
        .select_from(source)
        .where(condition, time_filter, in_clients(client_col, clients))
        .subquery("ev")
    )
    quoted = kind == "contact" and code == "hostile_tone"
    for row in conn.execute(select(inner).where(inner.c.rank <= cap)):
        evidence, totals = found[row.cid]
        evidence.setdefault(code, ())
        item = Evidence(kind, row.ext_id, _moment(row.at), _quote(row.quote) if quoted else None)
        evidence[code] = (*evidence[code], item)
        totals[code] = totals.get(code, 0) + (row.total if row.rank == 1 else 0)
