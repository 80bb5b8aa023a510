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
    Migration(
        4,
        "staff accounts, the hash-chained audit log, voids and the privacy purge",
        (
            "ALTER TABLE transactions ADD COLUMN void_reason TEXT",
            "ALTER TABLE transactions ADD COLUMN voided_at VARCHAR(27)",
            "ALTER TABLE transactions ADD COLUMN purged_at VARCHAR(27)",
            "CREATE INDEX ix_transactions_created ON transactions (created_at)",
            """
            CREATE TABLE staff (
                name VARCHAR(40) NOT NULL PRIMARY KEY,
                name_key VARCHAR(40) NOT NULL UNIQUE,
                role VARCHAR(16) NOT NULL CHECK (role IN ('clerk', 'admin')),
                pin_hash VARCHAR(200) NOT NULL,
                failed_attempts INTEGER NOT NULL DEFAULT 0,
                locked_until VARCHAR(27),
                last_sign_in_at VARCHAR(27),
                created_at VARCHAR(27) NOT NULL,
                updated_at VARCHAR(27) NOT NULL,
                disabled_at VARCHAR(27)
            )
            """,
            """
            CREATE TABLE audit_log (
                seq INTEGER NOT NULL PRIMARY KEY,
                time VARCHAR(27) NOT NULL,
                actor VARCHAR(80) NOT NULL,
                action VARCHAR(32) NOT NULL,
                details JSON NOT NULL CHECK (json_valid(details)),
                prev_hash VARCHAR(64) NOT NULL,
                hash VARCHAR(64) NOT NULL
            )
            """,
            """
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN
                SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed');
            END
            """,
            """
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN
                SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be removed');
            END
            """,
            # The head (last seq and hash) lives in kiosk_state and only ever moves one step on.
            """
            INSERT INTO kiosk_state (key, value, updated_at) VALUES (
                'audit.head',
                '{"hash":"0000000000000000000000000000000000000000000000000000000000000000","seq":0}',
                strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'
            )
            """,
            """
            CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON kiosk_state
            WHEN OLD.key = 'audit.head'
            BEGIN
                SELECT RAISE(ABORT, 'the audit head record cannot be removed');
            END
            """,
            """
            CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON kiosk_state
            WHEN OLD.key = 'audit.head' AND (
                NEW.key IS NOT 'audit.head'
                OR json_extract(NEW.value, '$.seq') IS NOT json_extract(OLD.value, '$.seq') + 1
            )
            BEGIN
                SELECT RAISE(ABORT, 'the audit head only moves forward, one entry at a time');
            END
            """,
        ),
    ),
    Migration(
        5,
        "card payments: the write-ahead payment, its history, the bills the city says are paid",
        (
            # A payment is its own record, not a row of `transactions`: it has a life at the
            # card terminal before there is anything to deliver (kiosk.payments.states). Its
            # seq comes from the kiosk's one sequence (counters 'transaction'), so a tracking
            # code names one thing on this kiosk, a request or a payment.
            """
            CREATE TABLE payments (
                id VARCHAR(36) NOT NULL PRIMARY KEY,
                seq INTEGER NOT NULL UNIQUE,
                tracking_code VARCHAR(20) NOT NULL UNIQUE,
                kiosk_number INTEGER NOT NULL,
                kind VARCHAR(16) NOT NULL CHECK (kind IN ('bill', 'sale', 'reversal')),
                order_id VARCHAR(20) NOT NULL UNIQUE,
                terminal VARCHAR(200) NOT NULL,
                amount_rials INTEGER NOT NULL CHECK (amount_rials > 0),
                bill_id VARCHAR(13),
                payment_id VARCHAR(13),
                service_code VARCHAR(40),
                reverses_id VARCHAR(36) REFERENCES payments (id),
                channel VARCHAR(16) NOT NULL CHECK (channel IN ('kiosk', 'counter')),
                staff_id VARCHAR(64),
                lang VARCHAR(2) NOT NULL,
                state VARCHAR(24) NOT NULL CHECK (state IN ('created', 'sent', 'awaiting_card',
                    'approved', 'declined', 'failed', 'unknown', 'needs_reconciliation',
                    'receipt_printed', 'queued_for_city', 'delivered', 'reversed')),
                reason VARCHAR(32),
                terminal_code VARCHAR(16),
                rrn VARCHAR(32),
                trace_no VARCHAR(32),
                approval_code VARCHAR(16),
                masked_card VARCHAR(32),
                terminal_date VARCHAR(16),
                terminal_time VARCHAR(16),
                checks INTEGER NOT NULL DEFAULT 0,
                next_check_at VARCHAR(27),
                created_at VARCHAR(27) NOT NULL,
                sent_at VARCHAR(27),
                decided_at VARCHAR(27),
                updated_at VARCHAR(27) NOT NULL,
                CHECK ((kind = 'bill') = (bill_id IS NOT NULL AND payment_id IS NOT NULL)),
                CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL))
            )
            """,
            "CREATE INDEX ix_payments_state ON payments (state)",
            # one payment in flight per terminal
            "CREATE UNIQUE INDEX ux_payments_in_flight ON payments (terminal) "
            "WHERE state IN ('created', 'sent', 'awaiting_card', 'unknown')",
            # a bill paid, in flight or being checked at most once on this kiosk
            "CREATE UNIQUE INDEX ux_payments_bill_once ON payments (bill_id, payment_id) "
            "WHERE kind = 'bill' AND state NOT IN ('declined', 'failed', 'reversed')",
            # at most one reversal of a payment that has not failed
            "CREATE UNIQUE INDEX ux_payments_one_reversal ON payments (reverses_id) "
            "WHERE kind = 'reversal' AND state NOT IN ('declined', 'failed')",
            """
            CREATE TABLE payment_events (
                seq INTEGER NOT NULL PRIMARY KEY,
                payment_id VARCHAR(36) NOT NULL REFERENCES payments (id),
                state VARCHAR(24) NOT NULL,
                reason VARCHAR(32),
                at VARCHAR(27) NOT NULL
            )
            """,
            "CREATE INDEX ix_payment_events_payment_id ON payment_events (payment_id)",
            """
            CREATE TABLE city_paid_bills (
                bill_id VARCHAR(13) NOT NULL,
                payment_id VARCHAR(13) NOT NULL,
                paid_at VARCHAR(27) NOT NULL,
                received_at VARCHAR(27) NOT NULL,
                PRIMARY KEY (bill_id, payment_id)
            )
            """,
            # The first two digits of every OrderId, drawn once per database: a kiosk installed
            # again (its sequence from 1) does not reuse the OrderIds in its terminal's log.
            "INSERT INTO counters (name, value) VALUES "
            "('payment.order_prefix', 10 + abs(random() % 90))",
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
    # Deleted and overwritten content is zeroed, so purged personal data leaves no trace in
    # free space of the file (kiosk.privacy checkpoints the WAL after a purge for the same reason).
    conn.execute("PRAGMA secure_delete = ON")


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
