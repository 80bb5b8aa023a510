"""UTC time for the core: one clock that tests can replace, and one text form on disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]

# Fixed width, so that text order is time order in SQL.
_DB_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_db(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime: the kiosk stores UTC times only")
    return value.astimezone(UTC).strftime(_DB_FORMAT)


def from_db(value: str) -> datetime:
    # fromisoformat is C code and reads the trailing Z since Python 3.11 (strptime is 10x slower)
    return datetime.fromisoformat(value)


def iso(value: datetime) -> str:
    """ISO 8601 with an explicit UTC offset, for JSON output."""
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
