"""The database file: WAL, synchronous=FULL, foreign keys, explicit transactions."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk.db import Database


def test_pragmas_on_every_connection(db: Database) -> None:
    with db.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.integrity_check() == "ok"


def test_write_block_commits_and_rolls_back(db: Database) -> None:
    with db.write() as session:
        session.execute(text("UPDATE counters SET value = 5"))
    with pytest.raises(RuntimeError), db.write() as session:
        session.execute(text("UPDATE counters SET value = 99"))
        raise RuntimeError("boom")
    with db.read() as session:
        assert session.execute(text("SELECT value FROM counters")).scalar() == 5


def test_writers_take_the_lock_at_begin(db: Database, tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a second writer waits at BEGIN instead of failing mid-transaction."""
    other = sqlite3.connect(db.path, isolation_level=None, timeout=0.05)
    with db.write() as session:
        session.execute(text("SELECT 1"))  # the transaction has begun, nothing written yet
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_read_snapshot_is_consistent(db: Database) -> None:
    """A read block sees one snapshot even when another connection commits in the middle."""
    with db.read() as session:
        before = session.execute(text("SELECT value FROM counters")).scalar()

        def bump() -> None:
            with db.write() as s:
                s.execute(text("UPDATE counters SET value = value + 1"))

        t = threading.Thread(target=bump)
        t.start()
        t.join()
        assert session.execute(text("SELECT value FROM counters")).scalar() == before
    with db.read() as session:
        assert session.execute(text("SELECT value FROM counters")).scalar() == before + 1
