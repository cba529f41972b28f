from __future__ import annotations

from sqlalchemy import Engine, func, select

from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from tests.factories import at, business, client, contact


def test_events_are_stored_once_and_reimport_changes_nothing(engine: Engine) -> None:
    events = [business(), client("c1"), contact("c1", 1, at(0)), contact("c1", 2, at(1))]
    first = import_event_dicts(engine, events)
    assert first.counts.inserted == 4
    again = import_event_dicts(engine, events)
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 4)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.Contact)) == 2
