"""A request's state, derived in one place for the importer, the desk and the web app.

A request is *answered* when a resolving reply came at or after the client's last word on it (the
request itself, or the last inbound contact threaded to it); a holding reply (``resolves: false``)
answers nothing. The desk applies ``status_after_reply`` when staff reply; an import applies
``settle_requests`` to every request the file touched, so a business that brings years of answered
requests finds them answered, each with the reference and promise the desk would have given it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from goodterms.calendar import BusinessCalendar
from goodterms.desk.promise import promised_at, response_target
from goodterms.desk.threading import format_reference
from goodterms.ledger import models as m
from goodterms.ledger.importers.jsonl import ParsedEvent
from goodterms.ledger.store import table_of
from goodterms.settings import BusinessSettings

_CHUNK = 900  # stays under SQLite's bound-parameter limit
_UNSETTLED = ("open", "waiting")


def status_after_reply(status: str, resolves: bool) -> str:
    """Return a request's status once we reply: a resolving reply answers an open or waiting request."""
    return "answered" if resolves and status in _UNSETTLED else status


def settled_status(
    status: str, at: datetime, last_inbound: datetime | None, last_resolving_reply: datetime | None
) -> str:
    """Return the status history implies: answered when the last resolving reply follows the client's last word."""
    client_last = max(at, last_inbound) if last_inbound is not None else at
    if last_resolving_reply is not None and last_resolving_reply >= client_last:
        return status_after_reply(status, True)
    return status


@dataclass(frozen=True)
class RequestPolicy:
    """What the desk would have given a request: its reference prefix and the business's defaults."""

    prefix: str = "GT"
    business: BusinessSettings = field(default_factory=BusinessSettings)


def business_of(conn: Connection, defaults: BusinessSettings) -> BusinessSettings:
    """Return the business as the ledger records it (its business record), else the defaults."""
    row = conn.execute(select(m.Business).order_by(m.Business.id).limit(1)).first()
    if row is None:
        return defaults
    return business_from_record(row._mapping, defaults)


def business_from_record(row: Any, defaults: BusinessSettings) -> BusinessSettings:
    """Return business settings from a stored business record (a row or an object with its fields)."""

    def get(name: str) -> Any:
        return row[name] if hasattr(row, "keys") else getattr(row, name)

    return BusinessSettings(
        name=get("name"),
        timezone=get("timezone"),
        currency=get("currency"),
        language=get("language"),
        email=get("email"),
        hours={day: [(s[0], s[1]) for s in spans] for day, spans in get("hours").items()},
        holidays=list(get("holidays")),
        target_hourly_rate=get("target_hourly_rate"),
        response_target_hours=get("response_target_hours") or defaults.response_target_hours,
        exchange_rates={**defaults.exchange_rates, **(get("exchange_rates") or {})},
    )


def settle_requests(conn: Connection, ext_ids: Iterable[str], policy: RequestPolicy) -> int:
    """Derive status, promise and reference of the requests with these source ids; return how many changed.

    Runs inside the import's transaction, after its rows are written. Idempotent: settling again
    changes nothing.
    """
    wanted = sorted(set(ext_ids))
    if not wanted:
        return 0
    biz = business_of(conn, policy.business)
    calendar = BusinessCalendar.from_settings(biz.timezone, biz.hours, biz.holidays)
    changes: list[dict[str, Any]] = []
    for i in range(0, len(wanted), _CHUNK):
        changes.extend(_settle_chunk(conn, wanted[i : i + _CHUNK], policy.prefix, biz, calendar))
    if changes:
        table = table_of(m.Request)
        conn.execute(
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values(
                status=bindparam("_status"),
                promised_at=bindparam("_promised"),
                reference=bindparam("_reference"),
                waiting_since=bindparam("_waiting"),
            ),
            changes,
        )
    return len(changes)


def noting_requests(events: Iterable[ParsedEvent], touched: set[str]) -> Iterator[ParsedEvent]:
    """Pass events through, noting the source id of every request they create or refer to."""
    for parsed in events:
        event = parsed.event
        if event.type == "request":
            touched.add(event.id)
        elif (ref := getattr(event, "request", None)) is not None:
            touched.add(ref)
        yield parsed


def _settle_chunk(
    conn: Connection, ext_ids: list[str], prefix: str, biz: BusinessSettings, calendar: BusinessCalendar
) -> list[dict[str, Any]]:
    r, c, rp, cl = m.Request, m.Contact, m.Reply, m.Client
    rows = conn.execute(
        select(r.id, r.at, r.status, r.promised_at, r.reference, r.waiting_since, cl.response_target_hours)
        .join(cl, cl.id == r.client_id)
        .where(r.ext_id.in_(ext_ids))
    ).all()
    ids = [row.id for row in rows]
    replied = dict(
        conn.execute(
            select(rp.request_id, func.max(rp.at))
            .where(rp.request_id.in_(ids), rp.resolves.is_(True))
            .group_by(rp.request_id)
        ).all()
    )
    inbound = dict(
        conn.execute(
            select(c.request_id, func.max(c.at))
            .where(c.request_id.in_(ids), c.direction == "inbound")
            .group_by(c.request_id)
        ).all()
    )
    out: list[dict[str, Any]] = []
    for row in rows:
        at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=UTC)
        status = settled_status(row.status, at, _aware(inbound.get(row.id)), _aware(replied.get(row.id)))
        promised = _aware(row.promised_at)
        if promised is None:
            target = response_target(
                client_hours=_decimal(row.response_target_hours), business_hours=biz.response_target_hours
            )
            try:
                promised = promised_at(calendar=calendar, received=at, target_hours=target)
            except ValueError:  # a business with no opening hours: no promise can be made
                promised = None
        reference = row.reference or format_reference(prefix, row.id)
        waiting = None if status != "waiting" else row.waiting_since
        if (status, promised, reference, waiting) != (
            row.status,
            _aware(row.promised_at),
            row.reference,
            row.waiting_since,
        ):
            out.append(
                {
                    "_id": row.id,
                    "_status": status,
                    "_promised": promised,
                    "_reference": reference,
                    "_waiting": waiting,
                }
            )
    return out


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
