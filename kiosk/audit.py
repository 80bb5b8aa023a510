"""The audit trail: an append-only, hash-chained log of what staff did on this kiosk.

Each entry has a sequence number, a UTC time, an actor, an action and details (JSON), and
``hash = SHA-256(prev_hash + "\\n" + canonical JSON of seq, time, actor, action and details)``,
where ``prev_hash`` is the hash of the entry before it (64 zeros for the first). SQLite triggers
refuse UPDATE and DELETE on the table, and the head of the chain (last seq and hash) is kept in
``kiosk_state`` in the same write transaction as each entry, so removing entries from the end is
detected as well as editing, removing or reordering them in the middle.

Actors are a staff name, ``cli:<user>`` for the command line, or ``kiosk:<part>`` for the kiosk's
own automatic work. Details never hold citizens' personal data: ids, tracking codes, service
codes, counts and reasons (with long digit runs redacted, see
:func:`kiosk.tracking.redact_numbers`).

The chain makes tampering evident to anyone who can compare it with a copy of the head kept
elsewhere; someone who can write the database file can rebuild a whole consistent chain, which
only an external copy reveals: the sync engine ships every entry to the city server, which keeps
a copy per kiosk and checks each batch, and the kiosk's head with every heartbeat, against it
(:mod:`cityserver.audit_witness`; the hash is :func:`kiosk.auditchain.entry_hash`, shared).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, cast

from sqlalchemy import Connection, Table, insert, select, text, update
from sqlalchemy.orm import Session

from kiosk.auditchain import GENESIS, entry_hash
from kiosk.db import Database
from kiosk.models import AuditRecord, KioskState
from kiosk.timeutil import Clock, iso, to_db, utcnow

HEAD_KEY: Final = "audit.head"
TRIGGERS: Final = (
    "audit_log_no_update",
    "audit_log_no_delete",
    "audit_head_no_delete",
    "audit_head_forward_only",
)
MAX_ACTOR = 80
_LOG = cast(Table, AuditRecord.__table__)


class AuditAction(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    STAFF_ADDED = "staff_added"
    STAFF_DISABLED = "staff_disabled"
    PIN_CHANGED = "pin_changed"
    VOID = "void"
    RESUBMIT = "resubmit"
    SETTINGS_CHANGED = "settings_changed"
    EXPORT = "export"
    ENROLL = "enroll"
    PURGE = "purge"
    REPRINT = "reprint"
    REPORT = "report"
    FILE = "file"  # a clerk filed a request for a citizen
    LOOKUP = "lookup"  # a clerk looked requests up (the kind of lookup, never the number)
    PRINT = "print"  # a clerk printed a receipt the first time


class AuditError(RuntimeError):
    """The audit log cannot take an entry (its head record is gone) or was given bad input."""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    time: dt.datetime
    actor: str
    action: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": iso(self.time),
            "actor": self.actor,
            "action": self.action,
            "details": self.details,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


class AuditLog:
    """The audit log in ``db``. Times come from ``clock`` (UTC)."""

    def __init__(self, db: Database, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    def append(
        self,
        actor: str,
        action: AuditAction | str,
        details: Mapping[str, Any] | None = None,
        *,
        conn: Connection | Session | None = None,
    ) -> AuditEntry:
        """Add one entry; return it.

        With ``conn`` (a write transaction from ``db.write()`` or ``db.write_core()``) the entry
        commits or rolls back together with the audited change; without it, it commits at once.
        """
        action = _check_action(action)
        actor = _check_actor(actor)
        data = _check_details(details or {})
        if conn is None:
            with self.db.write_core() as own:
                return self._append(own, actor, action, data)
        target = conn.connection() if isinstance(conn, Session) else conn
        return self._append(target, actor, action, data)

    def _append(
        self, conn: Connection, actor: str, action: str, details: dict[str, Any]
    ) -> AuditEntry:
        head = conn.execute(select(KioskState.value).where(KioskState.key == HEAD_KEY)).first()
        if head is None or not isinstance(head[0], dict) or not isinstance(head[0].get("seq"), int):
            raise AuditError(
                "the audit log's head record is missing or malformed: the log was tampered with; "
                "run 'kiosk audit verify'"
            )
        seq = int(head[0]["seq"]) + 1
        prev_hash = str(head[0]["hash"])
        now = self.clock()
        digest = entry_hash(prev_hash, seq, to_db(now), actor, action, details)
        conn.execute(
            insert(_LOG).values(
                seq=seq,
                time=now,
                actor=actor,
                action=action,
                details=details,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        conn.execute(
            update(KioskState)
            .where(KioskState.key == HEAD_KEY)
            .values(value={"seq": seq, "hash": digest}, updated_at=now)
        )
        return AuditEntry(seq, now, actor, action, details, prev_hash, digest)

    # -- reading ---------------------------------------------------------------------------

    def entries(self, *, limit: int | None = None) -> list[AuditEntry]:
        """The last ``limit`` entries (all without it), oldest first."""
        query = select(_LOG).order_by(_LOG.c.seq.desc())
        if limit is not None:
            query = query.limit(limit)
        with self.db.read() as session:
            rows = session.execute(query).mappings().all()
        return [
            AuditEntry(
                seq=r["seq"],
                time=r["time"],
                actor=r["actor"],
                action=r["action"],
                details=r["details"],
                prev_hash=r["prev_hash"],
                hash=r["hash"],
            )
            for r in reversed(rows)
        ]

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the last entry as the head record has it: (0, GENESIS) when empty."""
        with self.db.read() as session:
            value = session.execute(
                select(KioskState.value).where(KioskState.key == HEAD_KEY)
            ).scalar()
        if isinstance(value, dict) and isinstance(value.get("seq"), int):
            return int(value["seq"]), str(value.get("hash", ""))
        return 0, GENESIS

    def wire_entries(self, after: int, limit: int) -> list[dict[str, Any]]:
        """Entries after seq ``after``, oldest first, as stored (the time as its hashed text),
        for the city server's copy (``sync.protocol.WireAuditEntry``)."""
        with self.db.read() as session:
            rows = session.connection().exec_driver_sql(
                "SELECT seq, time, actor, action, details, prev_hash, hash FROM audit_log "
                "WHERE seq > ? ORDER BY seq LIMIT ?",
                (after, limit),
            )
            found = [_Row(*r) for r in rows]
        entries: list[dict[str, Any]] = []
        for row in found:
            try:
                details = json.loads(row.details)
            except (TypeError, ValueError):
                details = {"unreadable": str(row.details)[:200]}  # the server sees it differs
            entries.append(
                {
                    "seq": row.seq,
                    "time": row.time,
                    "actor": row.actor,
                    "action": row.action,
                    "details": details if isinstance(details, dict) else {"value": details},
                    "prev_hash": row.prev_hash,
                    "hash": row.hash,
                }
            )
        return entries

    def count(self) -> int:
        with self.db.read() as session:
            return int(session.execute(text("SELECT count(*) FROM audit_log")).scalar_one())

    def verify(self) -> list[str]:
        """Every problem found in the log, one readable sentence each; empty when intact."""
        with self.db.read() as session:
            conn = session.connection()
            rows = [
                _Row(*r)
                for r in conn.exec_driver_sql(
                    "SELECT seq, time, actor, action, details, prev_hash, hash "
                    "FROM audit_log ORDER BY seq"
                )
            ]
            head_text = conn.exec_driver_sql(
                "SELECT value FROM kiosk_state WHERE key = ?", (HEAD_KEY,)
            ).scalar()
            triggers = {
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                )
            }
        problems = [
            f"the protective trigger {name} is missing: it was dropped"
            for name in TRIGGERS
            if name not in triggers
        ]
        problems += _check_chain(rows)
        try:
            head = json.loads(head_text) if isinstance(head_text, str) else None
        except ValueError:
            head = None
        problems += _check_head(rows, head)
        return problems


