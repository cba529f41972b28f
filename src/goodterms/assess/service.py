"""The assessment service: load facts, run the flags, score, judge and explain; one call per front door."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from goodterms.app import Goodterms
from goodterms.assess import analytic
from goodterms.assess.cache import read_portfolio, save_portfolio
from goodterms.assess.config import AssessSettings
from goodterms.assess.data import ClientFacts, Context, PortfolioStats
from goodterms.assess.evidence import load_evidence
from goodterms.assess.fairness import slow_response
from goodterms.assess.findings import Finding
from goodterms.assess.flags import run_flags
from goodterms.assess.flags._base import with_evidence
from goodterms.assess.health import score
from goodterms.assess.load import Scope, ledger_start, load_facts, load_facts_at
from goodterms.assess.rows import drop_contact_rows, keep_contact_rows
from goodterms.assess.verdict import Verdict, advice, verdict
from goodterms.gcpause import gc_paused
from goodterms.ledger.queries import UnknownClient as UnknownClient
from goodterms.ledger.queries import find_client as lookup_client
from goodterms.tone_service import fill_tone

#: Known trend points: month start -> client database id -> health then (None: not started yet).
MonthHistory = Mapping[datetime, Mapping[int, int | None]]


@dataclass(frozen=True)
class ClientResult:
    """One client's assessment."""

    db_id: int
    id: str
    name: str
    health: int
    verdict: Verdict
    flags: list[Finding]
    advice: list[dict[str, str]]
    trend: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self, *, stored: bool = False) -> dict[str, Any]:
        """Return the client's assessment as JSON (``stored``: as ``Finding.to_json`` says)."""
        return {
            "id": self.id,
            "name": self.name,
            "health": self.health,
            "verdict": self.verdict,
            "flags": [f.to_json(stored=stored) for f in self.flags],
            "advice": self.advice,
            "trend": self.trend,
        }


@dataclass(frozen=True)
class AssessResult:
    """A whole assessment: the clients, the findings on the business, and the yardstick used."""

    as_of: datetime
    clients: list[ClientResult]
    business: list[Finding]
    portfolio: PortfolioStats

    def to_json(self) -> dict[str, Any]:
        """Return the documented JSON shape (docs/assess.md)."""
        return {
            "as_of": self.as_of.isoformat(),
            "clients": [c.to_json() for c in self.clients],
            "business": {"findings": [f.to_json() for f in self.business]},
            "portfolio": self.portfolio.to_json(),
        }


def assess_settings(app: Goodterms) -> AssessSettings:
    """Return the ``[assess]`` settings (defaults when goodterms.toml has none)."""
    found = getattr(app.settings, "assess", None)
    if isinstance(found, AssessSettings):
        return found
    return AssessSettings.model_validate(found or {})


def month_ends(as_of: datetime, months: int, tz: Any) -> list[datetime]:
    """Return the starts of the last ``months - 1`` months before ``as_of`` (business time), oldest first."""
    local = as_of.astimezone(tz)
    year, month = local.year, local.month
    points: list[datetime] = []
    for _ in range(max(0, months - 1)):
        start = datetime.combine(date(year, month, 1), time(), tzinfo=tz)
        if start < as_of:
            points.append(start)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(points)[-max(0, months - 1) :] if months > 1 else []


def find_client(app: Goodterms, key: str) -> int:
    """Return the database id of a client given by source id or by name (``ledger.queries.find_client``)."""
    with app.sessions() as session:
        return lookup_client(session, key).id


