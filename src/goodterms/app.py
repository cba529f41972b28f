"""The one application object behind the CLI, the web app and the API."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from goodterms.assess.config import AssessSettings
from goodterms.calendar import BusinessCalendar
from goodterms.ledger import models as m
from goodterms.ledger.db import make_engine, migrate, resolve_url
from goodterms.ledger.request_state import RequestPolicy, business_from_record
from goodterms.settings import BusinessSettings, Settings, load_settings

#: Blob that holds the assessment settings saved from the web app.
ASSESS_BLOB = "settings:assess"


def stored_assess(engine: Engine) -> AssessSettings | None:
    """Return the assessment settings saved from the web app, if any."""
    with Session(engine) as session:
        data = session.scalar(select(m.Blob.data).where(m.Blob.name == ASSESS_BLOB))
    return None if data is None else AssessSettings.model_validate_json(data)


@dataclass
class Goodterms:
    """Settings plus a migrated database: what every front door needs."""

    settings: Settings
    engine: Engine

    @classmethod
    def open(cls, db_url: str | None = None, config_path: str | None = None) -> Goodterms:
        """Read settings, open the database and bring its schema up to date."""
        settings = load_settings(config_path)
        engine = make_engine(resolve_url(db_url or settings.database_url))
        migrate(engine)
        gt = cls(settings, engine)
        gt.apply_stored_settings()
        return gt

    def apply_stored_settings(self) -> None:
        """Put settings saved in the database (from the web app) over goodterms.toml's."""
        found = stored_assess(self.engine)
        if found is not None:
            self.settings.assess = found

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return sessionmaker(self.engine, expire_on_commit=False)

    def business(self) -> BusinessSettings:
        """Return the business settings: the ledger's business record if any, else goodterms.toml."""
        with self.sessions() as session:
            row = session.scalars(select(m.Business).order_by(m.Business.id).limit(1)).first()
        if row is None:
            return self.settings.business
        return business_from_record(row, self.settings.business)

    def request_policy(self) -> RequestPolicy:
        """Return how imported requests are settled: the desk's reference prefix, the business defaults."""
        return RequestPolicy(prefix=self.settings.desk.reference_prefix, business=self.settings.business)

    def calendar(self, biz: BusinessSettings | None = None) -> BusinessCalendar:
        """Return the business's opening-hours calendar (of ``biz``, the business settings just read, if given)."""
        biz = biz or self.business()
        return BusinessCalendar.from_settings(biz.timezone, biz.hours, biz.holidays)
