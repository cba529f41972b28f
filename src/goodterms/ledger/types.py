"""Column types that keep money exact and time zone-aware on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


class Fixed2(TypeDecorator[Decimal]):
    """A Decimal with two places, stored as an integer of hundredths (exact sums in SQL)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * _HUNDRED).to_integral_value(rounding=ROUND_HALF_EVEN))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / _HUNDRED).quantize(_CENT)


def hundredths(value: Decimal) -> int:
    """Return the stored integer form of a two-place Decimal (for bulk inserts)."""
    return int((value * _HUNDRED).to_integral_value(rounding=ROUND_HALF_EVEN))


def from_hundredths(value: int | None) -> Decimal:
    """Turn a stored (or SQL-summed) integer of hundredths back into a Decimal."""
    return (Decimal(int(value or 0)) / _HUNDRED).quantize(_CENT)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored in UTC; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: goodterms stores only timezone-aware times")
        value = value.astimezone(UTC)
        if dialect.name in ("sqlite", "duckdb"):  # naive UTC columns (DuckDB reads the SQLite file)
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_naive(value: datetime) -> datetime:
    """Return the form UTCDateTime stores on SQLite (for raw bulk inserts and SQL filters)."""
    return value.astimezone(UTC).replace(tzinfo=None)