def assess(
    *,
    app: Goodterms,
    client: str | None = None,
    as_of: datetime | None = None,
    trend: bool = True,
    fill: bool = True,
    portfolio: PortfolioStats | None = None,
    history: MonthHistory | None = None,
) -> AssessResult:
    """Assess every client (or one) as of a moment: flags with evidence, health, trend, verdict, advice.

    Parameters:
        app: the application (database and settings).
        client: a client's source id or name; None for every client.
        as_of: only records before this aware moment count (default: now).
        trend: also score the client at the last ``trend_months`` month starts.
        fill: first read the tone of contacts that have text but no tone (see ``fill_tone``).
        portfolio: medians to judge by; default the saved ones for a one-client run today, else computed.
        history: a portfolio's trend points already known (month start -> client db id -> health, None
            where the client had not started): only the clients missing at a month are scored there.
    """
    if as_of is not None and (as_of.tzinfo is None or as_of.utcoffset() is None):
        raise ValueError("as_of must be timezone-aware")
    if client is not None:
        return _assess(app, client, as_of, trend, fill, portfolio, history)
    # A portfolio's facts, evidence and findings are millions of small objects without reference cycles:
    # the cyclic collector would scan them again and again (a fifth of a 10,000-client run, bench/assess.py).
    with gc_paused(collect_after=True):
        return _assess(app, client, as_of, trend, fill, portfolio, history)


def _assess(
    app: Goodterms,
    client: str | None,
    as_of: datetime | None,
    trend: bool,
    fill: bool,
    portfolio: PortfolioStats | None,
    stored: MonthHistory | None = None,
) -> AssessResult:
    settings = assess_settings(app)
    biz = app.business()
    moment = as_of or datetime.now(UTC)
    wanted_ids = [find_client(app, client)] if client is not None else None
    if fill:
        fill_tone(engine=app.engine, client_ids=wanted_ids, embed=app.settings.text.embed)
    with _reader(app, settings, whole=wanted_ids is None) as conn:
        first_at = min(_ledger_start(app, conn, wanted_ids) or moment, moment)
        scope = Scope(
            moment,
            settings,
            app.calendar(biz),
            float(biz.response_target_hours),
            first_at,
            moment,
            currency=biz.currency,
            rates=biz.exchange_rates,
        )
        # One client's trend is read with its facts, in one pass per table; a portfolio's month by month.
        points = _points(scope) if trend else []
        together = points if wanted_ids is not None else []
        # A portfolio's facts, chases and evidence read the same contacts: DuckDB places them once.
        if wanted_ids is None:
            keep_contact_rows(
                conn,
                moments=scope.today(),
                first_at=scope.first_at,
                settings=settings,
                calendar=scope.calendar,
            )
        facts, *past = load_facts_at(conn, scope=scope, moments=[moment, *together], client_ids=wanted_ids)
        if portfolio is None and wanted_ids is not None and as_of is None:
            portfolio = read_portfolio(app.engine, settings=settings)
        if portfolio is None:
            everyone = facts
            if wanted_ids is not None:
                whole = replace(scope, first_at=min(ledger_start(conn) or moment, moment))
                everyone = load_facts(conn, scope=whole)
            portfolio = PortfolioStats.from_clients(everyone.values(), settings)
            if wanted_ids is None and as_of is None:
                save_portfolio(app.engine, stats=portfolio, settings=settings)
        ctx = Context(settings, portfolio, moment, biz.language, biz.currency, biz.target_hourly_rate)
        first_pass = {cid: run_flags(one, ctx) for cid, one in facts.items()}
        wanted: dict[int, set[str]] = {}
        for cid, one in facts.items():
            codes = {f.code for f in first_pass[cid]}
            if one.late_requests and one.chases:
                codes.add("slow_response")
            if codes:
                wanted[cid] = codes
        with _own(app, conn) as ledger:
            every = len(facts) if wanted_ids is None else 0
            cited = load_evidence(conn, scope=scope, wanted=wanted, ledger=ledger, every=every)
        drop_contact_rows(conn)
        for cid, (evidence, totals) in cited.items():
            facts[cid] = facts[cid].with_evidence(evidence, totals)
            first_pass[cid] = [with_evidence(found, facts[cid]) for found in first_pass[cid]]
        known = stored or {}
        months: Iterable[dict[int, ClientFacts]] = (
            past
            if together
            else (_month_facts(conn, scope, point, facts, known.get(point)) for point in points)
        )  # a portfolio: one month at a time, each dropped once scored
        trends = _trends(scope, ctx, points, months, known)
    results: list[ClientResult] = []
    business: list[Finding] = []
    for cid, one in facts.items():
        health, findings = score(first_pass[cid], settings)
        chosen = verdict(health, findings, settings)
        history = [
            *trends.get(cid, []),
            {"month": _month(moment, scope.calendar.zone), "health": health, "as_of": moment.isoformat()},
        ]
        results.append(
            ClientResult(
                cid,
                one.id,
                one.name,
                health,
                chosen,
                findings,
                advice(chosen, findings, ctx.language),
                history,
            )
        )
        if (ours := slow_response(one, ctx)) is not None:
            business.append(ours)
    results.sort(key=lambda r: (r.health, r.id))
    return AssessResult(moment, results, business, portfolio)


