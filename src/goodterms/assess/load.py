"""Load ClientFacts from the ledger: SQL aggregation grouped by client, honouring as-of (SQLite and PostgreSQL).

Each query reads one table (or one join) once, filtered to records before ``as_of`` and optionally to
some clients, and returns one row per client; only per-request, per-ask and per-invoice series that a
flag needs as a series (rushes and lateness in business hours, median waits, the payment trend) are
fetched as rows, and those are processed with numpy, not row by row. ``load_facts_at`` answers for
several as-of moments in the same pass (one row per moment and client; see ``sql.Moments``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Connection, FromClause, and_, case, func, select, type_coerce

from goodterms.assess.arrays import group_min, union_days
from goodterms.assess.clock import clock_for
from goodterms.assess.config import AssessSettings
from goodterms.assess.data import ClientFacts, InvoiceFact, LateRequest
from goodterms.assess.findings import Evidence
from goodterms.assess.rows import contact_rows
from goodterms.assess.sql import (
    LATE_UNIT,
    Moments,
    count_if,
    epoch,
    fetch_columns,
    first_resolved,
    in_clients,
)
from goodterms.calendar import BusinessCalendar
from goodterms.ledger import models as m
from goodterms.ledger.events import FIRST_DAY
from goodterms.ledger.types import Fixed2, from_hundredths

NONE = -1  # epoch stand-in for a missing time in fetched arrays
_EPOCH_DAY = date(1970, 1, 1)
_log = logging.getLogger(__name__)
_FIRST = datetime.combine(FIRST_DAY, time(), UTC)  # earlier records cannot start the clock
_PAIR = 1 << 40  # (moment, client) pairs as one integer: moment * _PAIR + client id
Acc = dict[tuple[int, int], dict[str, Any]]  # (moment key, client id) -> ClientFacts fields


@dataclass(frozen=True)
class Scope:
    """What a load is about: the moment, the settings, the business calendar and response target."""

    as_of: datetime
    settings: AssessSettings
    calendar: BusinessCalendar
    response_target_hours: float
    first_at: datetime
    horizon: datetime | None = None  # the latest as-of of this run (trend points share one clock)
    currency: str = ""  # the business's currency; money of other currencies is converted
    rates: Mapping[str, Decimal] = field(default_factory=dict)  # value of one unit in `currency`

    def at(self, as_of: datetime) -> Scope:
        """Return the same scope at an earlier moment."""
        return replace(
            self, as_of=as_of, first_at=min(self.first_at, as_of), horizon=self.horizon or self.as_of
        )

    def today(self) -> Moments:
        """Return this scope's one moment, as an assessment without its trend reads the ledger at it."""
        return Moments.of([self.as_of], recent_days=self.settings.recent_days, zone=self.calendar.zone)

    @property
    def as_of_s(self) -> int:
        return int(self.as_of.timestamp())


def ledger_start(conn: Connection, client_ids: Sequence[int] | None = None) -> datetime | None:
    """Return the time of the earliest contact or request in the ledger (of some clients), client by client
    on the (client_id, at) index (a few seeks each, where a scan read every record). A record before
    ``events.FIRST_DAY`` (imports refuse those; an older ledger may hold one) cannot start the
    business-hours clock: it is named in a warning and the next record starts it."""
    firsts = []
    clients = in_clients(m.Client.id, client_ids)
    for model in (m.Contact, m.Request):
        mine = (model.client_id == m.Client.id) & clients
        early = select(model.ext_id, model.at).join(m.Client, mine).where(model.at < _FIRST).limit(5)
        for ext_id, at in conn.execute(early):
            _log.warning(f"{model.__tablename__} record {ext_id} is dated {at.date()}, before {FIRST_DAY}, "
                         "the earliest date goodterms accepts: the business-hours clock starts at the next record")  # fmt: skip
        first = select(func.min(model.at)).where(model.client_id == m.Client.id, model.at >= _FIRST)
        each = func.min(first.correlate(m.Client).scalar_subquery())
        firsts.append(conn.scalar(select(each).select_from(m.Client).where(clients)))
    present = [f for f in firsts if f is not None]
    return min(present) if present else None


