"""DuckDB over the SQLite file and SQLite itself aggregate the same assessment, to the last figure."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, Table

from goodterms.app import Goodterms
from goodterms.assess import analytic, evidence, load, rows
from goodterms.assess.config import AssessSettings
from goodterms.assess.evidence import load_evidence
from goodterms.assess.load import Scope
from goodterms.assess.service import assess, find_client
from goodterms.demo import DEMO_END, generate
from goodterms.ledger.importing import import_event_dicts
from goodterms.settings import Settings
from tests.assess.builder import AS_OF, WEEKS, healthy, portfolio, t


def _with_engine(app: Goodterms, choice: str) -> Goodterms:
    assess_settings = app.settings.assess.model_copy(update={"engine": choice})
    return Goodterms(app.settings.model_copy(update={"assess": assess_settings}), app.engine)


def _run(app: Goodterms, as_of: datetime, *, trend: bool) -> dict[str, Any]:
    result = assess(app=app, as_of=as_of, trend=trend).to_json()
    return result


def test_duckdb_and_sqlite_agree_on_the_demo_portfolio(db_url: str) -> None:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    if not analytic.available(gt.engine):
        pytest.skip("DuckDB reads SQLite files only; this run's ledger is not one")
    import_event_dicts(gt.engine, generate(seed=11))
    end = datetime.combine(DEMO_END + timedelta(days=1), time(0), tzinfo=UTC)
    for as_of, trend in ((end, True), (end - timedelta(days=100), False)):
        sqlite = _run(_with_engine(gt, "database"), as_of, trend=trend)
        duck = _run(_with_engine(gt, "duckdb"), as_of, trend=trend)
        assert sqlite["clients"] and any(c["flags"] for c in sqlite["clients"])
        assert any(f["evidence"] for c in sqlite["clients"] for f in c["flags"])
        if trend:  # hostile messages quoted: DuckDB's run reads their words from the ledger by id
            assert any(e.get("quote") for c in sqlite["clients"] for f in c["flags"] for e in f["evidence"])
        assert _diff(sqlite, duck) == []


def test_a_duckdb_portfolio_run_places_the_contacts_once(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    if not analytic.available(gt.engine):
        pytest.skip("DuckDB reads SQLite files only; this run's ledger is not one")
    import_event_dicts(gt.engine, generate(seed=11))
    as_of = datetime.combine(DEMO_END + timedelta(days=1), time(0), tzinfo=UTC)
    served: list[str] = []

    def spy(conn: Any, **kw: Any) -> Any:
        found = rows.contact_rows(conn, **kw)
        served.append(f"{conn.dialect.name} {'kept' if isinstance(found, Table) else 'subquery'}")
        return found

    monkeypatch.setattr(load, "contact_rows", spy)
    monkeypatch.setattr(evidence, "contact_rows", spy)
    duck = _run(_with_engine(gt, "duckdb"), as_of, trend=False)
    assert served == ["duckdb kept", "duckdb kept"]  # the sums and chases, then the evidence
    served.clear()
    plain = _run(_with_engine(gt, "database"), as_of, trend=False)
    assert served == ["sqlite subquery", "sqlite subquery"]
    assert _diff(plain, duck) == []


def test_auto_uses_duckdb_only_from_the_configured_size(db_url: str) -> None:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    if not analytic.available(gt.engine):
        pytest.skip("DuckDB reads SQLite files only; this run's ledger is not one")
    assert analytic.wanted(gt.engine, "auto", 1e6) is False
    assert analytic.wanted(gt.engine, "auto", 0.0) is True
    assert analytic.wanted(gt.engine, "duckdb", 1e6) is True
    assert analytic.wanted(gt.engine, "database", 0.0) is False


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b), key=str) for d in _diff(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_each_flag_gets_evidence_only_for_the_clients_that_have_it(engine: Engine) -> None:
    """Two clients asked for different flags in one pass: neither gets the other's evidence."""
    rude = [
        {"type": "contact", "id": f"rude-m{n}", "client": "rude", "at": t(n + 1), "channel": "email",
         "direction": "inbound", "tone": "hostile", "text": f"rude {n}"}
        for n in range(4)
    ]  # fmt: skip
    import_event_dicts(engine, portfolio(*healthy("rude"), *rude))
    gt = Goodterms(Settings(), engine)
    ids = {name: find_client(gt, name) for name in ("rude", "h1")}
    scope = Scope(AS_OF, AssessSettings(), gt.calendar(), 4.0, AS_OF - timedelta(days=200), AS_OF)
    wanted = {ids["rude"]: {"hostile_tone"}, ids["h1"]: {"over_contact"}}
    with engine.connect() as conn:
        found = load_evidence(conn, scope=scope, wanted=wanted)
    rude_evidence, rude_totals = found[ids["rude"]]
    h1_evidence, h1_totals = found[ids["h1"]]
    assert set(rude_evidence) == {"hostile_tone"} and rude_totals["hostile_tone"] == 4
    assert [e.quote for e in rude_evidence["hostile_tone"]] == ["rude 3", "rude 2", "rude 1", "rude 0"]
    assert set(h1_evidence) == {"over_contact"} and h1_totals["over_contact"] == 2 * WEEKS
    assert all(e.quote is None for e in h1_evidence["over_contact"])
