"""Each contact before each as-of moment, placed in business time and classified once, for every loader.

The facts (sums per client), the evidence (each client's latest contacts per flag) and the chases counted
per request all ask the same questions of every contact: is it inbound, in office hours, a chase, a missed
call, hostile? ``contact_rows`` answers them in one relation; each loader then aggregates, ranks or counts
its columns. On most databases the relation is a subquery the planner folds into each statement. A
whole-portfolio run on DuckDB places the 2.5 M contacts of a 10,000-client ledger once, into a temporary
table (``keep_contact_rows``), instead of once per statement: that placing is most of each statement's cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ClauseElement,
    Column,
    Connection,
    Executable,
    FromClause,
    MetaData,
    Select,
    Table,
    case,
    select,
)
from sqlalchemy.ext.compiler import compiles

from goodterms.assess.config import AssessSettings
from goodterms.assess.sql import (
    LATE_UNIT,
    Moments,
    contact_sql,
    handling_seconds,
    hostile_message,
    in_clients,
    threat_message,
    toned_message,
)
from goodterms.calendar import BusinessCalendar
from goodterms.ledger import models as m

_KEPT = "goodterms_contact_rows"  # Connection.info key: (statement key, table) of the kept rows
_TABLE = "contact_rows"


class _CreateTempAs(Executable, ClauseElement):
    """``CREATE TEMP TABLE name AS <select>`` (DuckDB)."""

    inherit_cache = False

    def __init__(self, name: str, query: Select[Any]) -> None:
        self.name, self.query = name, query


@compiles(_CreateTempAs)
def _create_temp_as(element: _CreateTempAs, compiler: Any, **kw: Any) -> str:
    return f"CREATE OR REPLACE TEMP TABLE {element.name} AS {compiler.process(element.query, **kw)}"


def _query(
    *,
    moments: Moments,
    first_at: datetime,
    settings: AssessSettings,
    calendar: BusinessCalendar,
    client_ids: Sequence[int] | None,
    layered: bool = False,
) -> Select[Any]:
    """Return the rows as a SELECT: one per (moment, contact before it), with each answer a column.

    The columns are composed of each contact's plain answers (inbound, in office hours, hostile, ...).
    ``layered`` works those out once in a subquery first: DuckDB placing 2.5 M contacts would otherwise
    work out a hostile message or office hours again in every column that asks (a third of its time).
    Flat, the expressions are written out in each column, which a few hundred contacts read quicker.

    Staff strain counts calls, not contact volume (over_contact and after_hours count that): a *hard* call
    is one taken of ``long_call_minutes`` or more, or one that was hostile; ``late_hard`` is a hard call
    taken outside office hours (it counts twice). A short call out of hours is after_hours' business alone.
    """
    c = m.Contact
    sql = contact_sql(
        moments=moments, first_at=first_at, settings=settings, calendar=calendar, client_ids=client_ids
    )
    answers: dict[str, Any] = {  # name -> SQL expression (a column once layered)
        "k": moments.key,
        "cid": c.client_id,
        "row_id": c.id,
        "ext_id": c.ext_id,
        "at": c.at,
        "request_id": c.request_id,
        "handling": handling_seconds(settings),  # staff seconds the contact took
        "open": sql.open,
        "late": sql.late,
        "inbound": sql.inbound,
        "counted": sql.counted,
        "chase": sql.chase,  # about a request not yet resolved, after it was made
        "call": c.channel == "call",
        "unanswered": c.answered.is_(False),
        "answered": c.answered.is_(True),
        "long": c.duration_s >= round(settings.long_call_minutes * 60),
        "toned": toned_message(c),
        "hostile": hostile_message(c),
        "threat": threat_message(c),
        "recent": c.at >= moments.recent,
    }
    where = (c.at < moments.as_of, in_clients(c.client_id, client_ids))
    if layered:
        plain = select(*[value.label(name) for name, value in answers.items()]).select_from(sql.joined())
        answers = dict(plain.where(*where).subquery("plain").c.items())
    p = SimpleNamespace(**answers)
    call_in = p.inbound & p.call
    taken = call_in & p.answered
    hard = taken & (p.long | p.hostile)
    rows = select(
        *[
            answers[name].label(name)
            for name in ("k", "cid", "row_id", "ext_id", "at", "request_id", "handling")
        ],
        case((p.open, 0), (p.late, LATE_UNIT), else_=1).label("slot"),  # after_hours + LATE_UNIT * late_night
        p.inbound.label("inbound"),
        (p.inbound & p.counted).label("counted_in"),  # an inbound contact on a counted channel
        p.chase.label("chase"),
        call_in.label("call_in"),
        (call_in & p.unanswered).label("missed"),
        (p.inbound & p.toned).label("toned_in"),
        (p.inbound & p.hostile).label("hostile_in"),
        (p.inbound & p.threat).label("threat_in"),
        p.recent.label("recent"),
        (taken & p.long).label("long_taken"),
        (hard & ~p.open).label("late_hard"),
        (taken & p.hostile).label("hostile_taken"),
        hard.label("hard"),
    )
    return rows if layered else rows.select_from(sql.joined()).where(*where)


def _every(
    moments: Moments, first_at: datetime, settings: AssessSettings, calendar: BusinessCalendar
) -> Select[Any]:
    """Return the rows of every client as DuckDB keeps them (layered)."""
    return _query(
        moments=moments,
        first_at=first_at,
        settings=settings,
        calendar=calendar,
        client_ids=None,
        layered=True,
    )


def _key(conn: Connection, query: Select[Any]) -> str:
    """Return what identifies a rows statement: its SQL and bound values on this connection."""
    compiled = query.compile(bind=conn)
    return f"{compiled}\n{sorted(compiled.params.items(), key=lambda item: item[0])!r}"


def contact_rows(
    conn: Connection,
    *,
    moments: Moments,
    first_at: datetime,
    settings: AssessSettings,
    calendar: BusinessCalendar,
    client_ids: Sequence[int] | None = None,
) -> FromClause:
    """Return the contact rows of these clients (or more: filter on ``cid``) before ``moments``.

    The rows ``keep_contact_rows`` kept on this connection when they are the same rows for every client;
    otherwise a subquery.
    """
    kept = conn.info.get(_KEPT)
    if kept is not None and kept[0] == _key(conn, _every(moments, first_at, settings, calendar)):
        found: FromClause = kept[1]
        return found
    query = _query(
        moments=moments, first_at=first_at, settings=settings, calendar=calendar, client_ids=client_ids
    )
    return query.subquery("cr")


def keep_contact_rows(
    conn: Connection,
    *,
    moments: Moments,
    first_at: datetime,
    settings: AssessSettings,
    calendar: BusinessCalendar,
) -> bool:
    """Place every client's contacts once into a temporary table that ``contact_rows`` then returns (DuckDB only:
    elsewhere the planner folds the subquery into each statement). Return whether it did."""
    if conn.dialect.name != "duckdb":
        return False
    query = _every(moments, first_at, settings, calendar)
    conn.execute(_CreateTempAs(_TABLE, query))
    columns = query.selected_columns
    kept = Table(_TABLE, MetaData(), *[Column(col.name, col.type) for col in columns], schema="temp")
    conn.info[_KEPT] = (_key(conn, query), kept)
    return True


def drop_contact_rows(conn: Connection) -> None:
    """Drop the kept rows, if any (a few hundred MB at 10,000 clients; the rest of a run reads other moments)."""
    if conn.info.pop(_KEPT, None) is not None:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{_TABLE}")
