"""A record an older ledger holds from before the documented bounds does not stop the assessment."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, update

from goodterms.app import Goodterms
from goodterms.assess.service import assess
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from goodterms.settings import Settings
from tests.factories import at, business, client, contact


def test_a_year_one_contact_is_named_and_every_client_is_still_assessed(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    import_event_dicts(
        engine,
        [business(), client("c1"), client("c2"), contact("c1", 1, at(0)), contact("c2", 1, at(1))],
    )
    # Imports refuse such a time now; a ledger written before that may still hold one.
    with engine.begin() as conn:
        conn.execute(
            update(m.Contact)
            .where(m.Contact.ext_id == "c2-k1")
            .values(at=datetime(1, 1, 1, 1, 30, tzinfo=UTC))
        )
    with caplog.at_level(logging.WARNING):
        result = assess(app=Goodterms(Settings(), engine), as_of=datetime(2026, 4, 1, tzinfo=UTC), trend=True)
    assert sorted(c["id"] for c in result.to_json()["clients"]) == ["c1", "c2"]
    assert "contacts record c2-k1 is dated 0001-01-01" in caplog.text
