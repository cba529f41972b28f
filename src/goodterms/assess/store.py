"""Stored assessments: each client's latest assessment in the database, refreshed when its ledger changes.

Every ledger change marks its clients stale (``mark_stale``) in the transaction of the change, so a
change is never stored without its mark. ``refresh_stale`` re-assesses the marked clients one by one
against the stored portfolio medians; ``refresh_all`` re-assesses everyone (the medians move) and
takes a trend's closed months from the month ends it stored before, scoring only what is missing.
Web pages and the API read what is stored (``read_all``, ``read_client``, ``read_changed``), so any
number of web processes show the same assessment and none of them computes a portfolio.

Safe with several refreshing processes at once (SQLite or PostgreSQL):

- Every write first bumps the one row of ``assessment_portfolio`` (its ``generation``): writers take
  turns on that row's lock, and a reader that saw generation *g* has seen every row written up to *g*.
- A client's row is replaced only by an assessment whose ledger read began later (``computed_at``),
  so a slow whole refresh cannot put back an older view over a client refreshed after it began.
- A refresh deletes only the stale marks (rows) it read before reading the ledger: a mark committed
  while it ran stays, and the client is refreshed again. Marks are only inserted, so ledger writers
  never wait on each other or on a refresh for them.

A stored month end keeps the portfolio medians it was scored against (a trend recomputed on demand
scores every month against today's medians); all of them are scored again when the assessment
settings or the business's hours, targets or rates change.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from goodterms.app import Goodterms
from goodterms.assess.cache import settings_key
from goodterms.assess.data import PortfolioStats
from goodterms.assess.service import (
    AssessResult,
    ClientResult,
    MonthHistory,
    UnknownClient,
    assess,
    assess_settings,
    month_ends,
)
from goodterms.gcpause import gc_paused
from goodterms.ledger import models as m
from goodterms.ledger.queries import find_client as lookup_client
from goodterms.ledger.stale import insert_for as _insert
from goodterms.ledger.stale import mark_stale as mark_stale
from goodterms.ledger.store import table_of

log = logging.getLogger(__name__)
#: ``refresh_stale`` refreshes everyone at once when more than this share of clients (and STALE_MIN) is stale.
STALE_SHARE = 0.05
STALE_MIN = 50
_CHUNK = 300  # rows per multi-row statement: far under SQLite's bound-parameter cap

_ASSESSMENTS = table_of(m.StoredAssessment)
_STALE = table_of(m.AssessmentStale)
_MONTHS = table_of(m.AssessmentMonth)
_CHANGES = table_of(m.VerdictChange)
_PORTFOLIO = table_of(m.AssessmentPortfolio)
_BUSINESS = table_of(m.AssessmentBusiness)


@dataclass(frozen=True)
class VerdictChangeEntry:
    """A client whose stored verdict changed: from what to what, and when."""

    client: str  # the client's source id
    name: str
    old_verdict: str
    new_verdict: str
    old_health: int
    new_health: int
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "name": self.name,
            "old_verdict": self.old_verdict,
            "new_verdict": self.new_verdict,
            "old_health": self.old_health,
            "new_health": self.new_health,
            "at": self.at.isoformat(),
        }


def basis_key(app: Goodterms) -> str:
    """Return a short hash of what scores depend on besides the ledger: assessment and business settings."""
    business = app.business().model_dump_json()
    return hashlib.sha256(f"{settings_key(assess_settings(app))}|{business}".encode()).hexdigest()[:32]


def _current_key(app: Goodterms) -> str:
    """Take up the assessment settings saved in the database (the owner may have changed them in another
    process since this one started) and return the key of what scores depend on. Every refresh starts
    here, so a worker or a second web process never stores scores made with settings no longer in force."""
    app.apply_stored_settings()
    return basis_key(app)


def _stale_marks(conn: Connection, client_id: int | None = None) -> dict[int, list[int]]:
    """Return the stale marks: client id -> the ids of its mark rows (of one client, or everyone's)."""
    query = select(_STALE.c.client_id, _STALE.c.id)
    if client_id is not None:
        query = query.where(_STALE.c.client_id == client_id)
    out: dict[int, list[int]] = {}
    for cid, mark in conn.execute(query):
        out.setdefault(cid, []).append(mark)
    return out


def stale_count(app: Goodterms) -> int:
    """Return how many clients wait for a refresh."""
    with app.engine.connect() as conn:
        return int(conn.scalar(select(func.count(func.distinct(_STALE.c.client_id)))) or 0)


def _stored_medians(app: Goodterms, key: str) -> PortfolioStats | None:
    with app.engine.connect() as conn:
        row = conn.execute(select(_PORTFOLIO.c.stats, _PORTFOLIO.c.settings_key)).first()
    if row is None or row.stats is None or row.settings_key != key:
        return None
    return PortfolioStats.from_json(row.stats)


def refresh_client(app: Goodterms, client_id: int) -> bool:
    """Re-assess one client (database id) now against the stored portfolio medians and store it.

    Returns False when the client no longer exists (its stale mark is cleared then).
    """
    return _refresh_one(app, client_id) is not None


def assess_and_store(app: Goodterms, client: str | None = None) -> AssessResult:
    """Assess everyone (or one client, by source id or name) as ``refresh_all``/``refresh_client`` do,
    store it, and return the result (``goodterms assess --store``)."""
    if client is None:
        return _refresh_all(app)
    with app.sessions() as session:
        client_id = lookup_client(session, client).id
    found = _refresh_one(app, client_id)
    if found is None:
        raise UnknownClient(f"no client {client!r}")
    return found


def _refresh_one(app: Goodterms, client_id: int) -> AssessResult | None:
    key = _current_key(app)
    with app.engine.connect() as conn:
        cleared = [mark for marks in _stale_marks(conn, client_id).values() for mark in marks]
        ext_id = conn.scalar(select(m.Client.ext_id).where(m.Client.id == client_id))
    basis = datetime.now(UTC)  # after the stale mark was read: this read of the ledger includes its change
    if ext_id is None:
        _write(app, [], basis=basis, key=key, months={}, cleared=cleared)
        return None
    portfolio = _stored_medians(app, key)
    try:
        result = assess(app=app, client=ext_id, fill=False, trend=True, portfolio=portfolio)
    except UnknownClient:
        _write(app, [], basis=basis, key=key, months={}, cleared=cleared)
        return None
    points = month_ends(result.as_of, assess_settings(app).trend_months, app.calendar().zone)
    months = _new_months(result, points, {})
    ours = _ours(_business_json(result, stored=True))
    _write(app, result.clients, basis=basis, key=key, months=months, cleared=cleared, ours=ours)
    return result


def refresh_stale(app: Goodterms) -> int:
    """Re-assess every client marked stale, one by one; return how many were refreshed.

    With nothing stored yet, stored under other settings, or more than ``STALE_SHARE`` of the clients
    stale (a large import), everyone is refreshed at once instead (``refresh_all``).
    """
    key = _current_key(app)
    with app.engine.connect() as conn:
        stale = _stale_marks(conn)
        if not stale:
            return 0
        stored_key = conn.scalar(
            select(_PORTFOLIO.c.settings_key).where(_PORTFOLIO.c.computed_at.is_not(None))
        )
        clients = int(conn.scalar(select(func.count()).select_from(m.Client)) or 0)
    if stored_key != key or len(stale) > max(STALE_MIN, STALE_SHARE * clients):
        return refresh_all(app)
    done = 0
    for cid in sorted(stale):
        try:
            done += refresh_client(app, cid)
        except Exception:  # one client's failure leaves it marked, to be tried again; the rest go on
            log.exception("refreshing the assessment of client %s failed; it stays marked", cid)
    return done


def refresh_all(app: Goodterms) -> int:
    """Re-assess every client (new portfolio medians), store everything; return how many clients.

    A trend's closed months come from the stored month ends of the clients not marked stale; only
    the months missing there (a month just closed, a new client, a stale one) are computed.

    The cyclic garbage collector stays paused while the result is stored too (its JSON is millions of
    small objects), and runs once after the result is gone: collecting while it is alive walks all of it.
    """
    with gc_paused(collect_after=True):
        return len(_refresh_all(app).clients)


def _refresh_all(app: Goodterms) -> AssessResult:
    key = _current_key(app)
    with app.engine.connect() as conn:
        stale = _stale_marks(conn)
    basis = datetime.now(UTC)
    settings = assess_settings(app)
    points = month_ends(basis, settings.trend_months, app.calendar().zone)
    history = _history(app, key, points, skip=set(stale))
    result = assess(app=app, fill=False, trend=True, history=history)
    months = _new_months(result, points, history)
    business = _business_json(result, stored=True)  # once: the portfolio's list, and each client's ``ours``
    _write(
        app,
        result.clients,
        basis=basis,
        key=key,
        months=months,
        ours=_ours(business),
        cleared=[k for marks in stale.values() for k in marks],
        whole=(result, business),
        oldest=points,
    )
    return result


def _history(app: Goodterms, key: str, points: Sequence[datetime], skip: set[int]) -> MonthHistory:
    """Return the stored month ends at ``points`` scored under ``key`` (of the clients not in ``skip``)."""
    if not points:
        return {}
    out: dict[datetime, dict[int, int | None]] = {p: {} for p in points}
    by_utc = {p.astimezone(UTC): p for p in points}
    with app.engine.connect() as conn:
        rows = conn.execute(
            select(_MONTHS.c.client_id, _MONTHS.c.as_of, _MONTHS.c.health).where(
                _MONTHS.c.settings_key == key, _MONTHS.c.as_of >= min(points)
            )
        )
        for cid, at, health in rows:
            point = by_utc.get(at.astimezone(UTC))
            if point is not None and cid not in skip:
                out[point][cid] = health
    return out


def _new_months(
    result: AssessResult, points: Sequence[datetime], known: MonthHistory
) -> dict[int, list[tuple[datetime, str, int | None]]]:
    """Return the month ends of each client that ``known`` did not hold (health None: not started then)."""
    out: dict[int, list[tuple[datetime, str, int | None]]] = {}
    for one in result.clients:
        past = {datetime.fromisoformat(p["as_of"]): p for p in one.trend[:-1]}
        for point in points:
            if one.db_id in known.get(point, {}):
                continue
            found = past.get(point)
            month = found["month"] if found else _label(point)
            out.setdefault(one.db_id, []).append((point, month, found["health"] if found else None))
    return out


def _business_json(result: AssessResult, *, stored: bool = False) -> list[dict[str, Any]]:
    """Return the findings on the business as JSON (each converted once; ``stored``: see ``Finding.to_json``)."""
    return [f.to_json(stored=stored) for f in result.business]


def _ours(business: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Return client source id -> the findings on the business about that client (``slow_response``)."""
    ours: dict[str, list[dict[str, Any]]] = {}
    for found in business:
        if found.get("client") is not None:
            ours.setdefault(found["client"], []).append(found)
    return ours


def assessment_json(result: AssessResult) -> dict[str, dict[str, Any]]:
    """Return client source id -> the client's assessment JSON as stored, with ``ours``: the findings on
    the business about that client (our lateness, with its evidence), which the home page lists."""
    ours = _ours(_business_json(result))
    return {c.id: {**c.to_json(), "ours": ours.get(c.id, [])} for c in result.clients}


def _write(
    app: Goodterms,
    clients: Sequence[ClientResult],
    *,
    basis: datetime,
    key: str,
    months: Mapping[int, list[tuple[datetime, str, int | None]]],
    cleared: Sequence[int],
    whole: tuple[AssessResult, list[dict[str, Any]]] | None = None,
    oldest: Sequence[datetime] = (),
    ours: Mapping[str, list[dict[str, Any]]] | None = None,
) -> None:
    """Store assessments (a newer stored one of a client is kept), verdict changes, months; clear marks."""
    with app.engine.begin() as conn:
        generation = _bump(conn, basis, key, whole)  # first: the write lock, taken before anything is read
        existing: dict[int, tuple[datetime, str, int]] = {}
        ids = [c.db_id for c in clients]
        for i in range(0, len(ids), _CHUNK):
            query = select(_ASSESSMENTS.c.client_id, _ASSESSMENTS.c.computed_at, _ASSESSMENTS.c.verdict,
                           _ASSESSMENTS.c.health).where(_ASSESSMENTS.c.client_id.in_(ids[i : i + _CHUNK]))  # fmt: skip
            existing.update({cid: (at, v, h) for cid, at, v, h in conn.execute(query)})
        rows, changes = [], []
        for one in clients:
            before = existing.get(one.db_id)
            if before is not None and before[0] > basis:
                continue  # refreshed by a run that read the ledger later than this one
            rows.append(
                {
                    "client_id": one.db_id,
                    "computed_at": basis,
                    "as_of": whole[0].as_of if whole is not None else _as_of(one, basis),
                    "settings_key": key,
                    "health": one.health,
                    "verdict": one.verdict,
                    "data": {**one.to_json(stored=True), "ours": (ours or {}).get(one.id, [])},
                    "generation": generation,
                }
            )
            if before is not None and before[1] != one.verdict:
                changes.append({"client_id": one.db_id, "at": basis, "old_verdict": before[1],
                                "new_verdict": one.verdict, "old_health": before[2], "new_health": one.health})  # fmt: skip
        if rows:
            stmt = _insert(conn, _ASSESSMENTS)
            columns = ("computed_at", "as_of", "settings_key", "health", "verdict", "data", "generation")
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["client_id"],
                    set_={c: stmt.excluded[c] for c in columns},
                    where=_ASSESSMENTS.c.computed_at <= stmt.excluded.computed_at,
                ),
                rows,
            )
        if changes:
            conn.execute(insert(_CHANGES), changes)
        written = {r["client_id"] for r in rows}
        month_rows = [
            {
                "client_id": cid,
                "as_of": point,
                "month": label,
                "settings_key": key,
                "health": health,
                "computed_at": basis,
            }
            for cid, found in months.items()
            if cid in written
            for point, label, health in found
        ]
        if month_rows:
            stmt = _insert(conn, _MONTHS)
            kept = ("month", "settings_key", "health", "computed_at")
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["client_id", "as_of"], set_={c: stmt.excluded[c] for c in kept}
                ),
                month_rows,
            )
        if oldest:
            conn.execute(delete(_MONTHS).where(_MONTHS.c.as_of < min(oldest)))  # out of every trend now
        marks = sorted(cleared)
        for i in range(0, len(marks), _CHUNK):  # exactly the marks read before the ledger was
            conn.execute(delete(_STALE).where(_STALE.c.id.in_(marks[i : i + _CHUNK])))


def _label(point: datetime) -> str:
    """Return the month that ends at a month start (as the trend names it)."""
    return (point - timedelta(seconds=1)).strftime("%Y-%m")


def _as_of(one: ClientResult, default: datetime) -> datetime:
    return datetime.fromisoformat(one.trend[-1]["as_of"]) if one.trend else default


def _bump(
    conn: Connection, basis: datetime, key: str, whole: tuple[AssessResult, list[dict[str, Any]]] | None
) -> int:
    """Bump the write counter (taking the writers' lock) and, for a whole refresh, store the portfolio
    (its medians in the counter's row, kept small: every write rewrites it; the findings on the business
    in a row of their own)."""
    stmt = _insert(conn, _PORTFOLIO)
    values: dict[str, Any] = {"id": 1, "generation": 1}
    update: dict[str, Any] = {"generation": _PORTFOLIO.c.generation + 1}
    if whole is not None:
        result, business = whole
        portfolio = {
            "computed_at": basis,
            "as_of": result.as_of,
            "settings_key": key,
            "stats": result.portfolio.to_json(),
        }
        values.update(portfolio)
        update.update({k: stmt.excluded[k] for k in portfolio})
    upsert = stmt.values(values).on_conflict_do_update(index_elements=["id"], set_=update)
    generation = int(conn.execute(upsert.returning(_PORTFOLIO.c.generation)).scalar_one())
    if whole is not None:
        found = _insert(conn, _BUSINESS).values(id=1, findings=business)
        conn.execute(
            found.on_conflict_do_update(index_elements=["id"], set_={"findings": found.excluded.findings})
        )
    return generation


# --- reading ------------------------------------------------------------------------------------


def read_generation(app: Goodterms) -> int | None:
    """Return the stored assessments' write counter (None: no whole portfolio stored yet)."""
    with app.engine.connect() as conn:
        row = conn.execute(select(_PORTFOLIO.c.generation, _PORTFOLIO.c.computed_at)).first()
    return None if row is None or row.computed_at is None else int(row.generation)


def ensure_stored(app: Goodterms) -> int:
    """Return the write counter, first assessing and storing everyone when nothing is stored yet."""
    generation = read_generation(app)
    if generation is None:
        refresh_all(app)
        generation = read_generation(app)
    return generation or 0


def read_changed(app: Goodterms, after: int = 0) -> tuple[int, dict[str, dict[str, Any]]]:
    """Return the write counter and the assessments stored after generation ``after`` (source id -> JSON).

    ``after=0`` reads every stored assessment; a reader that keeps the result asks only for what changed.
    """
    generation = ensure_stored(app)
    with app.engine.connect() as conn:
        query = (
            select(m.Client.ext_id, _ASSESSMENTS.c.data)
            .join(m.Client, m.Client.id == _ASSESSMENTS.c.client_id)
            .where(_ASSESSMENTS.c.generation > after, _ASSESSMENTS.c.generation <= generation)
        )
        return generation, {ext_id: dict(data) for ext_id, data in conn.execute(query)}


def read_all(app: Goodterms) -> dict[str, Any]:
    """Return the stored portfolio in the shape of ``goodterms assess --json`` (assessing it first if none)."""
    ensure_stored(app)
    _, clients = read_changed(app)
    with app.engine.connect() as conn:
        row = conn.execute(select(_PORTFOLIO)).one()
        business = conn.scalar(select(_BUSINESS.c.findings))
    ordered = sorted(clients.values(), key=lambda c: (int(c["health"]), str(c["id"])))
    return {
        "as_of": row.as_of.isoformat(),
        "clients": ordered,
        "business": {"findings": list(business or [])},
        "portfolio": dict(row.stats or {}),
    }


def read_client(app: Goodterms, client_id: int | str) -> dict[str, Any] | None:
    """Return one client's stored assessment JSON (by database id, or by source id as a string)."""
    ensure_stored(app)
    where = m.Client.id == client_id if isinstance(client_id, int) else m.Client.ext_id == client_id
    with app.engine.connect() as conn:
        data = conn.scalar(
            select(_ASSESSMENTS.c.data).join(m.Client, m.Client.id == _ASSESSMENTS.c.client_id).where(where)
        )
    return dict(data) if data is not None else None


def verdict_changes(app: Goodterms, since: datetime) -> list[VerdictChangeEntry]:
    """Return the stored verdicts that changed at or after ``since``, newest first."""
    with app.engine.connect() as conn:
        rows = conn.execute(
            select(m.Client.ext_id, m.Client.name, _CHANGES)
            .join(m.Client, m.Client.id == _CHANGES.c.client_id)
            .where(_CHANGES.c.at >= since)
            .order_by(_CHANGES.c.at.desc(), _CHANGES.c.id.desc())
        )
        return [
            VerdictChangeEntry(
                r.ext_id, r.name, r.old_verdict, r.new_verdict, r.old_health, r.new_health, r.at
            )
            for r in rows
        ]
