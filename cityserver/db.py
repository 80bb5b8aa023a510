"""The city server's database: SQLite (embedded default) or PostgreSQL (production).

SQLite runs in WAL mode with ``synchronous=FULL`` and foreign keys on; pysqlite's own transaction
handling is off and writers begin with ``BEGIN IMMEDIATE`` (SQLAlchemy's documented recipe), so a
write transaction holds the lock from its first statement. PostgreSQL runs at READ COMMITTED.

Deduplication never reads before it writes: rows are inserted with ``ON CONFLICT DO NOTHING``
(:func:`insert_ignore`, or :func:`insert_ignore_returning` for many rows at once) and the outcome
read back, so a unique key in the database decides, however many server processes share it.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, TypeVar

from sqlalchemy import Engine, String, Table, create_engine, event, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from cityserver import migrations
from cityserver.models import Counter

log = logging.getLogger("cityserver.db")

WRITE_OPTION: Final = "cityserver_write"
BUSY_TIMEOUT_S: Final = 30.0
# PostgreSQL advisory locks that keep pull cursors in commit order (see lock_cursor).
CURSOR_LOCKS: Final = {"status_events": 0x63697479_73746174, "announcements": 0x63697479_616E6E6F}
# SQLSTATEs worth retrying the whole transaction for: serialization failure, deadlock.
_RETRY_SQLSTATES: Final = frozenset({"40001", "40P01"})
# JSON columns are written as kiosk.jsonutil.dumps writes them (UTF-8 as is, sorted keys, no
# spaces); one encoder made once instead of one per value (json.dumps with options makes one).
_JSON_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
json_dumps: Final = _JSON_ENCODER.encode
# Rows per statement of insert_ignore_returning (a push batch is at most 1000 items).
BULK_ROWS: Final = 1000

T = TypeVar("T")


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened or reached; the message is one line for people."""


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the server's settings for its dialect."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            restrict(Path(database))
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S},
            json_serializer=json_dumps,
            hide_parameters=True,
            pool_size=8,
            max_overflow=8,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        parsed,
        json_serializer=json_dumps,
        hide_parameters=True,
        pool_size=8,
        max_overflow=8,
        pool_pre_ping=True,
        # Short multi-row INSERTs: psycopg caches the parse of statements under 4 kB, and
        # 50-row pages measured ~1.6x faster than 1000-row pages for a 1000-item push.
        # (Push batches go through insert_ignore_returning instead.)
        insertmanyvalues_page_size=50,
    )


def restrict(database: Path) -> None:
    """The database, its WAL and shared-memory files readable by the server's user only (the
    file holds every kiosk's secret and every answer): created so, and tightened if found
    otherwise. (The data dir is the CLI's to tighten: :func:`restrict_dir`.)"""
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        try:
            if path == database and not path.exists():
                path.touch(mode=0o600)
            if path.exists() and path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError as exc:  # not ours: say so, SQLite will say the rest
            log.warning("cannot restrict %s: %s", path, exc.strerror or exc)


def restrict_dir(folder: Path) -> None:
    """The server's data dir: 0700 if it is ours (never a shared, sticky folder such as /tmp)."""
    try:
        info = folder.stat()
        if info.st_uid == os.getuid() and not info.st_mode & 0o1000 and info.st_mode & 0o077:
            folder.chmod(0o700)
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("cannot restrict %s: %s", folder, exc.strerror or exc)


def _sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    assert isinstance(dbapi_connection, sqlite3.Connection)
    dbapi_connection.isolation_level = None  # pysqlite emits no BEGIN; we do
    _wal(dbapi_connection)
    dbapi_connection.execute("PRAGMA synchronous = FULL")
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL once (it stays so); switching waits for no busy handler, so a
    process that starts beside another one retries for a while."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
            if mode != "wal":
                mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
            continue
        if mode != "wal":
            raise sqlite3.OperationalError(
                f"cannot switch the database to WAL mode (got {mode!r}); is it on a network drive?"
            )
        return


