"""The audit witness on the server: append-only copies that only grow by extension (issue 9,
item 3). The kiosk's side, with a real sync engine and a tampered queue.db, is in
tests/sync/test_audit_sync.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from cityserver import audit_witness
from cityserver.cli import main
from cityserver.db import Database
from cityserver.models import AuditDivergence, AuditEntry
from kiosk.auditchain import GENESIS, entry_hash
from kiosk.timeutil import utcnow
from sync import protocol
from tests.cityserver.conftest import FakeClock, SignedKiosk


def chain(
    n: int, *, start: int = 1, prev: str = GENESIS, action: str = "sign_in", day: str = ""
) -> list[Any]:
    entries = []
    for seq in range(start, start + n):
        time = f"{day or '2026-11-27T08'}:{seq % 60:02d}:00.000000Z"
        details = {"n": seq}
        digest = entry_hash(prev, seq, time, "Sara", action, details)
        entries.append(
            {"seq": seq, "time": time, "actor": "Sara", "action": action, "details": details,
             "prev_hash": prev, "hash": digest}
        )  # fmt: skip
        prev = digest
    return entries


def ship(kiosk: SignedKiosk, entries: list[Any]) -> Any:
    answer = kiosk.post(protocol.PATH_AUDIT, {"entries": entries})
    assert answer.status_code == 200, answer.text
    return answer.json()


def held(db: Database, kiosk: SignedKiosk) -> list[int]:
    with db.read() as session:
        return list(
            session.execute(
                select(AuditEntry.seq)
                .where(AuditEntry.kiosk_id == kiosk.kiosk_id)
                .order_by(AuditEntry.seq)
            ).scalars()
        )


def divergences(db: Database) -> list[tuple[int, str]]:
    with db.read() as session:
        rows = session.execute(select(AuditDivergence).order_by(AuditDivergence.id)).scalars()
        return [(d.seq, d.source) for d in rows]


def test_entries_are_kept_and_a_resend_is_harmless(kiosk: SignedKiosk, database: Database) -> None:
    entries = chain(5)
    first = ship(kiosk, entries[:3])
    assert first["held_through"] == 3 and first["diverged"] is False
    again = ship(kiosk, entries)  # the answer to the first batch was lost: 1-3 come again
    assert again == {**again, "held_through": 5, "diverged": False, "message": None}
    assert ship(kiosk, entries)["held_through"] == 5
    assert held(database, kiosk) == [1, 2, 3, 4, 5]
    assert divergences(database) == []


def test_every_hash_is_recomputed(kiosk: SignedKiosk, database: Database) -> None:
    entries = chain(4)
    entries[2]["details"] = {"n": 99}  # edited, but not re-hashed
    answer = ship(kiosk, entries)
    assert answer["diverged"] and answer["held_through"] == 2
    assert "entry 3's contents do not match its hash" in answer["message"]
    assert held(database, kiosk) == [1, 2] and divergences(database) == [(3, "batch")]


@pytest.mark.parametrize("tamper", ["edit", "delete", "reorder", "rehash-all"])
def test_a_rewrite_after_sync_is_a_divergence_and_changes_nothing(
    kiosk: SignedKiosk, database: Database, tamper: str
) -> None:
    original = chain(6)
    ship(kiosk, original)
    # the kiosk's chain, rewritten and re-hashed so that it is consistent in itself
    rows = [{k: e[k] for k in ("time", "actor", "action", "details")} for e in original]
    if tamper == "edit":
        rows[2]["details"] = {"n": "changed"}
    elif tamper == "delete":
        del rows[1:4]
    elif tamper == "reorder":
        rows[1], rows[2] = rows[2], rows[1]
    else:
        rows = [{**r, "actor": "Someone else"} for r in rows]
    rewritten, prev = [], GENESIS
    for seq, r in enumerate(rows, start=1):
        digest = entry_hash(prev, seq, r["time"], r["actor"], r["action"], r["details"])
        rewritten.append({"seq": seq, **r, "prev_hash": prev, "hash": digest})
        prev = digest
    rewritten += chain(2, start=len(rewritten) + 1, prev=prev)  # and goes on writing
    answer = ship(kiosk, rewritten)
    assert answer["diverged"] is True
    assert held(database, kiosk) == [1, 2, 3, 4, 5, 6]  # the copy is untouched
    first = {"edit": 3, "delete": 2, "reorder": 2, "rehash-all": 1}[tamper]
    assert divergences(database)[0][0] == first
    ship(kiosk, rewritten)  # sent again at every sync: recorded once
    assert len(divergences(database)) == 1


def test_the_heartbeat_head_is_checked(
    kiosk: SignedKiosk, database: Database, clock: FakeClock
) -> None:
    entries = chain(4)
    ship(kiosk, entries)
    beat = {
        "queue_depth": 0, "oldest_unsent_at": None, "last_sync_at": None, "last_error": None,
        "app_version": "1", "free_disk_bytes": 1, "printer_state": "ok", "catalog_version": "1",
    }  # fmt: skip
    for head in ({"seq": 4, "hash": entries[3]["hash"]}, {"seq": 9, "hash": "a" * 64}):
        assert kiosk.post(protocol.PATH_HEARTBEAT, {**beat, "audit_head": head}).status_code == 200
    assert divergences(database) == []  # the same head, or entries not shipped yet
    behind = {"seq": 2, "hash": entries[1]["hash"]}  # an older queue.db put back
    assert kiosk.post(protocol.PATH_HEARTBEAT, {**beat, "audit_head": behind}).status_code == 200
    assert divergences(database) == [(3, "heartbeat")]
    rehashed = {"seq": 4, "hash": "b" * 64}
    assert kiosk.post(protocol.PATH_HEARTBEAT, {**beat, "audit_head": rehashed}).status_code == 200
    assert divergences(database)[-1] == (4, "heartbeat")


def test_audit_verify_names_the_first_entry_where_they_part(
    kiosk: SignedKiosk, database: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    hour = (utcnow() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H")  # the CLI's clock is real
    entries = chain(5, action="sign_in_failed", day=hour)
    ship(kiosk, entries)
    assert main(["--db", db_url, "audit", "verify", "--kiosk", str(kiosk.number)]) == 0
    assert "5 audit entries witnessed" in capsys.readouterr().out
    assert main(["--db", db_url, "kiosk", "list"]) == 0
    listing = capsys.readouterr().out
    assert "ok (5)" in listing and "/5 " in listing  # failed sign-ins in the last 24 hours
    bad = [dict(e) for e in entries]
    bad[3]["hash"] = "c" * 64
    ship(kiosk, bad)
    assert main(["--db", db_url, "audit", "verify", "--kiosk", str(kiosk.number)]) == 1
    out = capsys.readouterr().out
    assert "part at entry 4" in out and "after it was synced" in out
    assert main(["--db", db_url, "kiosk", "list"]) == 0
    assert "DIVERGED at entry 4" in capsys.readouterr().out


def test_the_servers_own_copy_is_checked_by_verify(kiosk: SignedKiosk, database: Database) -> None:
    ship(kiosk, chain(3))
    with database.write() as session:
        row = session.get_one(AuditEntry, (kiosk.kiosk_id, 2))
        row.actor = "edited in the city's database"
    with database.read() as session:
        problems = audit_witness.verify(session, kiosk.kiosk_id)
        assert session.execute(select(func.count()).select_from(AuditDivergence)).scalar() == 0
    assert problems == [
        "the server's own copy is damaged: entry 2's contents do not match its hash: it was edited"
    ]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"entries": "x"}, "entries"),
        ({"entries": [{"seq": 1}]}, "entries[0].time"),
        ({"entries": [{**chain(1)[0], "hash": "XYZ"}]}, "entries[0].hash"),
        ({"entries": [{**chain(1)[0], "time": "yesterday"}]}, "not ISO 8601"),
        ({"entries": chain(protocol.MAX_AUDIT_BATCH + 1)}, "at most"),
    ],
)
def test_malformed_batches_are_refused(kiosk: SignedKiosk, body: Any, needle: str) -> None:
    answer = kiosk.post(protocol.PATH_AUDIT, body)
    assert answer.status_code in (400, 413)
    assert needle in answer.json()["error"]["message"]
