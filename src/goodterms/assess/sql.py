"""SQL expressions shared by the loaders: epoch seconds, office hours and the chase rule (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import numpy as np
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    FromClause,
    Integer,
    Subquery,
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.functions import FunctionElement

from goodterms.assess.clock import offset_periods
from goodterms.assess.config import AssessSettings
from goodterms.calendar import WEEKDAYS, BusinessCalendar
from goodterms.ledger import models as m
from goodterms.ledger.types import UTCDateTime

_EPOCH = date(1970, 1, 1)


class _Epoch(FunctionElement[int]):
    """Whole epoch seconds of a stored UTC timestamp (or date)."""

    type = BigInteger()
    inherit_cache = True
    name = "epoch"


@compiles(_Epoch)
def _epoch_default(element: _Epoch, compiler: Any, **kw: Any) -> str:
    (arg,) = element.clauses
    # FLOOR: a cast alone rounds to the nearest second on PostgreSQL and DuckDB; SQLite's unixepoch truncates.
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(arg, **kw)})) AS BIGINT)"


@compiles(_Epoch, "sqlite")
def _epoch_sqlite(element: _Epoch, compiler: Any, **kw: Any) -> str:
    (arg,) = element.clauses
    # unixepoch() (SQLite 3.38+) parses about five times faster than strftime('%s').
    if sqlite3.sqlite_version_info >= (3, 38):
        return f"unixepoch({compiler.process(arg, **kw)})"
    return f"CAST(STRFTIME('%s', {compiler.process(arg, **kw)}) AS INTEGER)"


def epoch(column: Any) -> ColumnElement[int]:
    """Return a timestamp column as whole epoch seconds (UTC) in SQL."""
    return _Epoch(column)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """Return SUM(CASE WHEN condition THEN 1 ELSE 0 END)."""
    return func.sum(case((condition, 1), else_=0))


@dataclass(frozen=True)
class Moments:
    """The as-of moments one load answers for, as SQL: records count at a moment only if they came before it.

    One moment is plain bound values, so the statements are those of a single as-of filter. Several
    (a client's monthly trend) are a small table ``(k, as_of, recent, today)`` joined to every table
    read, so the whole trend is read in one pass per table instead of one pass per month. Loaders
    select ``key`` first and group by ``group``; ``key`` is the moment's position in ``points``.
    """

    points: tuple[datetime, ...]
    key: ColumnElement[int]
    as_of: ColumnElement[datetime]
    recent: ColumnElement[datetime]  # as_of less the settings' recent_days
    today: ColumnElement[date]  # the business's calendar day at as_of
    table: Subquery | None

    @classmethod
    def of(cls, points: Sequence[datetime], *, recent_days: int, zone: tzinfo) -> Moments:
        """Return the moments ``points`` (aware datetimes; at least one)."""

        def row(point: datetime) -> tuple[ColumnElement[Any], ...]:
            return (
                literal(point, UTCDateTime()),
                literal(point - timedelta(days=recent_days), UTCDateTime()),
                literal(point.astimezone(zone).date(), Date()),
            )

        if len(points) == 1:
            as_of, recent, today = row(points[0])
            return cls(tuple(points), literal_column("0", Integer), as_of, recent, today, None)
        names = ("as_of", "recent", "today")
        table = union_all(
            *[
                select(
                    literal_column(str(k), Integer).label("k"),
                    *[value.label(name) for value, name in zip(row(point), names, strict=True)],
                )
                for k, point in enumerate(points)
            ]
        ).subquery("moments")
        return cls(tuple(points), table.c.k, table.c.as_of, table.c.recent, table.c.today, table)

    @property
    def last(self) -> datetime:
        return max(self.points)

    @property
    def group(self) -> tuple[ColumnElement[int], ...]:
        """Return what to group by before the client: the moment, when there are several."""
        return () if self.table is None else (self.key,)

    def join(self, source: Any) -> Any:
        """Return ``source`` with every row paired with every moment (``source`` itself for one moment)."""
        return source if self.table is None else source.join(self.table, true())

    def same(self, sub: Subquery) -> ColumnElement[bool]:
        """Return ``sub.k = this row's moment``, to join a per-moment subquery (TRUE for one moment)."""
        return true() if self.table is None else sub.c.k == self.key

    def keyed(self, sub: Subquery) -> tuple[ColumnElement[int], ...]:
        """Return ``sub``'s moment column to select and group by, when there are several moments."""
        return () if self.table is None else (sub.c.k,)


def first_resolved(moments: Moments, client_ids: Sequence[int] | None = None) -> Subquery:
    """Return (k, request_id, first): each request's first resolving reply before each moment."""
    rp = m.Reply
    source: FromClause = moments.join(rp.__table__)
    if client_ids is not None:
        source = source.join(m.Request.__table__, m.Request.id == rp.request_id)
    query = select(moments.key.label("k"), rp.request_id, func.min(rp.at).label("first")).select_from(source)
    query = query.where(rp.resolves.is_(True), rp.at < moments.as_of)
    if client_ids is not None:
        query = query.where(in_clients(m.Request.client_id, client_ids))
    return query.group_by(*moments.group, rp.request_id).subquery("fr")


#: after_hours and late_night are summed in one pass as ``after + late * LATE_UNIT`` (``rows``' slot column).
LATE_UNIT = 1 << 24


@dataclass(frozen=True)
class ContactSql:
    """Flat SQL expressions over ``contacts`` (no subquery layers: SQLite would copy every row through them).

    ``chase`` is valid over ``joined`` (contacts left-joined to their request and its first resolving
    reply); ``open`` and ``late`` place a contact in business time (business timezone with its
    daylight-saving periods, opening hours per weekday, holidays; late night by the clock).
    """

    moments: Moments
    fr: Subquery
    chase: ColumnElement[bool]
    open: ColumnElement[bool]
    late: ColumnElement[bool]
    inbound: ColumnElement[bool]
    counted: ColumnElement[bool]

    def joined(self) -> Any:
        """Return contacts (paired with each moment) left-joined to their request and its first resolving reply."""
        return (
            self.moments.join(m.Contact.__table__)
            .outerjoin(m.Request.__table__, m.Request.id == m.Contact.request_id)
            .outerjoin(
                self.fr,
                and_(self.fr.c.request_id == m.Contact.request_id, self.moments.same(self.fr)),
            )
        )


def contact_sql(
    *,
    moments: Moments,
    first_at: datetime,
    settings: AssessSettings,
    calendar: BusinessCalendar,
    client_ids: Sequence[int] | None = None,
) -> ContactSql:
    """Build the contact expressions for one business calendar, some as-of moments and some clients."""
    c, r = m.Contact, m.Request
    fr = first_resolved(moments, client_ids)
    chase = and_(c.request_id.is_not(None), c.at > r.at, or_(fr.c.first.is_(None), fr.c.first > c.at))
    loc = epoch(c.at) + _offset(c.at, calendar.timezone, first_at, moments.last)
    dow = (loc // 86400 + 3) % 7  # 1970-01-01 was a Thursday: Monday is 0
    mod = (loc // 60) % 1440
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for index, day in enumerate(WEEKDAYS):
        spans = tuple(
            (s.hour * 60 + s.minute, 1440 if (e.hour, e.minute) == (23, 59) else e.hour * 60 + e.minute)
            for s, e in calendar.hours.get(day, ())
        )
        if spans:
            groups.setdefault(spans, []).append(index)
    parts = [
        and_(dow.in_(days), or_(*[and_(mod >= lo, mod < hi) for lo, hi in spans]))
        for spans, days in groups.items()
    ]
    is_open: ColumnElement[bool] = or_(*parts) if parts else false()
    if calendar.holidays:
        is_open = and_(is_open, (loc // 86400).not_in(sorted((d - _EPOCH).days for d in calendar.holidays)))
    late = or_(mod >= settings.late_night_start * 60, mod < settings.late_night_end * 60)
    return ContactSql(
        moments=moments,
        fr=fr,
        chase=chase,
        open=is_open,
        late=late,
        inbound=c.direction == "inbound",
        counted=c.channel.in_(settings.contact_channels),
    )


def _offset(at: Any, zone: str, first_at: datetime, as_of: datetime) -> ColumnElement[int]:
    """Return the zone's UTC offset in seconds at ``at`` (comparing stored times: no parsing)."""
    periods = offset_periods(zone, first_at, as_of)
    if len(periods) == 1:
        return literal(periods[0][1])
    whens = [
        (at < datetime.fromtimestamp(start, UTC), offset)
        for (start, _), (_, offset) in zip(periods[1:], periods, strict=False)
    ]
    return case(*whens, else_=periods[-1][1])


def hostile_message(c: Any) -> ColumnElement[bool]:
    """Say whether a contact counts as hostile: marked rude by staff, or read as hostile and not marked otherwise.

    A staff member's mark is the business's own judgement of that message, so it counts at once, before
    ``goodterms tone learn`` refits the model on it: a message staff marked "not rude" no longer counts against
    the client, and one they marked "rude" counts even where the model read it as frustrated.
    """
    mark = func.coalesce(c.staff_mark, "")
    condition: ColumnElement[bool] = (mark == m.MARK_RUDE) | (
        c.tone.in_(m.HOSTILE_TONES) & (mark != m.MARK_NOT_RUDE)
    )
    return condition


def threat_message(c: Any) -> ColumnElement[bool]:
    """Say whether a contact counts as a threat: read (or imported) as one and not marked "not rude"."""
    condition: ColumnElement[bool] = (c.tone == "threat") & (
        func.coalesce(c.staff_mark, "") != m.MARK_NOT_RUDE
    )
    return condition


def handling_seconds(settings: AssessSettings) -> ColumnElement[Any]:
    """Staff seconds a contact took: a call's or meeting's length, a message's configured minutes (whole seconds)."""
    c = m.Contact
    return case(
        (c.channel.in_(("call", "meeting")), c.duration_s),
        *[
            (c.channel == channel, round(minutes * 60))
            for channel, minutes in settings.handling_minutes.items()
        ],
        else_=0,
    )


def toned_message(c: Any) -> ColumnElement[bool]:
    """Say whether a contact's tone is known: read from its text, given by the import, or marked by staff."""
    condition: ColumnElement[bool] = c.tone.is_not(None) | c.staff_mark.in_((m.MARK_RUDE, m.MARK_NOT_RUDE))
    return condition


def fetch_columns(conn: Any, query: Any) -> list[np.ndarray[Any, Any]]:
    """Run ``query`` and return its result as one numpy array per selected column (no NULLs expected).

    DuckDB hands its columns over as arrays at once (the columns are labelled by position so that
    no two share a name); elsewhere the rows are transposed. Whole numbers come back as int64 on both.
    """
    columns = list(query.selected_columns)
    if conn.dialect.name == "duckdb":
        labelled = query.with_only_columns(
            *[column.label(f"col{i}") for i, column in enumerate(columns)], maintain_column_froms=True
        )
        data = conn.execute(labelled).cursor.fetchnumpy()
        return [np.asarray(np.ma.getdata(data[f"col{i}"])) for i in range(len(columns))]
    rows = conn.execute(query).all()
    if not rows:
        return [np.empty(0, dtype=np.int64) for _ in columns]
    return [np.array(column) for column in zip(*rows, strict=True)]


def in_clients(column: Any, client_ids: Sequence[int] | None) -> ColumnElement[bool]:
    """Return ``column IN client_ids``, or TRUE for all clients."""
    if client_ids is None:
        return true()
    # Rendered inline: thousands of bound parameters cost DuckDB a module lookup each, and SQLite has a cap.
    ids: BindParameter[list[int]] = bindparam(
        "client_ids", [int(i) for i in client_ids], expanding=True, literal_execute=True, unique=True
    )
    condition: ColumnElement[bool] = column.in_(ids)
    return condition