def _money(value: Decimal | None) -> Decimal:
    return Decimal("0.00") if value is None else value


class EpochTimes(dict[int, datetime]):
    """Whole epoch seconds (as the loaders fetch times) -> aware UTC datetime, each made once: a loader's
    many records share times (evidence cited for several flags, promises on the hour)."""

    def __missing__(self, epoch_s: int) -> datetime:
        made = self[epoch_s] = datetime.fromtimestamp(epoch_s, UTC)
        return made


def load_facts(
    conn: Connection, *, scope: Scope, client_ids: Sequence[int] | None = None
) -> dict[int, ClientFacts]:
    """Return each client's facts as of ``scope.as_of`` (all clients, or those in ``client_ids``)."""
    return load_facts_at(conn, scope=scope, moments=[scope.as_of], client_ids=client_ids)[0]


def load_facts_at(
    conn: Connection, *, scope: Scope, moments: Sequence[datetime], client_ids: Sequence[int] | None = None
) -> list[dict[int, ClientFacts]]:
    """Return each client's facts at each of several moments (one dict per moment, in order).

    Every table is read once for all the moments (see ``Moments``): a client's monthly trend costs
    one pass, not one per month. Each moment's facts are exactly those ``load_facts`` gives at it.
    """
    if not moments:
        return []
    rows = conn.execute(
        select(
            m.Client.id, m.Client.ext_id, m.Client.name, m.Client.response_target_hours, m.Client.currency
        ).where(in_clients(m.Client.id, client_ids))
    ).all()
    scope = replace(scope, first_at=min(scope.first_at, *moments))
    mo = Moments.of(moments, recent_days=scope.settings.recent_days, zone=scope.calendar.zone)
    acc: Acc = {(k, r.id): {"id": r.ext_id, "name": r.name} for k in range(len(moments)) for r in rows}
    targets = {r.id: float(r.response_target_hours or scope.response_target_hours) for r in rows}
    out: list[dict[int, ClientFacts]] = [{} for _ in moments]
    if not acc:
        return out
    ids = None if client_ids is None else [r.id for r in rows]
    placed = contact_rows(  # each contact placed in business time once, for the sums and the chases
        conn,
        moments=mo,
        first_at=scope.first_at,
        settings=scope.settings,
        calendar=scope.calendar,
        client_ids=ids,
    )
    _contacts(conn, placed, ids, acc)
    _work(conn, scope, mo, ids, acc)
    _requests(conn, scope, mo, ids, acc, targets, placed)
    _concessions(conn, scope, mo, ids, acc)
    _notes(conn, scope, mo, ids, acc)
    _asks(conn, scope, mo, ids, acc)
    _invoices(conn, scope, mo, ids, acc)
    currencies = {r.id: r.currency for r in rows}
    for (k, cid), values in acc.items():
        _convert(values, currencies[cid], scope)
        out[k][cid] = ClientFacts(**values)
    return out


def _as_of_s(mo: Moments) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Return each moment as whole epoch seconds, indexed by moment key."""
    return np.array([int(point.timestamp()) for point in mo.points], dtype=np.int64)


def _pairs(key: np.ndarray[Any, Any], client: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Return one int64 per (moment, client), ordered as the pairs are (decode with ``_unpair``)."""
    pairs: np.ndarray[Any, Any] = key.astype(np.int64) * _PAIR + client.astype(np.int64)
    return pairs


def _unpair(pair: int) -> tuple[int, int]:
    k, cid = divmod(int(pair), _PAIR)
    return k, cid


def _convert(values: dict[str, Any], currency: str, scope: Scope) -> None:
    """Express a client's money in the business's currency, or mark it as not comparable."""
    if not scope.currency or currency == scope.currency:
        return
    rate = scope.rates.get(currency)
    if rate is None:
        values["revenue_known"] = False
        return
    for key in ("revenue", "granted_value"):
        if key in values:
            values[key] = (Decimal(values[key]) * rate).quantize(Decimal("0.01"))


def _span(values: dict[str, Any], first: int | None, last: int | None) -> None:
    if first is None or last is None:
        return
    values["first_s"] = min(values.get("first_s", first), int(first))
    values["last_s"] = max(values.get("last_s", last), int(last))


