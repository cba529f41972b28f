"""Derived data kept in the ledger: contact tone read from text, and the last portfolio medians."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from goodterms.assess.config import AssessSettings
from goodterms.assess.data import PortfolioStats
from goodterms.assess.sql import in_clients
from goodterms.ledger import models as m

PORTFOLIO_BLOB = "assess.portfolio"


def fill_tone(
    engine: Engine, *, batch: int = 500, tz: str = "UTC", client_ids: Sequence[int] | None = None
) -> int:
    """Read the tone of inbound contacts that have text but no tone, and store it; return how many.

    Uses ``goodterms.text.analyze``; without it (not installed yet) nothing is filled and the
    ledger's own tone field is all the assessment uses.
    """
    try:
        from goodterms.text import analyze
    except ImportError:
        return 0
    c = m.Contact
    done = 0
    last_id = 0
    while True:
        with engine.begin() as conn:
            rows = conn.execute(
                select(c.id, c.text, c.at)
                .where(c.tone.is_(None), c.text.is_not(None), c.direction == "inbound", c.id > last_id)
                .where(in_clients(c.client_id, client_ids))
                .order_by(c.id)
                .limit(batch)
            ).all()
            if not rows:
                return done
            for cid, text, at in rows:
                try:
                    result = analyze(text or "", at=at, tz=tz)
                except ValueError:
                    continue
                conn.execute(
                    update(c).where(c.id == cid).values(tone=result.tone.label, tone_score=result.tone.score)
                )
                done += 1
            last_id = rows[-1][0]


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
