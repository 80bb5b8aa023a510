"""The kiosk's local database: one SQLite file, WAL, ``synchronous=FULL``, explicit transactions.

pysqlite's own transaction handling is switched off and SQLAlchemy emits ``BEGIN`` itself
(SQLAlchemy's documented recipe for pysqlite), so a transaction starts where the code says and
reads inside it are consistent. Writers use ``BEGIN IMMEDIATE``: they take the write lock at the
start instead of failing half-way with "database is locked" when another process writes too.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from kiosk import jsonutil, migrations

log = logging.getLogger("kiosk.db")

BUSY_TIMEOUT_S = 30.0
_WRITE_OPTION = "kiosk_write"


class Database:
    """The SQLite file at ``path``, migrated to the current schema on open."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        migrations.upgrade(self.path)
        self.engine: Engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S},
            json_serializer=jsonutil.dumps,
            hide_parameters=True,  # a failed statement's answers never reach a message or log
            pool_size=4,
            max_overflow=4,
        )
        event.listen(self.engine, "connect", _on_connect)
        event.listen(self.engine, "begin", _on_begin)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self._write_engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (``BEGIN IMMEDIATE``), committed when the block ends normally.

        When this block returns, the commit is on disk (WAL with ``synchronous=FULL``).
        """
        with self._writer.begin() as session:
            yield session

    @contextmanager
    def write_core(self) -> Iterator[Connection]:
        """Like :meth:`write`, on a Core connection: for hot paths that need no unit of work."""
        with self._write_engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction: one consistent snapshot for the whole block."""
        with self._reader.begin() as session:
            yield session

    def integrity_check(self) -> str:
        with self.engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())

    def close(self) -> None:
        self.engine.dispose()


def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    assert isinstance(dbapi_connection, sqlite3.Connection)
    dbapi_connection.isolation_level = None  # pysqlite emits no BEGIN; SQLAlchemy does
    migrations.apply_pragmas(dbapi_connection)


def _on_begin(conn: Any) -> None:
    if conn.get_execution_options().get(_WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")
