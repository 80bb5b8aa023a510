"""The audit chain is witnessed off the machine (issue 9, item 3): a real kiosk ships its entries
to a real city server with each sync, and a rewrite on the kiosk afterwards is caught there.

The attack of the issue, reproduced: with write access to queue.db and nothing but sqlite3 and
hashlib, three sign_in_failed entries are deleted and the rest re-hashed; the kiosk's own
``audit verify`` then says "intact", but the city server's copy does not agree.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from kiosk.audit import AuditAction, AuditLog
from kiosk.config import Settings
from kiosk.core import Core, open_core
from kiosk.state import AUDIT_CURSOR
from tests.sync.conftest import ROOT, Server, _env, engine_for


def cityserver(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cityserver", "--db", server.db_url, *args],
        capture_output=True, text=True, check=False, cwd=ROOT, env=_env(),
    )  # fmt: skip


def attacker_rewrites(database: Path, drop_action: str) -> None:
    """Delete every ``drop_action`` entry and re-hash the rest: sqlite3 and hashlib only."""
    conn = sqlite3.connect(database)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _sql in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    rows = conn.execute(
        "SELECT time, actor, action, details FROM audit_log WHERE action != ? ORDER BY seq",
        (drop_action,),
    ).fetchall()
    conn.execute("DELETE FROM audit_log")
    prev = "0" * 64
    for seq, (time, actor, action, details) in enumerate(rows, start=1):
        canonical = json.dumps(
            {"seq": seq, "time": time, "actor": actor, "action": action,
             "details": json.loads(details)},
            ensure_ascii=False, sort_keys=True, separators=(",", ":"),
        )  # fmt: skip
        digest = hashlib.sha256(f"{prev}\n{canonical}".encode()).hexdigest()
        conn.execute(
            "INSERT INTO audit_log (seq, time, actor, action, details, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq, time, actor, action, details, prev, digest),
        )
        prev = digest
    conn.execute(
        "UPDATE kiosk_state SET value = ? WHERE key = 'audit.head'",
        (json.dumps({"seq": len(rows), "hash": prev}),),
    )
    for _name, sql in triggers:
        conn.execute(sql)
    conn.commit()
    conn.close()


def _write(core: Core) -> None:
    audit = AuditLog(core.db)
    audit.append("Sara", AuditAction.SIGN_IN, {})
    for attempt in range(3):
        audit.append("Sara", AuditAction.SIGN_IN_FAILED, {"reason": "wrong_pin", "n": attempt})
    audit.append("Sara", AuditAction.SIGN_IN, {})
    audit.append("Sara", AuditAction.VOID, {"tracking_code": "0123-000001-3"})


def test_a_chain_rehashed_after_sync_is_caught_by_the_city(
    enrolled: Core, server: Server, settings: Settings
) -> None:
    _write(enrolled)
    engine = engine_for(enrolled)
    try:
        report = engine.run_once()
        assert report.error is None and report.audit_entries == 6, report
        again = engine.run_once()  # nothing new: nothing sent twice
        assert again.error is None and again.audit_entries == 0
        enrolled.state.delete(AUDIT_CURSOR)  # as if the answer had been lost: all sent again
        resent = engine.run_once()
        assert resent.error is None and resent.audit_diverged is None
        assert enrolled.state.get(AUDIT_CURSOR) == 6
    finally:
        engine.close()
    number = str(enrolled.kiosk_number)
    ok = cityserver(server, "audit", "verify", "--kiosk", number)
    assert ok.returncode == 0 and "6 audit entries witnessed" in ok.stdout, ok.stderr
    listing = cityserver(server, "kiosk", "list", "--json")
    [kiosk] = json.loads(listing.stdout)
    assert kiosk["audit_entries"] == 6 and kiosk["sign_in_failures_24h"] == 3

    attacker_rewrites(settings.database_path, "sign_in_failed")
    assert AuditLog(enrolled.db).verify() == []  # the kiosk alone cannot tell
    engine = engine_for(enrolled)
    try:
        report = engine.run_once()  # the heartbeat carries the forged head
    finally:
        engine.close()
    assert report.error is None
    caught = cityserver(server, "audit", "verify", "--kiosk", number)
    assert caught.returncode == 1, caught.stdout + caught.stderr
    assert "part at entry 3" in caught.stdout  # the chain now ends at 3, with another hash
    [kiosk] = json.loads(cityserver(server, "kiosk", "list", "--json").stdout)
    assert kiosk["audit_diverged_at"] == 3
    assert kiosk["sign_in_failures_24h"] == 3  # the deleted failures are still seen by the city
    # the kiosk writes on: entry 4 again, which is not the city's entry 4
    AuditLog(enrolled.db).append("Sara", AuditAction.SIGN_OUT, {})
    engine = engine_for(enrolled)
    try:
        assert engine.run_once().error is None
    finally:
        engine.close()
    assert "DIVERGED at entry 3" in cityserver(server, "kiosk", "list").stdout


def test_an_older_copy_of_the_queue_put_back_is_caught(
    enrolled: Core, server: Server, settings: Settings, tmp_path: Path
) -> None:
    _write(enrolled)
    engine = engine_for(enrolled)
    try:
        assert engine.run_once().error is None
    finally:
        engine.close()
    backup = tmp_path / "backup.db"
    with sqlite3.connect(settings.database_path) as src, sqlite3.connect(backup) as dst:
        src.backup(dst)
    AuditLog(enrolled.db).append("Sara", AuditAction.PURGE, {"count": 2})
    engine = engine_for(enrolled)
    try:
        assert engine.run_once().audit_entries == 1
    finally:
        engine.close()
    enrolled.db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{settings.database_path}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, settings.database_path)  # the purge entry is gone from the kiosk
    core = open_core(settings)
    engine = engine_for(core)
    try:
        assert engine.run_once().error is None
    finally:
        engine.close()
        core.close()
    caught = cityserver(server, "audit", "verify", "--kiosk", str(core.kiosk_number))
    assert caught.returncode == 1
    assert "part at entry 7" in caught.stdout and "older copy" in caught.stdout
