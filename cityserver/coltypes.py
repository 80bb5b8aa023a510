"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from kiosk.timeutil import from_db, to_db

# A JSON document: JSONB on PostgreSQL, JSON text on SQLite.
JSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

# An integer key that SQLite makes its rowid (autoincrement) and PostgreSQL makes 64-bit.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def db_text(value: datetime) -> str:
    """:func:`kiosk.timeutil.to_db` of an aware datetime (``YYYY-MM-DDTHH:MM:SS.ffffffZ``), with
    ``isoformat`` (C, no format string to interpret) instead of ``strftime``: the same text."""
    utc = value.astimezone(UTC)
    if utc.year < 1000:  # strftime writes such a year without zero padding
        return to_db(value)
    return utc.isoformat(timespec="microseconds")[:-6] + "Z"  # "+00:00" -> "Z"


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime: ``timestamptz`` on PostgreSQL, fixed-width ISO text on SQLite.

    The text form sorts as time, so comparisons in SQL work on both. Naive datetimes are refused:
    the server keeps UTC only.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(String(27))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the city server stores UTC times only")
        if dialect.name == "postgresql":
            return value.astimezone(UTC)
        return db_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return from_db(str(value))
