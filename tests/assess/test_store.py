"""Stored assessments: equal to an on-demand run, marked stale with each change, refreshed safely."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from goodterms.app import Goodterms
from goodterms.assess import service, store
from goodterms.desk.intake import receive
from goodterms.desk.responses import answer
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from goodterms.ledger.problems import ImportProblem
from goodterms.tone_service import mark_message
from goodterms.web.client import add_note
from tests.assess.builder import healthy, portfolio, t
from tests.assess.test_staff_marks import messages


@pytest.fixture
def gt(db_url: str) -> Iterator[Goodterms]:
    app = Goodterms.open(db_url)
    import_event_dicts(
        app.engine,
        portfolio(*healthy("y"), *messages("y", "frustrated", "Still waiting for the file, please reply.")),
    )
    yield app
    app.engine.dispose()


def on_demand(gt: Goodterms) -> dict[str, dict[str, Any]]:
    return store.assessment_json(service.assess(app=gt, fill=False, trend=True))


def stored(gt: Goodterms) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in store.read_all(gt)["clients"]}


def same(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> None:
    """The same assessment, but for the moment of the current point (each run is 'now')."""

    def strip(entry: dict[str, Any]) -> dict[str, Any]:
        trend = [*entry["trend"][:-1], {k: v for k, v in entry["trend"][-1].items() if k != "as_of"}]
        return {**entry, "trend": trend}

    assert {k: strip(v) for k, v in a.items()} == {k: strip(v) for k, v in b.items()}


def stale_ids(gt: Goodterms) -> set[str]:
    with gt.engine.connect() as conn:
        rows = conn.scalars(
            select(m.Client.ext_id).join(m.AssessmentStale, m.AssessmentStale.client_id == m.Client.id)
        )
        return set(rows)


def client_id(gt: Goodterms, ref: str) -> int:
    with gt.engine.connect() as conn:
        return int(conn.scalar(select(m.Client.id).where(m.Client.ext_id == ref)) or 0)


def test_the_stored_assessment_is_the_on_demand_one_and_is_read_without_computing(gt: Goodterms) -> None:
    assert store.read_generation(gt) is None
    first = stored(gt)  # nothing stored: the first read assesses and stores once
    assert set(first) == {"h1", "h2", "h3", "h4", "y"}
    same(first, on_demand(gt))
    assert first["y"]["flags"] and first["y"]["flags"][0]["evidence"]  # findings keep their evidence
    generation = store.read_generation(gt)
    assert stored(gt) == first and store.read_generation(gt) == generation  # read again: nothing recomputed
    assert store.read_client(gt, "y") == first["y"] == store.read_client(gt, client_id(gt, "y"))
    whole = store.read_all(gt)
    assert whole["portfolio"] == service.assess(app=gt, fill=False, trend=False).to_json()["portfolio"]


def test_each_kind_of_change_marks_its_client_stale_and_refresh_stale_brings_it_in_line(
    gt: Goodterms,
) -> None:
    store.refresh_all(gt)
    assert stale_ids(gt) == set()
    # an import (here a payment: its client is found through the invoice)
    import_event_dicts(gt.engine, [{"type": "invoice", "id": "iy", "client": "y", "number": "Y-1",
                                    "issued": "2026-03-01", "due": "2026-03-15", "amount": "100.00",
                                    "currency": "THB"}])  # fmt: skip
    assert stale_ids(gt) == {"y"}
    assert store.refresh_stale(gt) == 1 and stale_ids(gt) == set()
    import_event_dicts(
        gt.engine, [{"type": "payment", "id": "py", "invoice": "iy", "at": t(40), "amount": "100"}]
    )
    assert stale_ids(gt) == {"y"}
    store.refresh_stale(gt)
    # a staff mark, a note, desk intake and a reply
    mark_message(engine=gt.engine, contact_ext_id="y-m1", rude=True)
    assert stale_ids(gt) == {"y"}
    store.refresh_stale(gt)
    add_note(engine=gt.engine, ref="h1", text="always friendly", author="owner@biz.example")
    assert stale_ids(gt) == {"h1"}
    store.refresh_stale(gt)
    taken = receive(app=gt, client_ref="h2", subject="New logo", text="Could you send the new logo?")
    assert taken.client_id == client_id(gt, "h2") and stale_ids(gt) == {"h2"}
    store.refresh_stale(gt)
    assert taken.request_id is not None
    with gt.sessions() as session, session.begin():
        answer(session=session, calendar=gt.calendar(), request_id=taken.request_id, at=datetime.now(UTC))
    assert stale_ids(gt) == {"h2"}
    assert store.refresh_stale(gt) == 1
    same(stored(gt), on_demand(gt))


def test_a_change_that_is_rolled_back_leaves_no_mark(gt: Goodterms) -> None:
    store.refresh_all(gt)
    bad = [{"type": "work", "id": "yw", "client": "y", "at": t(3), "minutes": 30},
           {"type": "work", "id": "zw", "client": "nobody", "at": t(3), "minutes": 30}]  # fmt: skip
    with pytest.raises(ImportProblem):
        import_event_dicts(gt.engine, bad)
    assert stale_ids(gt) == set()
    with pytest.raises(RuntimeError), gt.sessions() as session, session.begin():
        store.mark_stale(session, [client_id(gt, "y")])
        raise RuntimeError("the change failed")
    assert stale_ids(gt) == set()


def test_a_mark_made_while_a_refresh_runs_is_kept(gt: Goodterms, monkeypatch: pytest.MonkeyPatch) -> None:
    store.refresh_all(gt)
    y = client_id(gt, "y")
    with gt.engine.begin() as conn:
        store.mark_stale(conn, [y])
    real = store.assess

    def assess_then_change(**kw: Any) -> service.AssessResult:
        result = real(**kw)
        mark_message(engine=gt.engine, contact_ext_id="y-m2", rude=True)  # lands after the ledger was read
        return result

    monkeypatch.setattr(store, "assess", assess_then_change)
    assert store.refresh_client(gt, y)
    assert stale_ids(gt) == {"y"}  # the later change is still waiting
    monkeypatch.setattr(store, "assess", real)
    assert store.refresh_stale(gt) == 1 and stale_ids(gt) == set()
    same(stored(gt), on_demand(gt))


def test_an_older_whole_refresh_does_not_undo_a_newer_client_refresh(
    gt: Goodterms, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.refresh_all(gt)
    y = client_id(gt, "y")
    real = store.assess

    def whole_then_one(**kw: Any) -> service.AssessResult:
        result = real(**kw)  # the whole run has read the ledger without the marks below
        if kw.get("client") is not None:
            return result
        for k in range(60):
            mark_message(engine=gt.engine, contact_ext_id=f"y-m{k}", rude=True)
        assert store.refresh_client(gt, y)
        return result

    monkeypatch.setattr(store, "assess", whole_then_one)
    store.refresh_all(gt)
    monkeypatch.setattr(store, "assess", real)
    codes = {f["code"] for f in stored(gt)["y"]["flags"]}
    assert "hostile_tone" in codes  # the client refreshed after the whole run began keeps its marks
    assert stale_ids(gt) == set()


def test_verdict_changes_name_both_verdicts(gt: Goodterms) -> None:
    before = store.read_all(gt)
    old = next(c for c in before["clients"] if c["id"] == "h1")
    since = datetime.now(UTC) - timedelta(seconds=1)
    import_event_dicts(gt.engine, messages("h1", "threat", "Pay back everything or you will regret it."))
    store.refresh_stale(gt)
    new = stored(gt)["h1"]
    assert new["verdict"] != old["verdict"]
    changes = store.verdict_changes(gt, since)
    assert [(c.client, c.old_verdict, c.new_verdict) for c in changes] == [
        ("h1", old["verdict"], new["verdict"])
    ]
    assert changes[0].old_health == old["health"] and changes[0].new_health == new["health"]
    assert changes[0].to_json()["new_verdict"] == new["verdict"]
    assert store.verdict_changes(gt, datetime.now(UTC) + timedelta(minutes=1)) == []


def test_the_trend_from_stored_months_equals_the_recomputed_trend(
    gt: Goodterms, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.refresh_all(gt)
    with gt.engine.connect() as conn:
        kept = conn.scalar(select(func.count()).select_from(m.AssessmentMonth))
    assert kept == 5 * (service.assess_settings(gt).trend_months - 1)  # every client's closed months
    loads: list[object] = []
    real = service.load_facts

    def counted(*args: Any, **kw: Any) -> Any:
        loads.append(kw.get("client_ids"))
        return real(*args, **kw)

    monkeypatch.setattr(service, "load_facts", counted)
    store.refresh_all(gt)
    assert loads == []  # every closed month came from the stored history
    same(stored(gt), on_demand(gt))
    # A stale client's months are scored again (only that client's).
    with gt.engine.begin() as conn:
        store.mark_stale(conn, [client_id(gt, "y")])
    loads.clear()
    store.refresh_all(gt)
    assert loads and all(ids == [client_id(gt, "y")] for ids in loads)
    same(stored(gt), on_demand(gt))


def test_a_large_change_refreshes_everyone_at_once(gt: Goodterms, monkeypatch: pytest.MonkeyPatch) -> None:
    store.refresh_all(gt)
    monkeypatch.setattr(store, "STALE_MIN", 1)
    with gt.engine.begin() as conn:
        store.mark_stale(conn, None)
    assert len(stale_ids(gt)) == 5
    assert store.refresh_stale(gt) == 5 and stale_ids(gt) == set()


def test_concurrent_refreshes_and_changes_leave_one_row_per_client_and_no_lost_mark(gt: Goodterms) -> None:
    store.refresh_all(gt)
    y = client_id(gt, "y")
    errors: list[BaseException] = []

    def run(job: Any) -> None:
        try:
            job()
        except BaseException as exc:  # reported below
            errors.append(exc)

    jobs = [
        lambda: store.refresh_all(gt),
        lambda: store.refresh_all(gt),
        lambda: store.refresh_client(gt, y),
        lambda: [mark_message(engine=gt.engine, contact_ext_id=f"y-m{k}", rude=True) for k in range(10)],
        lambda: store.refresh_stale(gt),
    ]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    store.refresh_stale(gt)  # whatever a mark made during the runs left
    assert stale_ids(gt) == set()
    with gt.engine.connect() as conn:
        rows = conn.execute(
            select(m.StoredAssessment.client_id, func.count()).group_by(m.StoredAssessment.client_id)
        ).all()
    assert sorted(n for _, n in rows) == [1] * 5
    same(stored(gt), on_demand(gt))


def test_assess_store_on_the_command_line_stores_what_it_prints(gt: Goodterms, db_url: str) -> None:
    import json

    from typer.testing import CliRunner

    from goodterms.cli.app import app as cli

    runner = CliRunner()
    plain = runner.invoke(cli, ["--db", db_url, "assess", "--format", "json"])
    assert plain.exit_code == 0, plain.output
    assert store.read_generation(gt) is None  # on demand by default: nothing stored
    done = runner.invoke(cli, ["--db", db_url, "assess", "--format", "json", "--store"])
    assert done.exit_code == 0, done.output
    printed = {c["id"]: c for c in json.loads(done.output)["clients"]}

    def shown(entry: dict[str, Any] | None) -> dict[str, Any]:
        """The stored entry as the CLI prints it (the store also keeps our lateness, ``ours``)."""
        assert entry is not None
        return {k: v for k, v in entry.items() if k != "ours"}

    assert printed == {c["id"]: shown(c) for c in store.read_all(gt)["clients"]}
    one = runner.invoke(cli, ["--db", db_url, "assess", "y", "--format", "json", "--store"])
    assert one.exit_code == 0 and json.loads(one.output)["clients"][0] == shown(store.read_client(gt, "y"))
    refused = runner.invoke(cli, ["--db", db_url, "assess", "--store", "--no-trend"])
    assert refused.exit_code == 2 and "--store" in refused.output


def test_the_refresher_of_a_web_app_served_alone_brings_a_change_made_elsewhere_in(gt: Goodterms) -> None:
    """`goodterms serve` on its own: an import by another command shows without `run` or a worker."""
    from goodterms.service.schedule import AssessmentRefresher

    before = stored(gt)
    assert not before["h1"]["flags"]
    import_event_dicts(gt.engine, messages("h1", "threat", "Pay back everything or you will regret it."))
    assert "h1" in stale_ids(gt)
    refresher = AssessmentRefresher(gt, changed_every_s=0.05)
    refresher.start()
    try:
        deadline = threading.Event()
        for _ in range(400):
            if not stale_ids(gt):
                break
            deadline.wait(0.05)
    finally:
        refresher.stop()
    assert not stale_ids(gt)
    after = stored(gt)
    assert after["h1"]["flags"] and after["h1"] != before["h1"]


def test_a_process_started_before_the_owner_changed_settings_refreshes_with_the_new_ones(
    gt: Goodterms, db_url: str
) -> None:
    """A worker or a second web process must not store scores made with settings no longer in force."""
    from goodterms.web.settings_store import save_assess

    other = Goodterms.open(db_url)  # started before the change (its settings read at start)
    try:
        store.refresh_all(gt)
        save_assess(gt=gt, form={"trend_months": "3"})
        store.refresh_all(gt)
        new_key = store.basis_key(gt)
        import_event_dicts(gt.engine, messages("h1", "threat", "Pay back everything or you will regret it."))
        store.refresh_stale(other)
        with gt.engine.connect() as conn:
            keys = set(conn.scalars(select(m.StoredAssessment.settings_key)))
        assert keys == {new_key}
        assert other.settings.assess.trend_months == 3
    finally:
        other.engine.dispose()


def test_a_stale_mark_id_is_never_handed_out_twice_on_sqlite(gt: Goodterms) -> None:
    """A refresh deletes the mark ids it read; a reused id would delete another client's later mark."""
    if gt.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL sequences never reuse ids")
    with gt.engine.connect() as conn:
        ddl = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'assessment_stale'"
        ).scalar_one()
    assert "AUTOINCREMENT" in ddl
    store.refresh_all(gt)
    import_event_dicts(gt.engine, messages("h1", "threat", "Pay back everything or you will regret it."))
    with gt.engine.connect() as conn:
        first = conn.scalar(select(func.max(m.AssessmentStale.id)))
    store.refresh_stale(gt)  # deletes that mark
    import_event_dicts(gt.engine, messages("h2", "threat", "Pay back everything or you will regret it."))
    with gt.engine.connect() as conn:
        second = conn.scalar(select(func.min(m.AssessmentStale.id)))
    assert first is not None and second is not None and second > first


def test_the_findings_on_the_business_are_stored_apart_from_the_write_counter(db_url: str) -> None:
    """Every write rewrites the counter's row: it holds the medians only, never the findings on the business
    (megabytes with their evidence on a large portfolio), which read back as the on-demand run has them."""
    from tests.assess.test_fairness import chasing

    app = Goodterms.open(db_url)
    try:
        import_event_dicts(
            app.engine, portfolio(*healthy("est"), *chasing("est", linked=True, answered_day=11))
        )
        store.refresh_all(app)
        store.refresh_client(app, client_id(app, "est"))
        business = store.read_all(app)["business"]["findings"]
        expected = service.assess(app=app, fill=False, trend=False).to_json()["business"]["findings"]
        assert business == expected and business[0]["code"] == "slow_response" and business[0]["evidence"]
        with app.engine.connect() as conn:
            row = conn.execute(select(m.AssessmentPortfolio.__table__)).one()._mapping
        assert set(row) == {"id", "generation", "computed_at", "as_of", "settings_key", "stats"}
        assert store.read_client(app, "est")["ours"] == business  # each client's own, with its evidence
    finally:
        app.engine.dispose()