def _contacts(conn: Connection, rows: FromClause, ids: list[int] | None, acc: Acc) -> None:
    """Aggregate contacts in one pass: all of them, the inbound ones, and the chases, which are taken back out.

    Sums are whole numbers (seconds, counts), so every database adds them up to the same result.
    """
    r = rows.c
    counted, chase = r.counted_in, r.inbound & r.chase  # a chase is the client's message
    query = (
        select(
            r.k,
            r.cid,
            func.sum(r.handling),
            func.min(epoch(r.at)),
            func.max(epoch(r.at)),
            count_if(counted),
            func.sum(case((counted, r.slot), else_=0)),
            count_if(r.call_in),
            count_if(r.missed),
            count_if(r.toned_in),
            count_if(r.hostile_in),
            count_if(r.toned_in & r.recent),
            count_if(r.hostile_in & r.recent),
            count_if(r.threat_in),
            count_if(r.long_taken),
            count_if(r.late_hard),
            count_if(r.hostile_taken),
            count_if(r.hard),
            count_if(counted & chase),
            func.sum(case((counted & chase, r.slot), else_=0)),
            func.sum(case((chase, r.handling), else_=0)),
        )
        .where(in_clients(r.cid, ids))
        .group_by(r.k, r.cid)
    )
    names = [
        "inbound_calls",
        "missed_calls",
        "toned",
        "hostile",
        "toned_recent",
        "hostile_recent",
        "threats",
        "long_calls",
        "late_calls",
        "hostile_calls",
        "strained_calls",
    ]
    for k, cid, handled, first, last, n, slots, *rest in conn.execute(query):
        chases, chase_slots, chase_s = (int(v or 0) for v in rest[len(names) :])
        after = int(slots or 0) - chase_slots
        values = acc[(k, cid)]
        values.update(
            handling_min=(int(handled or 0) - chase_s) / 60,
            inbound=int(n or 0) - chases,
            after_hours=after % LATE_UNIT,
            late_night=after // LATE_UNIT,
            chases=chases,
        )
        values.update({name: int(value or 0) for name, value in zip(names, rest[: len(names)], strict=True)})
        _span(values, first, last)


def _work(conn: Connection, scope: Scope, mo: Moments, ids: list[int] | None, acc: Acc) -> None:
    w = m.WorkLog
    query = (
        select(
            mo.key,
            w.client_id,
            func.sum(w.minutes),
            func.sum(case((w.billable.is_(False), w.minutes), else_=0)),
            func.min(epoch(w.at)),
            func.max(epoch(w.at)),
        )
        .select_from(mo.join(w.__table__))
        .where(w.at < mo.as_of, in_clients(w.client_id, ids))
        .group_by(*mo.group, w.client_id)
    )
    for k, cid, total, unpaid, first, last in conn.execute(query):
        acc[(k, cid)].update(work_min=float(total or 0), nonbillable_min=float(unpaid or 0))
        _span(acc[(k, cid)], first, last)
    d = m.Delivery
    deliveries = (
        select(mo.key, d.client_id, func.count())
        .select_from(mo.join(d.__table__))
        .where(d.at < mo.as_of, in_clients(d.client_id, ids))
        .group_by(*mo.group, d.client_id)
    )
    for k, cid, n in conn.execute(deliveries):
        acc[(k, cid)]["deliveries"] = n