@contextmanager
def _reader(app: Goodterms, settings: AssessSettings, *, whole: bool) -> Iterator[Connection]:
    """Return the connection the aggregates run on: DuckDB over the SQLite file for whole portfolios."""
    if whole and analytic.wanted(app.engine, settings.engine, settings.duckdb_from_mb):
        with analytic.duckdb_connection(app.engine) as conn:
            yield conn
    else:
        with app.engine.connect() as conn:
            yield conn


@contextmanager
def _own(app: Goodterms, conn: Connection) -> Iterator[Connection]:
    """Yield the ledger's own database for lookups on its indexes: ``conn``, or a connection beside DuckDB."""
    if conn.dialect.name != "duckdb":
        yield conn
    else:
        with app.engine.connect() as own:
            yield own


def _ledger_start(app: Goodterms, conn: Connection, client_ids: Sequence[int] | None) -> datetime | None:
    """Return ``ledger_start`` as the database itself answers it (on its indexes; DuckDB would scan)."""
    with _own(app, conn) as own:
        return ledger_start(own, client_ids)


def _month(moment: datetime, zone: Any) -> str:
    return moment.astimezone(zone).strftime("%Y-%m")


def _points(scope: Scope) -> list[datetime]:
    """Return the month starts a trend scores (each ends the month before): ``trend_months - 1`` of them."""
    return month_ends(scope.as_of, scope.settings.trend_months, scope.calendar.zone)


def _month_facts(
    conn: Connection,
    scope: Scope,
    point: datetime,
    now: Mapping[int, ClientFacts],
    known: Mapping[int, int | None] | None,
) -> dict[int, ClientFacts]:
    """Return the facts at a month start of the clients whose health then is not known yet."""
    if not known:
        return load_facts(conn, scope=scope.at(point))
    missing = [cid for cid in now if cid not in known]
    if not missing:
        return {}
    ids = None if 2 * len(missing) > len(now) else missing  # most are missing: one scan of all is cheaper
    return {
        cid: f
        for cid, f in load_facts(conn, scope=scope.at(point), client_ids=ids).items()
        if cid not in known
    }


def _trends(
    scope: Scope,
    ctx: Context,
    points: Sequence[datetime],
    past: Iterable[dict[int, ClientFacts]],
    known: Mapping[datetime, Mapping[int, int | None]] | None = None,
) -> dict[int, list[dict[str, Any]]]:
    """Score each client at past month ends, against today's portfolio (so only the client moves it).

    A point in ``known`` (a stored month end) is taken as it is; only the clients missing there are scored.
    """
    out: dict[int, list[dict[str, Any]]] = {}
    zone = scope.calendar.zone
    for point, facts_then in zip(points, past, strict=True):
        then = Context(ctx.settings, ctx.portfolio, point, ctx.language, ctx.currency, ctx.target_hourly_rate)
        label = _month(point - timedelta(seconds=1), zone)  # the month that ended at this point
        healths = {
            cid: score(run_flags(facts, then), scope.settings)[0]
            for cid, facts in facts_then.items()
            if _started(facts, point)
        }
        for cid, health in (known or {}).get(point, {}).items():
            if health is not None and cid not in facts_then:
                healths[cid] = health
        for cid in sorted(healths):
            out.setdefault(cid, []).append(
                {"month": label, "health": healths[cid], "as_of": point.isoformat()}
            )
    return out


def _started(facts: ClientFacts, point: datetime) -> bool:
    return facts.first_s > 0 and facts.first_s < point.timestamp()
