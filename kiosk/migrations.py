"""Schema migrations of the kiosk's local SQLite database.

The schema version lives in SQLite's own ``PRAGMA user_version``. Each migration is a list of SQL
statements run in one ``BEGIN IMMEDIATE`` transaction together with the version bump, so a crash
leaves the database at the old version or the new one, never between. Before the first migration
of an existing database a copy is taken with SQLite's online backup API.

Rules for adding a migration: never edit one that has shipped; append a new one; keep every row
(``ALTER TABLE ... ADD COLUMN`` with a default, or copy into a new table inside the migration);
add the previous schema's fixture to ``tests/kiosk/test_migrations.py``.

Alembic would do the same with more moving parts (a script folder to ship in the frozen build,
batch mode for SQLite's ALTER TABLE); one local file with a linear history does not need them.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("kiosk.db")


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "durable transaction queue and the local sequence",
        (
            """
            CREATE TABLE transactions (
                id VARCHAR(36) NOT NULL PRIMARY KEY,
                tracking_code VARCHAR(20) NOT NULL UNIQUE,
                kiosk_number INTEGER NOT NULL,
                seq INTEGER NOT NULL UNIQUE,
                service_code VARCHAR(40) NOT NULL,
                catalog_version VARCHAR(64) NOT NULL,
                answers JSON NOT NULL CHECK (json_valid(answers)),
                lang VARCHAR(2) NOT NULL,
                created_at VARCHAR(27) NOT NULL,
                channel VARCHAR(16) NOT NULL CHECK (channel IN ('kiosk', 'counter')),
                staff_id VARCHAR(64),
                state VARCHAR(16) NOT NULL
                    CHECK (state IN ('pending', 'in_flight', 'acked', 'rejected', 'voided')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at VARCHAR(27),
                last_error TEXT,
                server_ref VARCHAR(64),
                server_status VARCHAR(32),
                server_status_at VARCHAR(27),
                acked_at VARCHAR(27),
                updated_at VARCHAR(27) NOT NULL
            )
            """,
            "CREATE INDEX ix_transactions_state ON transactions (state)",
            "CREATE INDEX ix_transactions_due ON transactions (state, next_attempt_at)",
            """
            CREATE TABLE counters (
                name VARCHAR(32) NOT NULL PRIMARY KEY,
                value INTEGER NOT NULL
            )
            """,
            "INSERT INTO counters (name, value) VALUES ('transaction', 0)",
        ),
    ),
    Migration(
        2,
        "kiosk state (enrollment, cursors); status notes; resubmission links",
        (
            "ALTER TABLE transactions ADD COLUMN server_status_note TEXT",
            "ALTER TABLE transactions ADD COLUMN replaces_id VARCHAR(36) "
            "REFERENCES transactions (id)",
            """
            CREATE TABLE kiosk_state (
                key VARCHAR(64) NOT NULL PRIMARY KEY,
                value JSON NOT NULL,
                updated_at VARCHAR(27) NOT NULL
            )
            """,
        ),
    ),
    Migration(
        3,
        "announcements and city information, cached for offline reading",
        (
            """
            CREATE TABLE announcements (
                id VARCHAR(64) NOT NULL PRIMARY KEY,
                title JSON NOT NULL CHECK (json_valid(title)),
                body JSON NOT NULL CHECK (json_valid(body)),
                published_at VARCHAR(27) NOT NULL,
                expires_at VARCHAR(27),
                updated_at VARCHAR(27) NOT NULL
            )
            """,
            "CREATE INDEX ix_announcements_published ON announcements (published_at)",
        ),
    ),
)

HEAD = MIGRATIONS[-1].version


class SchemaTooNew(RuntimeError):
    """The database was written by a newer kiosk; this one must not touch it."""


def apply_pragmas(conn: sqlite3.Connection) -> None:
    """The durability settings every connection to the queue uses."""
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(
            f"cannot switch the database to WAL mode (got {mode!r}); is it on a network drive?"
        )
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def upgrade(path: Path, target: int = HEAD) -> list[int]:
    """Bring the database at ``path`` to ``target``; return the versions applied."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        apply_pragmas(conn)
        current = schema_version(conn)
        if current > HEAD:
            raise SchemaTooNew(
                f"{path.name} has schema version {current}, newer than this kiosk's {HEAD}; "
                "install the newer kiosk version or restore a backup"
            )
        pending = [m for m in MIGRATIONS if current < m.version <= target]
        if not pending:
            return []
        if current > 0:
            _backup(conn, path.with_name(f"{path.name}.before-v{pending[0].version}"))
        applied = []
        for migration in pending:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if schema_version(conn) >= migration.version:  # another process got here first
                    conn.execute("ROLLBACK")
                    continue
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {migration.version:d}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            log.info("database migrated to schema %d: %s", migration.version, migration.description)
            applied.append(migration.version)
        return applied
    finally:
        conn.close()


def _backup(conn: sqlite3.Connection, destination: Path) -> None:
    target = sqlite3.connect(destination)
    try:
        conn.backup(target)
    finally:
        target.close()
    log.info("database backed up to %s before migrating", destination.name)
