"""The ledger's start (where the business-hours clock begins): read client by client on the index."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from goodterms.assess.load import ledger_start
from goodterms.ledger.importing import import_event_dicts
from tests.assess.builder import healthy, portfolio


def test_the_start_is_the_earliest_record_and_an_impossible_date_is_named(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    import_event_dicts(engine, portfolio(*healthy("late", weeks=4)))
    first = (
        "SELECT min(at) FROM (SELECT at FROM contacts WHERE :c IN (0, client_id) UNION ALL"
        " SELECT at FROM requests WHERE :c IN (0, client_id)) x WHERE at >= '1900-01-01'"
    )
    with engine.begin() as conn:
        late_id = conn.execute(text("SELECT id FROM clients WHERE ext_id = 'late'")).scalar_one()
        # an older ledger may hold a record dated before the first day goodterms accepts
        conn.execute(
            text(
                "UPDATE contacts SET at = :at WHERE id = (SELECT min(id) FROM contacts WHERE client_id = :c)"
            ),
            {"at": "1899-06-01 00:00:00.000000", "c": late_id},
        )
        expected = {c: str(conn.execute(text(first), {"c": c}).scalar())[:19] for c in (0, late_id)}
    with engine.connect() as conn, caplog.at_level(logging.WARNING, logger="goodterms.assess.load"):
        found = {c: ledger_start(conn, [c] if c else None) for c in (0, late_id)}
    assert {c: f.isoformat(" ")[:19] for c, f in found.items() if f} == expected
    assert "before" in caplog.text and "1899-06-01" in caplog.text  # named, and the next record starts it


def test_the_whole_ledger_start_searches_the_index_and_never_scans_the_records(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the query plans read here are SQLite's")
    import_event_dicts(engine, portfolio(*healthy("y"), *healthy("z")))
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        seen: list[tuple[str, Any]] = []
        listen = lambda *a: seen.append((a[2], a[3]))  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        try:
            assert ledger_start(conn) is not None
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        plans = [
            " | ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all())
            for sql, params in seen
        ]
    assert len(plans) == 4
    for plan in plans:  # each client's records found on (client_id, at), not every record read
        assert "SCAN contacts" not in plan and "SCAN requests" not in plan, plan
        assert "SEARCH contacts USING" in plan or "SEARCH requests USING" in plan, plan
