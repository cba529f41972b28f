"""Assessment settings saved from the web app reach every front door, the CLI included."""

from __future__ import annotations

from datetime import UTC, datetime

from goodterms.app import ASSESS_BLOB, Goodterms
from goodterms.assess.config import AssessSettings
from goodterms.assess.service import assess_settings
from goodterms.ledger import models as m


def test_settings_saved_in_the_database_override_the_toml(db_url: str) -> None:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    assert assess_settings(gt).min_hours == AssessSettings().min_hours
    changed = AssessSettings(min_hours=AssessSettings().min_hours + 7)
    with gt.sessions() as session, session.begin():
        session.add(
            m.Blob(name=ASSESS_BLOB, data=changed.model_dump_json().encode(), updated_at=datetime.now(UTC))
        )
    again = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    assert assess_settings(again).min_hours == changed.min_hours