def _requests(
    conn: Connection,
    scope: Scope,
    mo: Moments,
    ids: list[int] | None,
    acc: Acc,
    targets: dict[int, float],
    contacts: FromClause,
) -> None:
    r = m.Request
    fr = first_resolved(mo, ids)
    rows = contacts.c
    chases = (  # each request's chases: the client's messages about it after it was made, before it was resolved
        select(rows.k, rows.request_id, func.count().label("n"))
        .where(rows.inbound & rows.chase, in_clients(rows.cid, ids))
        .group_by(rows.k, rows.request_id)
        .subquery("ch")
    )
    query = (
        select(
            mo.key,
            r.client_id,
            r.ext_id,
            epoch(r.at),
            func.coalesce(epoch(r.deadline), NONE),
            func.coalesce(epoch(r.promised_at), NONE),
            r.kind,
            func.coalesce(epoch(fr.c.first), NONE),
            func.coalesce(chases.c.n, 0),
        )
        .select_from(
            mo.join(r.__table__)
            .outerjoin(fr, and_(fr.c.request_id == r.id, mo.same(fr)))
            .outerjoin(chases, and_(chases.c.request_id == r.id, mo.same(chases)))
        )
        .where(r.at < mo.as_of, in_clients(r.client_id, ids))
        .order_by(*mo.group, r.client_id, r.at, r.id)
    )
    columns = fetch_columns(conn, query)
    if not len(columns[0]):
        return
    key, client, at, deadline, promised, first, n_chases = (
        columns[i].astype(np.int64) for i in (0, 1, 3, 4, 5, 7, 8)
    )
    pair = _pairs(key, client)
    ext_ids = columns[2].tolist()
    cfg = scope.settings
    kinds = columns[6].tolist()  # a few kinds over many requests: look each up once (sorting them is slower)
    per_kind = {k: cfg.turnaround_hours.get(str(k), cfg.default_turnaround_hours) for k in set(kinds)}
    turnaround = np.fromiter((per_kind[k] for k in kinds), dtype=np.float64, count=len(kinds))
    clock = clock_for(scope.calendar, scope.first_at, scope.horizon)
    has_deadline = deadline != NONE
    rush = has_deadline & (clock.hours_between(at, deadline) < turnaround)
    known = np.array(sorted(targets), dtype=np.int64)
    by_client = np.array([targets[cid] for cid in known.tolist()], dtype=np.float64)
    target = by_client[np.searchsorted(known, client)]
    promise = np.where(promised != NONE, promised, clock.add_hours(at, target))
    answered = first != NONE
    until = np.where(answered, first, _as_of_s(mo)[key])
    late = until > promise
    hours_late = clock.hours_between(np.minimum(promise, until), until)
    for one, n in zip(*np.unique(pair, return_counts=True), strict=True):
        acc[_unpair(one)]["requests"] = int(n)
    cap = cfg.evidence_cap
    times = EpochTimes()
    rush_evidence: dict[tuple[int, int], list[Evidence]] = {}
    rushed = np.flatnonzero(rush)
    for one, ext_id, at_s in zip(
        pair[rushed].tolist(), [ext_ids[i] for i in rushed.tolist()], at[rushed].tolist(), strict=True
    ):
        values = acc[(who := _unpair(one))]
        values["rushes"] = values.get("rushes", 0) + 1
        if len(bucket := rush_evidence.setdefault(who, [])) < cap:
            bucket.append(Evidence("request", ext_id, times[at_s]))
    for who, items in rush_evidence.items():
        acc[who]["evidence"] = {"rush_demands": tuple(items)}
        acc[who]["evidence_totals"] = {"rush_demands": acc[who]["rushes"]}
    late_by: dict[tuple[int, int], list[LateRequest]] = {}
    overdue = np.flatnonzero(late)  # taken out as lists at once: indexing arrays item by item is slow
    for one, ext_id, at_s, promise_s, hours, was_answered, chased in zip(
        pair[overdue].tolist(),
        [ext_ids[i] for i in overdue.tolist()],
        at[overdue].tolist(),
        np.minimum(promise[overdue], 2**37).tolist(),
        hours_late[overdue].tolist(),
        answered[overdue].tolist(),
        n_chases[overdue].tolist(),
        strict=True,
    ):
        late_by.setdefault(_unpair(one), []).append(
            LateRequest(
                id=ext_id,
                at=times[at_s],
                promised=times[promise_s],
                hours_late=hours,
                answered=was_answered,
                chases=chased,
            )
        )
    for who, lates in late_by.items():
        acc[who]["late_requests"] = tuple(lates)
    for one, first_s in zip(*group_min(pair, at), strict=True):
        _span(acc[_unpair(one)], int(first_s), int(first_s))