# -- verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    seq: int
    time: str
    actor: str
    action: str
    details: str
    prev_hash: str
    hash: str

    def digest_as(self, seq: int) -> str | None:
        try:
            details = json.loads(self.details)
        except (TypeError, ValueError):
            return None
        return entry_hash(self.prev_hash, seq, self.time, self.actor, self.action, details)


SEARCH = 32  # how far a renumbered entry's original number is looked for, either way


def _written_as(row: _Row) -> int | None:
    """The number ``row`` was written with: its own, or a nearby one if it was renumbered."""
    candidates = [row.seq, *range(row.seq - SEARCH, row.seq + SEARCH + 1)]
    return next((n for n in candidates if n > 0 and row.digest_as(n) == row.hash), None)


def _original_positions(rows: list[_Row]) -> dict[int, int]:
    """For each row (by index), the number it was written as, following the prev_hash links."""
    by_hash: dict[str, int] = {}
    for i, row in enumerate(rows):
        by_hash.setdefault(row.hash, i)
    positions: dict[int, int] = {}
    for start in range(len(rows)):
        path: list[int] = []
        i = start
        base: int | None = None
        while True:
            if i in positions:
                base = positions[i]
                break
            if i in path:  # a loop of links: no position
                break
            path.append(i)
            prev = rows[i].prev_hash
            if prev == GENESIS:
                base = 0
                break
            j = by_hash.get(prev)
            if j is None:  # the entry before it is gone: look at the entry itself
                found = _written_as(rows[i])
                base = None if found is None else found - 1
                break
            i = j
        if base is None:
            continue
        for offset, j in enumerate(reversed(path), start=1):
            positions[j] = base + offset
    return positions


def _runs(seqs: list[int], key: dict[int, int] | None = None) -> list[list[int]]:
    """Consecutive numbers grouped (and, with ``key``, only while key[n] - n stays the same)."""
    runs: list[list[int]] = []
    for n in sorted(seqs):
        if runs and n == runs[-1][-1] + 1:
            last = runs[-1][-1]
            if key is None or key[n] - n == key[last] - last:
                runs[-1].append(n)
                continue
        runs.append([n])
    return runs


