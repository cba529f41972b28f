"""Fetch the ledger records behind findings: only for the clients and flags that need them, capped.

Each flag's evidence is the client's latest matching records (``evidence_cap`` of them, newest
first, via ROW_NUMBER in SQL) plus their total count.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Connection, case, func, literal, or_, select, union_all

from goodterms.assess.findings import Evidence, cite
from goodterms.assess.load import EpochTimes, Scope
from goodterms.assess.rows import contact_rows
from goodterms.assess.sql import epoch, fetch_columns, in_clients
from goodterms.ledger import models as m

Found = dict[int, tuple[dict[str, tuple[Evidence, ...]], dict[str, int]]]
Gathered = dict[int, tuple[dict[str, list[Evidence]], dict[str, int]]]
QUOTE_CHARS = 200
_TEXT_CHUNK = 900  # contacts whose words are read in one statement: under SQLite's bound-parameter limit


def _quote(text: str | None) -> str | None:
    if not text:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1] + "…"


Spec = tuple[str, Any, Any, Any, Any, ColumnElement[bool], Any]


def _specs(scope: Scope, clients: Sequence[int]) -> dict[str, list[Spec]]:
    """Return per flag: (type, id, source id, client and time columns, condition, FROM)."""
    cfg = scope.settings
    w, k, a, n, i, ans = m.WorkLog, m.Concession, m.ApprovalAsk, m.StaffNote, m.Invoice, m.ApprovalAnswer
    answered = (  # first answers to these clients' asks only (one client must not read every answer)
        select(ans.ask_id, func.min(ans.at).label("at"))
        .join(a, a.id == ans.ask_id)
        .where(ans.at < scope.as_of, in_clients(a.client_id, clients))
        .group_by(ans.ask_id)
        .subquery("fa")
    )
    grace = cfg.feedback_grace_days * 86400
    waited = func.coalesce(answered.c.at, scope.as_of)
    slow = (epoch(waited) - epoch(a.at)) > grace
    asks_from = a.__table__.outerjoin(answered, answered.c.ask_id == a.id)
    today = scope.as_of.astimezone(scope.calendar.zone).date()
    return {
        "staff_strain": [("note", n.id, n.ext_id, n.client_id, n.at, n.feeling < 0, n.__table__)],
        "unpaid_time": [("work", w.id, w.ext_id, w.client_id, w.at, w.billable.is_(False), w.__table__)],
        "thin_margin": [("work", w.id, w.ext_id, w.client_id, w.at, w.minutes > 0, w.__table__)],
        "concession_pressure": [
            (
                "concession",
                k.id,
                k.ext_id,
                k.client_id,
                k.at,
                k.asked.is_(True) | k.granted.is_(True),
                k.__table__,
            )
        ],
        "unresponsive": [("approval_ask", a.id, a.ext_id, a.client_id, a.at, slow, asks_from)],
        "controlling": [
            ("approval_ask", a.id, a.ext_id, a.client_id, a.at, a.kind == "approval", a.__table__)
        ],
        "late_payment_trend": [("invoice", i.id, i.ext_id, i.client_id, i.due, i.due < today, i.__table__)],
    }


def load_evidence(
    conn: Connection,
    *,
    scope: Scope,
    wanted: Mapping[int, set[str]],
    ledger: Connection | None = None,
    every: int = 0,
) -> Found:
    """Return, for each client in ``wanted``, the evidence and totals of the flags named.

    ``ledger`` is the ledger's own database when ``conn`` is DuckDB over its file: the words quoted from
    hostile messages are read there by primary key (DuckDB would read every message's text to quote a few).
    ``every`` is how many clients the ledger holds, when known: a flag that every one of them has is
    looked up for all, without a list of them.
    """
    gathered: Gathered = {cid: ({}, {}) for cid in wanted}
    specs = _specs(scope, sorted(wanted))
    _contact_evidence(conn, scope, wanted, gathered, ledger or conn, every)
    cap = scope.settings.evidence_cap
    for code, parts in specs.items():
        clients = sorted(cid for cid, codes in wanted.items() if code in codes)
        for start in range(0, len(clients), 5000):
            chunk = clients[start : start + 5000]
            for spec in parts:
                _fetch(conn, scope, chunk, code, cap, gathered, spec)
    found: Found = {}
    for cid, (lists, totals) in gathered.items():  # each list is in rank order (newest first), capped
        for code, items in lists.items():
            totals.setdefault(code, len(items))
        found[cid] = ({code: tuple(items) for code, items in lists.items()}, totals)
    return found


CONTACT_CODES = (
    "over_contact",
    "after_hours",
    "hostile_tone",
    "staff_strain",
    "slow_response",
    "unpaid_time",
    "thin_margin",
)


def _contact_evidence(
    conn: Connection,
    scope: Scope,
    wanted: Mapping[int, set[str]],
    found: Gathered,
    ledger: Connection,
    every: int,
) -> None:
    """Collect the contact evidence of every contact-based flag with one pass over the contacts.

    The pass keeps the contacts that prove a flag some client has (one 0/1 column per flag); each flag
    then ranks its own rows per client, newest first, and only ranks within the cap come back. The
    quoted words of the hostile messages cited are read afterwards from ``ledger``, by id.
    """
    cap = scope.settings.evidence_cap
    by_code = {code: sorted(cid for cid, got in wanted.items() if code in got) for code in CONTACT_CODES}
    by_code = {code: clients for code, clients in by_code.items() if clients}
    if not by_code:
        return
    clients = sorted({cid for ids in by_code.values() for cid in ids})
    r = contact_rows(
        conn,
        moments=scope.today(),
        first_at=scope.first_at,
        settings=scope.settings,
        calendar=scope.calendar,
        client_ids=clients,
    ).c
    counted_in = r.counted_in & ~r.chase
    handled = (r.handling > 0) & ~(r.inbound & r.chase)
    conditions = {
        "over_contact": counted_in,
        "after_hours": counted_in & (r.slot != 0),  # not in office hours
        "hostile_tone": r.hostile_in,
        "staff_strain": r.missed | r.hard,
        "slow_response": r.inbound & r.chase,
        # contact handling is time spent (unpaid, and in the hourly rate), chases excluded as in the sums
        "unpaid_time": handled,
        "thin_margin": handled,
    }
    everyone = len(clients) == every

    def within(ids: Sequence[int]) -> ColumnElement[bool]:  # no list where it names every client
        return in_clients(r.cid, None if everyone and len(ids) == len(clients) else ids)

    relevant = {code: conditions[code] & within(ids) for code, ids in by_code.items()}
    base = (
        select(
            r.cid,
            r.row_id,
            r.ext_id,
            r.at,
            # hostile_tone quotes threats first (they are its own evidence), then the other hostile messages.
            (case((r.threat_in, 1), else_=0) if "hostile_tone" in by_code else literal(0)).label("threat"),
            *[case((condition, 1), else_=0).label(code) for code, condition in relevant.items()],
        )
        .where(within(clients), or_(*relevant.values()))
        .cte("base")
    )
    parts = []
    names = list(by_code)
    for index, code in enumerate(names):
        ranked = (
            select(
                literal(index).label("code"),
                base.c.cid,
                base.c.ext_id,
                epoch(base.c.at).label("at_s"),  # whole seconds: no per-row datetime processing
                base.c.row_id,
                func.row_number()
                .over(
                    partition_by=base.c.cid,
                    order_by=(
                        *((base.c.threat.desc(),) if code == "hostile_tone" else ()),
                        base.c.at.desc(),
                        base.c.row_id.desc(),
                    ),
                )
                .label("rank"),
                func.count().over(partition_by=base.c.cid).label("total"),
            )
            .where(base.c[code] == 1)
            .subquery(f"ranked_{code}")
        )
        parts.append(select(ranked).where(ranked.c.rank <= cap))
    ranked = union_all(*parts).subquery("ranked")
    # at once, as columns (hundreds of thousands of rows at 10,000 clients), each client's list of a flag in a run
    order = (ranked.c.code, ranked.c.cid, ranked.c.rank)
    columns = fetch_columns(conn, select(*ranked.c).order_by(*order))
    codes, cids, ext_ids, ats, row_ids, _ranks, counts = (column.tolist() for column in columns)
    quoted = names.index("hostile_tone") if "hostile_tone" in names else -1
    texts = _texts(ledger, [row_id for code, row_id in zip(codes, row_ids, strict=True) if code == quoted])
    times = EpochTimes()
    for start, end in _runs(columns[0], columns[1]):
        code = names[codes[start]]
        evidence, totals = found[cids[start]]
        totals[code] = counts[start]
        run = zip(ext_ids[start:end], ats[start:end], row_ids[start:end], strict=True)
        if code == "hostile_tone":
            items = [
                cite("contact", ext, times[at_s], _quote(texts.get(row_id))) for ext, at_s, row_id in run
            ]
        else:
            items = [Evidence("contact", ext, times[at_s]) for ext, at_s, _row_id in run]
        evidence.setdefault(code, []).extend(items)


def _texts(ledger: Connection, ids: Sequence[int]) -> dict[int, str | None]:
    """Return the text of each contact in ``ids`` (read by primary key, a chunk at a time)."""
    c = m.Contact
    out: dict[int, str | None] = {}
    unique = sorted(set(ids))
    for i in range(0, len(unique), _TEXT_CHUNK):
        chunk = unique[i : i + _TEXT_CHUNK]
        out.update(ledger.execute(select(c.id, c.text).where(c.id.in_(chunk))).all())
    return out


def _fetch(
    conn: Connection, scope: Scope, clients: Sequence[int], code: str, cap: int, found: Gathered, spec: Spec
) -> None:
    kind, id_col, ext_col, client_col, at_col, condition, source = spec
    rank = func.row_number().over(partition_by=client_col, order_by=(at_col.desc(), id_col.desc()))
    total = func.count().over(partition_by=client_col)
    time_filter = at_col < (scope.as_of if kind != "invoice" else scope.as_of.date())
    inner = (
        select(
            client_col.label("cid"),
            ext_col.label("ext_id"),
            epoch(at_col).label("at_s"),
            rank.label("rank"),
            total.label("total"),
        )
        .select_from(source)
        .where(condition, time_filter, in_clients(client_col, clients))
        .subquery("ev")
    )
    columns = fetch_columns(
        conn, select(*inner.c).where(inner.c.rank <= cap).order_by(inner.c.cid, inner.c.rank)
    )
    cids, ext_ids, ats, _ranks, counts = (column.tolist() for column in columns)
    times = EpochTimes()
    for start, end in _runs(columns[0]):
        evidence, totals = found[cids[start]]
        run = zip(ext_ids[start:end], ats[start:end], strict=True)
        evidence.setdefault(code, []).extend([Evidence(kind, ext, times[at_s]) for ext, at_s in run])
        totals[code] = totals.get(code, 0) + counts[start]


def _runs(*keys: np.ndarray[Any, Any]) -> list[tuple[int, int]]:
    """Return where each run of rows with the same keys starts and ends (rows ordered by the keys)."""
    size = len(keys[0])
    changed = np.zeros(max(size - 1, 0), dtype=bool)
    for key in keys:
        whole = key.astype(np.int64)
        changed |= whole[1:] != whole[:-1]
    return list(itertools.pairwise([0, *(np.flatnonzero(changed) + 1).tolist(), size])) if size else []