def _concessions(conn: Connection, scope: Scope, mo: Moments, ids: list[int] | None, acc: Acc) -> None:
    k = m.Concession
    where = (k.at < mo.as_of, in_clients(k.client_id, ids))
    first_grant = (
        select(mo.key.label("k"), k.client_id, func.min(k.at).label("at"))
        .select_from(mo.join(k.__table__))
        .where(k.granted.is_(True), *where)
        .group_by(*mo.group, k.client_id)
        .subquery("fg")
    )
    query = (
        select(
            mo.key,
            k.client_id,
            count_if(k.asked.is_(True)),
            count_if(k.granted.is_(True)),
            type_coerce(func.sum(case((k.granted.is_(True), k.value), else_=0)), Fixed2()),
            count_if(k.asked.is_(True) & first_grant.c.at.is_not(None) & (k.at > first_grant.c.at)),
        )
        .select_from(
            mo.join(k.__table__).outerjoin(
                first_grant, and_(first_grant.c.client_id == k.client_id, mo.same(first_grant))
            )
        )
        .where(*where)
        .group_by(*mo.group, k.client_id)
    )
    for key, cid, asks, grants, value, after in conn.execute(query):
        acc[(key, cid)].update(
            concession_asks=asks or 0,
            grants=grants or 0,
            granted_value=_money(value),
            asks_after_grant=after or 0,
        )


def _notes(conn: Connection, scope: Scope, mo: Moments, ids: list[int] | None, acc: Acc) -> None:
    n = m.StaffNote
    query = (
        select(mo.key, n.client_id, func.count(), count_if(n.feeling < 0))
        .select_from(mo.join(n.__table__))
        .where(n.at < mo.as_of, in_clients(n.client_id, ids))
        .group_by(*mo.group, n.client_id)
    )
    for k, cid, notes, negative in conn.execute(query):
        acc[(k, cid)].update(notes=notes, negative_notes=negative or 0)


