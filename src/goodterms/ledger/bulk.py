"""Fast bulk insert of new ledger rows: values converted once, then the driver's own bulk path.

SQLAlchemy's per-row parameter processing costs more than SQLite's insert itself, so new rows
are converted here with the same rules as the column types (UTC timestamps, integer hundredths,
JSON text) and written with ``executemany`` on SQLite or ``COPY`` on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, Table

from goodterms.ledger.types import Fixed2, UTCDateTime, hundredths

Convert = Callable[[Any], Any]


def _sqlite_time(value: datetime) -> str:
    # The exact text SQLAlchemy's SQLite DATETIME writes, so comparisons in SQL agree.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _converter(column_type: Any, dialect: str) -> Convert | None:
    if isinstance(column_type, UTCDateTime):
        if dialect == "sqlite":
            return _sqlite_time
        return lambda v: v.astimezone(UTC)
    if isinstance(column_type, Fixed2):
        return lambda v: hundredths(Decimal(v))
    if isinstance(column_type, JSON):
        return lambda v: json.dumps(v, ensure_ascii=False)
    if isinstance(column_type, Date) and dialect == "sqlite":
        return lambda v: v.isoformat() if isinstance(v, date) else v
    if isinstance(column_type, Boolean) and dialect == "sqlite":
        return int
    return None


class BulkInserter:
    """Insert many rows of one table; columns missing from a row get their Python default."""

    def __init__(self, table: Table, columns: Sequence[str], dialect: str) -> None:
        self.table = table
        self.dialect = dialect
        self.columns = list(columns)
        self.plan: list[tuple[str, Convert | None, Any]] = []
        self._row: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None
        for name in self.columns:
            col = table.c[name]
            spec: Any = col.default
            default: Any = None
            if spec is not None and spec.is_scalar:
                default = spec.arg
            elif spec is not None and spec.is_callable:
                default = spec.arg(None)
            self.plan.append((name, _converter(col.type, dialect), default))

    def _row_function(self) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
        # One generated expression per table instead of a loop per value: the per-row cost of
        # this step dominates large imports. Only names from the plan are interpolated.
        namespace: dict[str, Any] = {}
        parts = []
        for i, (name, convert, default) in enumerate(self.plan):
            namespace[f"d{i}"] = default
            get = f"r.get({name!r}, d{i})"
            if convert is None:
                parts.append(get)
            else:
                namespace[f"c{i}"] = convert
                parts.append(f"(None if (v := {get}) is None else c{i}(v))")
        function: Callable[[dict[str, Any]], tuple[Any, ...]] = eval(
            "lambda r: (" + ", ".join(parts) + ",)", namespace
        )
        return function

    def _tuples(self, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        if self._row is None:
            self._row = self._row_function()
        return list(map(self._row, rows))

    def insert(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Write the rows on the connection, inside the caller's transaction."""
        data = self._tuples(rows)
        cols = ", ".join(f'"{c}"' for c in self.columns)
        raw = conn.connection.dbapi_connection
        assert raw is not None
        if self.dialect == "postgresql":
            cur: Any = raw.cursor()
            try:
                with cur.copy(f'COPY "{self.table.name}" ({cols}) FROM STDIN') as copy:
                    for values in data:
                        copy.write_row(values)
            finally:
                cur.close()
            return
        marks = ", ".join("?" for _ in self.columns)
        cursor = raw.cursor()
        try:
            cursor.executemany(f'INSERT INTO "{self.table.name}" ({cols}) VALUES ({marks})', data)
        finally:
            cursor.close()