def _ranges(numbers: list[int]) -> str:
    return f"{numbers[0]}" if len(numbers) == 1 else f"{numbers[0]} to {numbers[-1]}"


def _check_chain(rows: list[_Row]) -> list[str]:
    found: list[tuple[int, str]] = []
    positions = _original_positions(rows)
    moved: dict[int, int] = {}  # seq now -> seq it was written as
    edited: dict[int, _Row] = {}
    for i, row in enumerate(rows):
        if row.digest_as(row.seq) == row.hash:
            continue
        original = positions.get(i)
        if original is not None and original != row.seq and row.digest_as(original) == row.hash:
            moved[row.seq] = original
        else:
            edited[row.seq] = row

    for run in _runs(list(edited)):
        if len(run) == 1:
            row = edited[run[0]]
            found.append(
                (
                    row.seq,
                    f"entry {row.seq} ({row.action} by {row.actor}) was changed after it was "
                    "written: its contents do not match its hash",
                )
            )
        else:
            found.append(
                (
                    run[0],
                    f"entries {_ranges(run)} were changed after they were written: "
                    "their contents do not match their hashes",
                )
            )

    swapped = {a for a, b in moved.items() if moved.get(b) == a}
    for a in sorted(swapped):
        if a < moved[a]:
            found.append((a, f"entries {a} and {moved[a]} were swapped: the log was reordered"))
    for run in _runs([n for n in moved if n not in swapped], moved):
        if len(run) == 1:
            message = f"entry {run[0]} was written as entry {moved[run[0]]}: the log was reordered"
        else:
            written = [moved[run[0]], moved[run[-1]]]
            message = (
                f"entries {_ranges(run)} were written as entries {_ranges(written)}: "
                "the log was renumbered"
            )
        found.append((run[0], message))

    expected = 1
    prev: _Row | None = None
    for row in rows:
        if row.seq > expected:
            missing = list(range(expected, row.seq))
            noun, verb = ("entry", "is") if len(missing) == 1 else ("entries", "are")
            found.append((expected, f"{noun} {_ranges(missing)} {verb} missing: removed"))
        expected_prev = GENESIS if prev is None else prev.hash
        explained = (
            row.seq > expected
            or row.seq in moved
            or row.seq in edited
            or (prev is not None and (prev.seq in moved or prev.seq in edited))
        )
        if row.prev_hash != expected_prev and not explained:
            after = "the start of the log" if prev is None else f"entry {prev.seq}"
            found.append(
                (
                    row.seq,
                    f"entry {row.seq} does not follow {after}: the chain is broken "
                    "(an entry was replaced, or removed and the rest renumbered)",
                )
            )
        expected = row.seq + 1
        prev = row
    found.sort(key=lambda item: item[0])
    return [message for _, message in found]


def _check_head(rows: list[_Row], head: object) -> list[str]:
    malformed = ["the audit log's head record is missing or malformed: it was tampered with"]
    if not isinstance(head, dict) or not isinstance(head.get("seq"), int):
        return malformed
    head_seq, head_hash = head["seq"], str(head.get("hash"))
    last_seq = rows[-1].seq if rows else 0
    last_hash = rows[-1].hash if rows else GENESIS
    if head_seq > last_seq:
        missing = list(range(last_seq + 1, head_seq + 1))
        noun = "entry" if len(missing) == 1 else "entries"
        verb = "is" if len(missing) == 1 else "are"
        return [
            f"the last {noun} ({_ranges(missing)}) {verb} missing: the log was truncated "
            f"(the head record says it ends at entry {head_seq})"
        ]
    if head_seq < last_seq:
        return [
            f"entries {_ranges(list(range(head_seq + 1, last_seq + 1)))} were added outside the "
            f"audit log (the head record says it ends at entry {head_seq})"
        ]
    if head_hash != last_hash:
        return [f"entry {last_seq} is not the entry the head record points to: it was replaced"]
    return []


# -- input checks ----------------------------------------------------------------------------


def _check_action(action: AuditAction | str) -> str:
    try:
        return AuditAction(action).value
    except ValueError:
        known = ", ".join(a.value for a in AuditAction)
        raise AuditError(f"unknown audit action {action!r}; known actions: {known}") from None


def _check_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip() or len(actor) > MAX_ACTOR:
        raise AuditError(f"an audit actor is 1 to {MAX_ACTOR} characters, got {actor!r}")
    if any(ord(c) < 32 for c in actor):
        raise AuditError("an audit actor cannot contain control characters")
    return actor.strip()


def _check_details(details: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(details)
    try:
        round_trip = json.loads(json.dumps(data, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise AuditError(f"audit details must be plain JSON values: {exc}") from None
    if not isinstance(round_trip, dict):  # pragma: no cover - a Mapping dumps as an object
        raise AuditError("audit details must be a JSON object")
    return cast(dict[str, Any], round_trip)