def _asks(conn: Connection, scope: Scope, mo: Moments, ids: list[int] | None, acc: Acc) -> None:
    a, ans = m.ApprovalAsk, m.ApprovalAnswer
    source = mo.join(ans.__table__)
    if ids is not None:
        source = source.join(a.__table__, a.id == ans.ask_id)
    first_query = (
        select(mo.key.label("k"), ans.ask_id, func.min(ans.at).label("at"))
        .select_from(source)
        .where(ans.at < mo.as_of)
    )
    if ids is not None:
        first_query = first_query.where(in_clients(a.client_id, ids))
    first = first_query.group_by(*mo.group, ans.ask_id).subquery("fa")
    query = (
        select(mo.key, a.client_id, epoch(a.at), func.coalesce(epoch(first.c.at), NONE), a.kind)
        .select_from(mo.join(a.__table__).outerjoin(first, and_(first.c.ask_id == a.id, mo.same(first))))
        .where(a.at < mo.as_of, in_clients(a.client_id, ids))
        .order_by(
            *mo.group, a.client_id, a.at, a.id
        )  # a fixed order: float sums come out the same on every engine
    )
    key, client, at, answered_at, kind = fetch_columns(conn, query)
    if len(client):
        key, client, at, answered_at = (column.astype(np.int64) for column in (key, client, at, answered_at))
        pair = _pairs(key, client)
        unanswered = answered_at == NONE
        ended = np.where(unanswered, _as_of_s(mo)[key], answered_at)
        wait = (ended - at) / 86400.0
        approval = kind.astype(object) == "approval"
        order = np.lexsort((wait, pair))
        keys, starts, counts = np.unique(pair[order], return_index=True, return_counts=True)
        ordered = wait[order]
        medians = (ordered[starts + (counts - 1) // 2] + ordered[starts + counts // 2]) / 2
        group = np.searchsorted(keys, pair)
        size = len(keys)
        unanswered_n = np.bincount(group, weights=unanswered, minlength=size)
        delay_sum = union_days(group, at + round(scope.settings.feedback_grace_days * 86400), ended, size)
        approvals = np.bincount(group, weights=approval, minlength=size)
        for j, one in enumerate(keys.tolist()):
            acc[_unpair(one)].update(
                asks=int(counts[j]),
                unanswered=int(unanswered_n[j]),
                median_wait_days=float(medians[j]),
                longest_wait_days=float(ordered[starts[j] + counts[j] - 1]),
                delay_days=float(delay_sum[j]),
                approval_rounds=int(approvals[j]),
            )
    changes = (
        select(mo.key, a.client_id, func.count())
        .select_from(mo.join(ans.__table__).join(a.__table__, a.id == ans.ask_id))
        .where(ans.outcome == "changes", ans.at < mo.as_of, in_clients(a.client_id, ids))
        .group_by(*mo.group, a.client_id)
    )
    for k, cid, n in conn.execute(changes):
        acc[(k, cid)]["change_requests"] = n


def _invoices(conn: Connection, scope: Scope, mo: Moments, ids: list[int] | None, acc: Acc) -> None:
    i, p = m.Invoice, m.Payment
    revenue = (
        select(mo.key, i.client_id, func.sum(i.amount))
        .select_from(mo.join(i.__table__))
        .where(i.issued <= mo.today, in_clients(i.client_id, ids))
        .group_by(*mo.group, i.client_id)
    )
    for k, cid, total in conn.execute(revenue):
        acc[(k, cid)]["revenue"] = total if total is not None else Decimal(0)
    running = func.sum(p.amount).over(partition_by=(*mo.group, p.invoice_id), order_by=(p.at, p.id))
    cumulative = (
        select(mo.key.label("k"), p.invoice_id, p.at, running.label("cum"), i.amount.label("amount"))
        .select_from(mo.join(p.__table__).join(i.__table__, i.id == p.invoice_id))
        .where(p.at < mo.as_of, in_clients(i.client_id, ids))
        .subquery("cp")
    )
    paid = (
        select(*mo.keyed(cumulative), cumulative.c.invoice_id, func.min(cumulative.c.at).label("at"))
        .where(cumulative.c.cum >= cumulative.c.amount)
        .group_by(*mo.keyed(cumulative), cumulative.c.invoice_id)
        .subquery("paid")
    )
    recent = func.row_number().over(
        partition_by=(*mo.group, i.client_id), order_by=(i.due.desc(), i.id.desc())
    )
    due = (
        select(
            mo.key.label("k"),
            i.client_id,
            i.ext_id,
            i.due,
            epoch(i.due).label("due_s"),
            i.amount.label("amount"),
            i.disputed,
            func.coalesce(epoch(paid.c.at), NONE).label("paid_s"),
            recent.label("rn"),
        )
        .select_from(mo.join(i.__table__).outerjoin(paid, and_(paid.c.invoice_id == i.id, mo.same(paid))))
        .where(i.due < mo.today, in_clients(i.client_id, ids))
        .subquery("due")
    )
    query = (
        select(
            due.c.k,
            due.c.client_id,
            due.c.ext_id,
            due.c.due_s,
            type_coerce(due.c.amount, BigInteger),  # hundredths, as stored
            due.c.disputed,
            due.c.paid_s,
        )
        .where((due.c.rn <= scope.settings.late_max_cycles) | (due.c.paid_s == NONE))
        .order_by(*mo.keyed(due), due.c.client_id, due.c.due_s, due.c.ext_id)
    )
    key, client, ext_id, due_s, amount, disputed, paid_s = fetch_columns(conn, query)
    key, due_s, paid_s = key.astype(np.int64), due_s.astype(np.int64), paid_s.astype(np.int64)
    paid = paid_s != NONE
    until = np.where(paid, paid_s, _as_of_s(mo)[key])
    days_late = np.maximum(0, (until - due_s) // 86400).astype(np.float64)
    series: dict[tuple[int, int], list[InvoiceFact]] = {}
    for k, cid, ext, day, cents, late, is_paid, argued in zip(
        key.tolist(),
        client.tolist(),
        ext_id.tolist(),
        (due_s // 86400).tolist(),
        amount.tolist(),
        days_late.tolist(),
        paid.tolist(),
        disputed.tolist(),
        strict=True,
    ):
        series.setdefault((k, cid), []).append(
            InvoiceFact(
                id=ext,
                due=_EPOCH_DAY + timedelta(days=day),
                amount=from_hundredths(cents),
                days_late=late,
                paid=is_paid,
                disputed=bool(argued),
            )
        )
    for who, items in series.items():
        acc[who]["invoices"] = tuple(items)
