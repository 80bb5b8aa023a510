"""The audit log: append-only in SQLite, hash-chained; verify() names every kind of tampering."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.audit import GENESIS, AuditAction, AuditError, AuditLog, entry_hash
from kiosk.db import Database
from kiosk.timeutil import to_db
from kiosk.tracking import format_tracking_code, make_tracking_code, redact_numbers
from tests.kiosk.fakes import FakeClock, tamper


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def audit(db: Database, clock: FakeClock) -> AuditLog:
    return AuditLog(db, clock)


def fill(audit: AuditLog, clock: FakeClock, n: int) -> None:
    for i in range(n):
        clock.advance(seconds=10)
        audit.append(f"clerk{i % 3}", AuditAction.REPRINT, {"tracking_code": f"0123{i:06d}8"})


def test_entries_are_chained_and_read_back(audit: AuditLog, clock: FakeClock) -> None:
    first = audit.append("cli:root", "staff_added", {"name": "زهرا", "role": "admin"})
    clock.advance(minutes=1)
    second = audit.append("زهرا", AuditAction.SIGN_IN, {"role": "admin"})
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert first.hash == entry_hash(
        GENESIS, 1, to_db(first.time), "cli:root", "staff_added", {"name": "زهرا", "role": "admin"}
    )
    assert audit.entries() == [first, second]
    assert audit.entries(limit=1) == [second]
    assert audit.count() == 2
    assert audit.verify() == []
    assert second.to_json()["time"] == "2026-11-27T08:01:00Z"


def test_bad_input_is_refused(audit: AuditLog) -> None:
    with pytest.raises(AuditError, match="unknown audit action 'dance'"):
        audit.append("cli:root", "dance", {})
    with pytest.raises(AuditError, match="actor"):
        audit.append("", AuditAction.EXPORT, {})
    with pytest.raises(AuditError, match="plain JSON"):
        audit.append("cli:root", AuditAction.EXPORT, {"when": object()})
    assert audit.count() == 0


def test_an_entry_commits_with_the_audited_change_or_not_at_all(
    db: Database, audit: AuditLog
) -> None:
    with pytest.raises(RuntimeError), db.write_core() as conn:
        audit.append("cli:root", AuditAction.SETTINGS_CHANGED, {"key": "ui.language"}, conn=conn)
        raise RuntimeError("the audited change failed")
    assert audit.count() == 0
    with db.write() as session:
        audit.append("cli:root", AuditAction.SETTINGS_CHANGED, {"key": "ui.language"}, conn=session)
    assert audit.count() == 1
    assert audit.verify() == []


def test_sqlite_refuses_update_and_delete(db: Database, audit: AuditLog, clock: FakeClock) -> None:
    fill(audit, clock, 3)
    conn = sqlite3.connect(db.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_log WHERE seq = 3")
        with pytest.raises(sqlite3.IntegrityError, match="head"):
            conn.execute("DELETE FROM kiosk_state WHERE key = 'audit.head'")
        with pytest.raises(sqlite3.IntegrityError, match="head"):
            conn.execute(
                "UPDATE kiosk_state SET value = json_set(value, '$.seq', 2) "
                "WHERE key = 'audit.head'"
            )
    finally:
        conn.close()
    assert audit.verify() == []


def test_verify_finds_an_edited_entry(db: Database, audit: AuditLog, clock: FakeClock) -> None:
    fill(audit, clock, 6)
    tamper(db.path, "UPDATE audit_log SET actor = 'somebody else' WHERE seq = 3")
    assert audit.verify() == [
        "entry 3 (reprint by somebody else) was changed after it was written: "
        "its contents do not match its hash"
    ]


def test_verify_finds_edited_details(db: Database, audit: AuditLog, clock: FakeClock) -> None:
    fill(audit, clock, 4)
    tamper(
        db.path,
        "UPDATE audit_log SET details = json_set(details, '$.tracking_code', 'x') WHERE seq = 4",
    )
    assert audit.verify() == [
        "entry 4 (reprint by clerk0) was changed after it was written: "
        "its contents do not match its hash"
    ]


def test_verify_finds_an_edit_with_a_recomputed_hash(
    db: Database, audit: AuditLog, clock: FakeClock
) -> None:
    fill(audit, clock, 5)
    conn = sqlite3.connect(db.path)
    prev_hash, time = conn.execute("SELECT prev_hash, time FROM audit_log WHERE seq = 2").fetchone()
    conn.close()
    forged = entry_hash(prev_hash, 2, time, "clerk1", "reprint", {"tracking_code": "forged"})
    tamper(
        db.path,
        f"UPDATE audit_log SET details = '{{\"tracking_code\":\"forged\"}}', hash = '{forged}' "
        "WHERE seq = 2",
    )
    assert audit.verify() == [
        "entry 3 does not follow entry 2: the chain is broken "
        "(an entry was replaced, or removed and the rest renumbered)"
    ]


def test_verify_finds_a_removed_entry(db: Database, audit: AuditLog, clock: FakeClock) -> None:
    fill(audit, clock, 6)
    tamper(db.path, "DELETE FROM audit_log WHERE seq = 4")
    assert audit.verify() == ["entry 4 is missing: removed"]
    tamper(db.path, "DELETE FROM audit_log WHERE seq IN (1, 2)")
    assert audit.verify() == ["entries 1 to 2 are missing: removed", "entry 4 is missing: removed"]


def test_verify_finds_a_removed_entry_and_renumbering(
    db: Database, audit: AuditLog, clock: FakeClock
) -> None:
    fill(audit, clock, 6)
    tamper(
        db.path,
        "DELETE FROM audit_log WHERE seq = 3",
        "UPDATE audit_log SET seq = seq - 1 WHERE seq > 3",
    )
    assert audit.verify() == [
        "entries 3 to 5 were written as entries 4 to 6: the log was renumbered",
        "the last entry (6) is missing: the log was truncated "
        "(the head record says it ends at entry 6)",
    ]


def test_verify_finds_a_reordered_pair(db: Database, audit: AuditLog, clock: FakeClock) -> None:
    fill(audit, clock, 6)
    tamper(
        db.path,
        "UPDATE audit_log SET seq = -1 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = -1",
    )
    assert audit.verify() == ["entries 3 and 4 were swapped: the log was reordered"]


def test_verify_finds_swapped_contents(db: Database, audit: AuditLog, clock: FakeClock) -> None:
    """Swapping everything but the numbers is a reordering too (the hashes travel along)."""
    fill(audit, clock, 5)
    columns = "time, actor, action, details, prev_hash, hash"
    tamper(
        db.path,
        f"CREATE TEMP TABLE two AS SELECT seq, {columns} FROM audit_log WHERE seq IN (2, 3)",
        "DELETE FROM audit_log WHERE seq IN (2, 3)",
        f"INSERT INTO audit_log (seq, {columns}) SELECT 5 - seq, {columns} FROM two",
    )
    assert audit.verify() == ["entries 2 and 3 were swapped: the log was reordered"]


def test_verify_finds_a_truncated_tail(db: Database, audit: AuditLog, clock: FakeClock) -> None:
    fill(audit, clock, 6)
    tamper(db.path, "DELETE FROM audit_log WHERE seq >= 5")
    assert audit.verify() == [
        "the last entries (5 to 6) are missing: the log was truncated "
        "(the head record says it ends at entry 6)"
    ]


def test_verify_finds_a_replaced_last_entry_and_dropped_triggers(
    db: Database, audit: AuditLog, clock: FakeClock
) -> None:
    fill(audit, clock, 3)
    conn = sqlite3.connect(db.path)
    prev_hash, time = conn.execute("SELECT prev_hash, time FROM audit_log WHERE seq = 3").fetchone()
    conn.close()
    forged = entry_hash(prev_hash, 3, time, "clerk2", "reprint", {})
    tamper(
        db.path,
        f"UPDATE audit_log SET details = '{{}}', hash = '{forged}' WHERE seq = 3",
        restore_triggers=False,
    )
    assert audit.verify() == [
        "the protective trigger audit_log_no_update is missing: it was dropped",
        "the protective trigger audit_log_no_delete is missing: it was dropped",
        "the protective trigger audit_head_no_delete is missing: it was dropped",
        "the protective trigger audit_head_forward_only is missing: it was dropped",
        "entry 3 is not the entry the head record points to: it was replaced",
    ]


def test_a_missing_head_is_reported_and_stops_appending(
    db: Database, audit: AuditLog, clock: FakeClock
) -> None:
    fill(audit, clock, 2)
    tamper(db.path, "DELETE FROM kiosk_state WHERE key = 'audit.head'")
    assert audit.verify() == [
        "the audit log's head record is missing or malformed: it was tampered with"
    ]
    with pytest.raises(AuditError, match="head record is missing"):
        audit.append("cli:root", AuditAction.EXPORT, {})
    tamper(db.path, "INSERT INTO kiosk_state VALUES ('audit.head', 'not json', 'x')")
    assert audit.verify() == [
        "the audit log's head record is missing or malformed: it was tampered with"
    ]


def test_an_append_after_truncation_keeps_the_gap_visible(
    db: Database, audit: AuditLog, clock: FakeClock
) -> None:
    fill(audit, clock, 4)
    tamper(db.path, "DELETE FROM audit_log WHERE seq = 4")
    entry = audit.append("cli:root", AuditAction.EXPORT, {})
    assert entry.seq == 5
    assert audit.verify() == ["entry 4 is missing: removed"]


def test_verify_scales_to_a_long_log(db: Database, audit: AuditLog, clock: FakeClock) -> None:
    with db.write_core() as conn:
        for i in range(2000):
            audit.append("kiosk:test", AuditAction.REPORT, {"n": i}, conn=conn)
    assert audit.verify() == []
    tamper(db.path, "DELETE FROM audit_log WHERE seq = 1000")
    assert audit.verify() == ["entry 1000 is missing: removed"]


def test_redact_numbers_hides_identifiers_but_not_tracking_codes() -> None:
    assert redact_numbers("کد ملی ۰۴۹۹۳۷۰۸۹۹ اشتباه بود") == "کد ملی *** اشتباه بود"
    assert redact_numbers("mobile 0912 345 6789") == "mobile ***"
    code = format_tracking_code(make_tracking_code(123, 4571))
    assert redact_numbers(f"replaced by {code}") == f"replaced by {code}"
    assert redact_numbers("0499-370899-0") == "***"  # the shape, but not a valid tracking code
    assert redact_numbers("duplicate of 1234567") == "duplicate of 1234567"