def _sqlite_begin(conn: Any) -> None:
    write = conn.get_execution_options().get(WRITE_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Database:
    """One database, migrated to the current schema when opened."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name
        if migrate:
            try:
                migrations.upgrade(self.engine)
            except OperationalError as exc:
                self.engine.dispose()
                raise DatabaseUnavailable(
                    f"cannot open the database {display_url(url)}: {first_line(exc.orig)}"
                ) from exc
        if self.dialect == "sqlite" and self.engine.url.database:
            restrict(Path(self.engine.url.database))  # the WAL files exist now
        write_engine = self.engine.execution_options(**{WRITE_OPTION: True})
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(write_engine, expire_on_commit=False)
        # SQLite has one writer at a time. Its busy handler makes a waiting writer poll with
        # sleeps of 1, 2, 5, 10, 15, 20, 25... ms, so a push that arrives while another one
        # writes (the sync engine keeps two in flight) would sleep past the end of that write.
        # Writers of this process queue on a lock instead and start the moment it is free;
        # other processes still meet SQLite's own lock. (PostgreSQL locks rows, not the file.)
        self._write_lock: AbstractContextManager[object] = (
            threading.RLock() if self.dialect == "sqlite" else nullcontext()
        )

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction, committed when the block ends normally (durable on return)."""
        with self._write_lock, self._writer.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader.begin() as session:
            yield session

    def write_retrying(self, work: Callable[[Session], T], *, attempts: int = 5) -> T:
        """Run ``work`` in a write transaction; retry it whole after a deadlock or lock timeout."""
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as session:
                    return work(session)
            except DBAPIError as exc:
                if attempt == attempts or not _transient(exc):
                    raise
                log.warning("transaction retried (%s): %s", attempt, first_line(exc.orig))
                time.sleep(0.01 * 2**attempt)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.engine.dispose()


def _transient(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _RETRY_SQLSTATES:
        return True
    return isinstance(exc.orig, sqlite3.OperationalError) and "locked" in str(exc.orig)


def insert_ignore(session: Session, model: type[DeclarativeBase]) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` into ``model``'s table, for this dialect.

    Conflicts on any unique key are skipped (no exception, no row); every other constraint
    still fails loudly. Add ``.returning(...)`` to learn which rows went in.
    """
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = model.__table__  # Core: a list of rows is one executemany, not an ORM bulk insert
    return module.insert(table).on_conflict_do_nothing()


@dataclass(frozen=True)
class _BulkInsert:
    """How one dialect inserts many rows of some columns of a table (made once, then reused)."""

    prefix: str  # up to VALUES (SQLite) or the whole statement (PostgreSQL)
    suffix: str
    row_marks: str  # "(?, ?, ...)" for SQLite
    processors: tuple[Callable[[Any], Any] | None, ...]
    rows_per_statement: int


_UNSET: Final = object()
# Per dialect object (each engine has its own), forgotten with it.
_BULK_PLANS: weakref.WeakKeyDictionary[Dialect, dict[tuple[str, tuple[str, ...], str], _BulkInsert]]
_BULK_PLANS = weakref.WeakKeyDictionary()


def _bulk_plan(
    session: Session, table: Table, columns: tuple[str, ...], returning: str
) -> _BulkInsert:
    connection = session.connection()
    dialect = connection.dialect
    plans = _BULK_PLANS.setdefault(dialect, {})
    key = (table.name, columns, returning)
    plan = plans.get(key)
    if plan is not None:
        return plan
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    processors = tuple(
        table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns
    )
    tail = f" ON CONFLICT DO NOTHING RETURNING {quote(returning)}"
    if dialect.name == "postgresql":
        # One array per column, sent in binary (%b): no per-row statement text, and the same
        # statement for any number of rows, which psycopg prepares after a few uses. Strings
        # go as text[] (a cast to varchar(n)[] would cut long values; the column refuses them).
        casts = [
            "text" if isinstance(table.c[c].type, String) else table.c[c].type.compile(dialect)
            for c in columns
        ]
        arrays = ", ".join(f"%b::{cast}[]" for cast in casts)
        plan = _BulkInsert(
            f"INSERT INTO {quote(table.name)} ({names}) SELECT * FROM unnest({arrays}){tail}",
            "",
            "",
            processors,
            BULK_ROWS,
        )
    else:
        raw = connection.connection.driver_connection
        limit = (
            raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            if isinstance(raw, sqlite3.Connection)
            else 999
        )
        plan = _BulkInsert(
            f"INSERT INTO {quote(table.name)} ({names}) VALUES ",
            tail,
            "(" + ", ".join("?" * len(columns)) + ")",
            processors,
            max(1, min(BULK_ROWS, limit // len(columns))),
        )
    plans[key] = plan
    return plan


def insert_ignore_returning(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], returning: str
) -> list[Any]:
    """Insert ``rows`` (all with the same keys) with ``ON CONFLICT DO NOTHING``, in order;
    the ``returning`` column of the rows that went in.

    What ``session.execute(insert_ignore(...).returning(...), rows)`` does, with the same
    values: each column's own bind processor converts them (once per distinct object, so a
    value shared by every row, such as the time of receipt, is converted once). But the
    statement comes from a template made once per dialect, not compiled per call and per row:
    SQLite gets multi-row ``VALUES`` as long as its variable limit allows, PostgreSQL one
    ``unnest`` of one array per column. For a 1000-row push this is 1.7x (SQLite) to 3x
    (PostgreSQL) faster than the Core path with its ``insertmanyvalues`` pages. Any error other
    than a unique conflict (a foreign key, a value too long, a NULL) still fails the statement.
    """
    if not rows:
        return []
    columns = tuple(rows[0])
    plan = _bulk_plan(session, table, columns, returning)
    # Column by column: most columns have no bind processor and pass through untouched.
    by_column: list[Sequence[Any]]
    if len(columns) == 1:
        by_column = [[r[columns[0]] for r in rows]]
    else:
        by_column = list(zip(*map(itemgetter(*columns), rows), strict=True))
    for i, process in enumerate(plan.processors):
        if process is not None:
            by_column[i] = _processed(process, by_column[i])
    connection = session.connection()
    postgresql = connection.dialect.name == "postgresql"
    found: list[Any] = []
    step = plan.rows_per_statement
    for start in range(0, len(rows), step):
        stop = start + step
        if postgresql:
            sql = plan.prefix
            params: tuple[Any, ...] = tuple(list(values[start:stop]) for values in by_column)
        else:
            count = min(stop, len(rows)) - start
            sql = plan.prefix + ", ".join([plan.row_marks] * count) + plan.suffix
            rows_of_chunk = zip(*(values[start:stop] for values in by_column), strict=True)
            params = tuple(chain.from_iterable(rows_of_chunk))
        found.extend(connection.exec_driver_sql(sql, params).scalars().all())
    return found


def _processed(process: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """``process`` applied to each value, once per run of the same object (a shared value)."""
    out: list[Any] = []
    last_in: object = _UNSET
    last_out: Any = None
    for value in values:
        if value is not last_in:
            last_in = value
            last_out = process(value)
        out.append(last_out)
    return out


def next_values(session: Session, name: str, count: int) -> list[int]:
    """``count`` fresh values of the named server sequence (one of ``migrations.SEQUENCES``)."""
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        seq = migrations.sequence_name(name)
        rows = session.execute(
            text(f"SELECT nextval('{seq}') FROM generate_series(1, :n)"), {"n": count}
        )
        return sorted(int(v) for (v,) in rows)
    last = session.execute(
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + count)
        .returning(Counter.value)
    ).scalar_one()
    return list(range(last - count + 1, last + 1))


def lock_cursor(session: Session, name: str) -> None:
    """Hold the lock that makes a pull cursor's values commit in order, until this commit.

    A pull cursor (``status_events.seq``, ``announcements.revision``) must never let a reader
    see value N+1 before N is committed, or a kiosk would skip N forever. On SQLite writers are
    serialised already; on PostgreSQL writers take this advisory lock right before they draw
    cursor values, as their last lock, so they commit in the order they drew them.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CURSOR_LOCKS[name]})


def counter_value(session: Session, name: str) -> int:
    """SQLite only: the last value handed out by a sequence (for tests and diagnostics)."""
    return int(session.execute(select(Counter.value).where(Counter.name == name)).scalar_one())


def display_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"


def first_line(exc: object) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
