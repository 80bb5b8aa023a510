"""Hand-written fakes and helpers for the staff, audit, privacy and counter tests."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

START = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def tamper(path: Path, *statements: str, restore_triggers: bool = True) -> None:
    """Change the database file the way an intruder with sqlite3 would: drop the audit triggers,
    run ``statements``, and (by default) put the triggers back so only the change shows."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        saved = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit%'"
        ).fetchall()
        conn.execute("BEGIN")
        for (sql,) in saved:
            name = sql.split()[2]
            conn.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            conn.execute(statement)
        if restore_triggers:
            for (sql,) in saved:
                conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()
