"""Derived data kept in the ledger: the last portfolio medians (contact tone: ``goodterms.tone_service``)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from goodterms.assess.config import AssessSettings
from goodterms.assess.data import PortfolioStats
from goodterms.ledger import models as m

PORTFOLIO_BLOB = "assess.portfolio"


def settings_key(settings: AssessSettings) -> str:
    """Return a short hash of the settings, so cached medians follow a change of settings."""
    return hashlib.sha256(settings.model_dump_json().encode()).hexdigest()[:16]


def save_portfolio(engine: Engine, *, stats: PortfolioStats, settings: AssessSettings) -> None:
    """Keep the portfolio medians of a full assessment for later one-client runs."""
    data = json.dumps({"key": settings_key(settings), "stats": stats.to_json()}).encode()
    now = datetime.now(UTC)
    table = m.Blob.__table__
    with engine.begin() as conn:
        dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
        stmt = dialect.insert(table).values(name=PORTFOLIO_BLOB, data=data, updated_at=now)
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["name"], set_={"data": data, "updated_at": now})
        )


def read_portfolio(engine: Engine, *, settings: AssessSettings) -> PortfolioStats | None:
    """Return the saved portfolio medians if fresh and made with the same settings, else None."""
    with engine.connect() as conn:
        row = conn.execute(
            select(m.Blob.data, m.Blob.updated_at).where(m.Blob.name == PORTFOLIO_BLOB)
        ).first()
    if row is None or datetime.now(UTC) - row.updated_at > timedelta(hours=settings.portfolio_cache_hours):
        return None
    saved = json.loads(row.data)
    if saved.get("key") != settings_key(settings):
        return None
    return PortfolioStats.from_json(saved["stats"])
