"""What the staff commands share: errors, the database, time and table output."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cityserver.db import Database
from cityserver.settings import Settings
from kiosk.text import escape_controls
from kiosk.timeutil import iso, utcnow

_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Commands = argparse._SubParsersAction


class CliError(Exception):
    """A one-line message; ``status`` 2 for bad input, 1 for something not found."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


@contextmanager
def database(settings: Settings) -> Iterator[Database]:
    db = Database(settings.db_url)
    try:
        yield db
    finally:
        db.close()


def now() -> datetime:
    return utcnow()


def when(value: datetime | str | None) -> str:
    if value is None:
        return "-"
    return iso(value) if isinstance(value, datetime) else value


def parse_iso(value: str, option: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(
            f"{option} must be an ISO 8601 time like 2026-12-01T08:00:00+03:30"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def print_json(value: Any) -> None:
    """JSON with Persian as it is; C1 and bidi controls, which ``json.dumps`` leaves raw when
    not ASCII-only, as ``\\uXXXX`` escapes (valid JSON: they only occur inside strings)."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    print(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A table; every cell through :func:`kiosk.text.escape_controls` (kiosk names, errors, notes
    and answers come from kiosks and citizens: no escape sequence reaches the terminal)."""
    cells = [[str(h) for h in headers]] + [
        ["-" if c is None else escape_controls(str(c)) for c in r] for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def human_bytes(value: object) -> str:
    if not isinstance(value, int):
        return "-"
    if value < 1024:
        return f"{value} B"
    size = value / 1024
    for unit in ("KB", "MB", "GB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"
