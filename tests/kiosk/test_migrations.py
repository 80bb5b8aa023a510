"""Schema migrations keep every row, agree with the models, and refuse a newer database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from kiosk import migrations
from kiosk.audit import TRIGGERS, AuditAction, AuditLog
from kiosk.catalog import Catalog
from kiosk.db import Database
from kiosk.models import Base, TxState
from kiosk.queue import Queue
from kiosk.staff import StaffStore
from kiosk.state import StateStore
from kiosk.tracking import make_tracking_code

# A row as schema version 1 stored it (the columns of migration 1, nothing later).
V1_COLUMNS = (
    "id",
    "tracking_code",
    "kiosk_number",
    "seq",
    "service_code",
    "catalog_version",
    "answers",
    "lang",
    "created_at",
    "channel",
    "staff_id",
    "state",
    "attempts",
    "next_attempt_at",
    "last_error",
    "server_ref",
    "server_status",
    "server_status_at",
    "acked_at",
    "updated_at",
)


def v1_row(seq: int, state: str) -> tuple[Any, ...]:
    answers = {"district": "2", "address": "خیابان انقلاب، نبش فلسطین", "follow_up": False}
    return (
        f"0190a0b0-0000-7000-8000-{seq:012d}",
        make_tracking_code(7, seq),
        7,
        seq,
        "street-lights",
        "v-old",
        json.dumps(answers, ensure_ascii=False),
        "fa",
        "2026-11-01T08:00:00.000000Z",
        "kiosk",
        None,
        state,
        seq % 3,
        None,
        "timeout" if seq % 2 else None,
        None,
        None,
        None,
        None,
        "2026-11-01T08:00:00.000000Z",
    )


def make_v1(path: Path, rows: int) -> None:
    migrations.upgrade(path, target=1)
    conn = sqlite3.connect(path)
    states = ["pending", "in_flight", "rejected", "acked", "pending"]
    with conn:
        conn.executemany(
            f"INSERT INTO transactions ({', '.join(V1_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(V1_COLUMNS))})",
            [v1_row(i, states[i % len(states)]) for i in range(1, rows + 1)],
        )
        conn.execute("UPDATE counters SET value = ?", (rows,))
    conn.close()


def test_upgrade_from_v1_keeps_every_row(tmp_path: Path, mini_catalog: Catalog) -> None:
    path = tmp_path / "queue.db"
    make_v1(path, 250)
    conn = sqlite3.connect(path)
    assert migrations.schema_version(conn) == 1
    conn.close()

    db = Database(path)  # opening migrates
    try:
        queue = Queue(db, mini_catalog, kiosk_number=7)
        rows = queue.list()
        assert len(rows) == 250
        by_seq = {tx.seq: tx for tx in rows}
        for seq in range(1, 251):
            old = v1_row(seq, "")
            tx = by_seq[seq]
            assert tx.id == old[0]
            assert tx.tracking_code == old[1]
            assert tx.answers == json.loads(old[6])
            assert tx.attempts == old[12]
            assert tx.last_error == old[14]
            assert tx.server_status_note is None
            assert tx.replaces_id is None
        assert queue.counts()[TxState.PENDING] == 100
        # the sequence continues where it was: no tracking code is ever issued twice
        tx = queue.submit("survey", {"national_code": "0499370899", "rating": "5"})
        assert tx.seq == 251
    finally:
        db.close()
    assert (tmp_path / "queue.db.before-v2").exists()
    conn = sqlite3.connect(path)
    assert migrations.schema_version(conn) == migrations.HEAD
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def make_v3(path: Path, rows: int) -> None:
    """A schema-3 database as a kiosk of that version left it: queue rows (some resubmitted),
    enrollment and cursors in kiosk_state, cached announcements."""
    migrations.upgrade(path, target=3)
    conn = sqlite3.connect(path)
    states = ["pending", "in_flight", "rejected", "acked", "voided"]
    columns = (*V1_COLUMNS, "server_status_note", "replaces_id")
    with conn:
        conn.executemany(
            f"INSERT INTO transactions ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})",
            [
                (
                    *v1_row(i, states[i % len(states)]),
                    "در دست بررسی" if i % 4 == 0 else None,
                    v1_row(i - 1, "")[0] if i % 10 == 0 else None,
                )
                for i in range(1, rows + 1)
            ],
        )
        conn.execute("UPDATE counters SET value = ?", (rows,))
        conn.executemany(
            "INSERT INTO kiosk_state (key, value, updated_at) VALUES (?, ?, ?)",
            [
                (
                    "enrollment",
                    json.dumps(
                        {
                            "server_url": "http://127.0.0.1:8311",
                            "kiosk_id": "k-1",
                            "kiosk_number": 7,
                            "secret": "s3cret",
                            "enrolled_at": "2026-11-01T08:00:00.000000Z",
                        }
                    ),
                    "2026-11-01T08:00:00.000000Z",
                ),
                ("cursor.statuses", '"c-42"', "2026-11-02T08:00:00.000000Z"),
            ],
        )
        conn.execute(
            "INSERT INTO announcements VALUES (?, ?, ?, ?, ?, ?)",
            (
                "a-1",
                json.dumps({"fa": "ساعت کاری", "en": "Opening hours"}, ensure_ascii=False),
                json.dumps({"fa": "۸ تا ۱۴", "en": "8 to 14"}, ensure_ascii=False),
                "2026-11-01T08:00:00.000000Z",
                None,
                "2026-11-01T08:00:00.000000Z",
            ),
        )
    conn.close()


def test_upgrade_from_v3_keeps_every_row_and_starts_the_audit_log(
    tmp_path: Path, mini_catalog: Catalog
) -> None:
    path = tmp_path / "queue.db"
    make_v3(path, 120)
    conn = sqlite3.connect(path)
    assert migrations.schema_version(conn) == 3
    before = {
        table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("transactions", "kiosk_state", "announcements", "counters")
    }
    conn.close()

    db = Database(path)  # opening migrates
    try:
        queue = Queue(db, mini_catalog, kiosk_number=7)
        by_seq = {tx.seq: tx for tx in queue.list()}
        assert len(by_seq) == 120
        for seq in (1, 4, 10, 120):
            tx, old = by_seq[seq], v1_row(seq, "")
            assert (tx.id, tx.tracking_code, tx.answers) == (old[0], old[1], json.loads(old[6]))
            assert tx.server_status_note == ("در دست بررسی" if seq % 4 == 0 else None)
            assert tx.replaces_id == (v1_row(seq - 1, "")[0] if seq % 10 == 0 else None)
            assert (tx.void_reason, tx.voided_at, tx.purged_at) == (None, None, None)
        assert queue.counts()[TxState.VOIDED] == 24
        assert StateStore(db).enrollment() is not None
        audit = AuditLog(db)
        assert audit.verify() == []
        assert audit.count() == 0
        assert StaffStore(db, audit).list() == []
        entry = audit.append("cli:it", AuditAction.ENROLL, {"kiosk_id": "k-1"})
        assert (entry.seq, entry.prev_hash) == (1, "0" * 64)
        assert queue.submit("survey", {"national_code": "0499370899", "rating": "5"}).seq == 121
    finally:
        db.close()
    assert (tmp_path / "queue.db.before-v4").exists()
    conn = sqlite3.connect(path)
    assert migrations.schema_version(conn) == migrations.HEAD
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    old_columns = len(before["transactions"][0])
    after = conn.execute("SELECT * FROM transactions ORDER BY 1").fetchall()
    assert [row[:old_columns] for row in after if row[3] <= 120] == before["transactions"]
    assert conn.execute("SELECT * FROM announcements").fetchall() == before["announcements"]
    kept_state = conn.execute(
        "SELECT * FROM kiosk_state WHERE key IN ('enrollment', 'cursor.statuses') ORDER BY 1"
    ).fetchall()
    assert kept_state == before["kiosk_state"]
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert set(TRIGGERS) <= triggers
    conn.close()


def _schema(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    tables = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    schema = {}
    for table in tables:
        cols = conn.execute(f"PRAGMA table_info({table})").fetchall()
        # name, declared type, not null, primary key (defaults are the ORM's business)
        schema[table] = sorted((c[1], c[2].upper(), c[3], c[5]) for c in cols)
        uniques = sorted(
            tuple(r[2] for r in conn.execute(f"PRAGMA index_info('{ix[1]}')"))
            for ix in conn.execute(f"PRAGMA index_list({table})")
            if ix[2]
        )
        schema[table + " unique"] = uniques  # type: ignore[assignment]
    conn.close()
    return schema


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.db"
    migrations.upgrade(migrated)
    modelled = tmp_path / "modelled.db"
    engine = create_engine(f"sqlite:///{modelled}")
    Base.metadata.create_all(engine)
    engine.dispose()
    assert _schema(migrated) == _schema(modelled)


def test_upgrade_is_idempotent_and_atomic(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    assert migrations.upgrade(path) == [m.version for m in migrations.MIGRATIONS]
    assert migrations.upgrade(path) == []


def test_failed_migration_leaves_the_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "q.db"
    make_v1(path, 3)
    broken = migrations.Migration(
        2, "broken", ("ALTER TABLE transactions ADD COLUMN x TEXT", "THIS IS NOT SQL")
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", (migrations.MIGRATIONS[0], broken))
    with pytest.raises(sqlite3.OperationalError):
        migrations.upgrade(path, target=2)
    conn = sqlite3.connect(path)
    assert migrations.schema_version(conn) == 1
    cols = [c[1] for c in conn.execute("PRAGMA table_info(transactions)")]
    assert "x" not in cols
    assert conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 3
    conn.close()


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    migrations.upgrade(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.HEAD + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(migrations.SchemaTooNew, match="newer than this kiosk"):
        Database(path)
    assert path.read_bytes() == before
