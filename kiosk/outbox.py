"""The queue as the sync engine sees it: claim a batch, record what the server said.

State machine of a transaction: ``pending -> in_flight -> acked | rejected`` (and back to
``pending`` after a failed attempt, with ``next_attempt_at``). Every step is one write transaction:

* :meth:`Outbox.claim` marks a batch ``in_flight`` (attempts + 1) *before* it is sent;
* :meth:`Outbox.record` stores the server's per-item answer: accepted or duplicate -> ``acked``
  with the server's reference; rejected -> ``rejected`` with the reason (parked for staff, never
  retried, never blocking the others);
* :meth:`Outbox.release` puts a batch whose answer never came back to ``pending`` again;
* :meth:`Outbox.recover` does the same at start for anything a crash left ``in_flight``.

Nothing leaves the queue before the server acknowledges it, and an acknowledged row is never
claimed again; the server deduplicates on the UUID, so a resend after a lost answer is harmless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, func, or_, select, text, update

from kiosk.db import Database
from kiosk.models import Transaction, TxState
from kiosk.queue import QueuedTransaction
from kiosk.timeutil import Clock, to_db, utcnow

ERROR_MAX = 500  # characters of an error message kept on the row
_T = cast(Table, Transaction.__table__)

# The wire form of a transaction (sync.protocol.WireTransaction), built in SQL.
_CLAIM_ENCODED = text("""
    UPDATE transactions
    SET state = 'in_flight', attempts = attempts + 1, updated_at = :now
    WHERE id IN (
        SELECT id FROM transactions
        WHERE state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= :now)
        ORDER BY seq LIMIT :limit
    )
    RETURNING seq, id, json_object(
        'id', id, 'tracking_code', tracking_code, 'kiosk_number', kiosk_number, 'seq', seq,
        'service_code', service_code, 'catalog_version', catalog_version,
        'answers', json(answers), 'lang', lang, 'created_at', created_at, 'channel', channel,
        'staff_id', staff_id, 'replaces_id', replaces_id)
""")
# Plain pysqlite executemany: one prepared statement, the rows bound in C (no ORM per row).
_RECORD_ACKED = (
    "UPDATE transactions SET state = 'acked', server_ref = ?, acked_at = ?, last_error = NULL,"
    " next_attempt_at = NULL, updated_at = ? WHERE id = ? AND state = 'in_flight'"
)
_RECORD_REJECTED = (
    "UPDATE transactions SET state = 'rejected', last_error = ?, next_attempt_at = NULL,"
    " updated_at = ? WHERE id = ? AND state = 'in_flight'"
)
_FIELDS = tuple(QueuedTransaction.__dataclass_fields__)


@dataclass(frozen=True)
class ItemOutcome:
    id: str
    status: str  # "accepted" | "duplicate" | "rejected"
    server_ref: str | None = None
    reason: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class StatusChange:
    id: str
    status: str
    note: str
    changed_at: dt.datetime
    server_ref: str | None = None


class Outbox:
    def __init__(self, db: Database, *, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    def recover(self) -> int:
        """After a crash: whatever was in flight is pending again (the server dedups)."""
        now = self.clock()
        with self.db.write_core() as conn:
            result = conn.execute(
                update(Transaction)
                .where(Transaction.state == TxState.IN_FLIGHT)
                .values(state=TxState.PENDING, updated_at=now)
            )
            return int(result.rowcount or 0)

    def claim(self, limit: int) -> list[QueuedTransaction]:
        """Up to ``limit`` due pending transactions, oldest first, now marked in flight."""
        now = self.clock()
        due = (
            select(_T.c.id)
            .where(_T.c.state == TxState.PENDING)
            .where(or_(_T.c.next_attempt_at.is_(None), _T.c.next_attempt_at <= now))
            .order_by(_T.c.seq)
            .limit(limit)
        )
        with self.db.write_core() as conn:
            rows = (
                conn.execute(
                    update(_T)
                    .where(_T.c.id.in_(due.scalar_subquery()))
                    .values(state=TxState.IN_FLIGHT, attempts=_T.c.attempts + 1, updated_at=now)
                    .returning(*_T.c)
                )
                .mappings()
                .all()
            )
        claimed = [QueuedTransaction(**{k: row[k] for k in _FIELDS}) for row in rows]
        claimed.sort(key=lambda tx: tx.seq)
        return claimed

    def claim_encoded(self, limit: int) -> list[tuple[str, str]]:
        """Like :meth:`claim`, but each transaction comes as (id, its wire JSON object), built
        by SQLite itself: the sync engine's fast path, with no decoding and re-encoding."""
        now = to_db(self.clock())
        with self.db.write_core() as conn:
            rows = sorted(
                conn.execute(_CLAIM_ENCODED, {"now": now, "limit": limit}).all(),
                key=lambda r: int(r[0]),
            )
        return [(str(r[1]), str(r[2])) for r in rows]

    def record(self, outcomes: Iterable[ItemOutcome]) -> tuple[int, int]:
        """Store the server's answers; return (acknowledged, rejected) counts.

        One prepared statement per kind, executed for all rows at once.
        """
        now = to_db(self.clock())
        acked: list[tuple[str | None, str, str, str]] = []
        rejected: list[tuple[str, str, str]] = []
        for item in outcomes:
            if item.status in ("accepted", "duplicate"):
                acked.append((item.server_ref, now, now, item.id))
            elif item.status == "rejected":
                reason = f"{item.reason or 'rejected'}: {item.message or ''}".strip(": ")
                rejected.append((reason[:ERROR_MAX], now, item.id))
        with self.db.write_core() as conn:
            if acked:
                conn.exec_driver_sql(_RECORD_ACKED, acked)
            if rejected:
                conn.exec_driver_sql(_RECORD_REJECTED, rejected)
        return len(acked), len(rejected)

    def release(self, ids: Sequence[str], error: str, retry_at: dt.datetime | None) -> None:
        """The batch's answer never came: back to pending, to be tried at ``retry_at``."""
        now = self.clock()
        if not ids:
            return
        with self.db.write_core() as conn:
            conn.execute(
                update(_T)
                .where(_T.c.id.in_(list(ids)))
                .where(_T.c.state == TxState.IN_FLIGHT)
                .values(
                    state=TxState.PENDING,
                    last_error=error[:ERROR_MAX],
                    next_attempt_at=retry_at,
                    updated_at=now,
                )
            )

    def apply_statuses(self, changes: Iterable[StatusChange]) -> int:
        """Statuses the city set, as of the server's time; return how many rows changed."""
        now = self.clock()
        params = [
            {
                "b_id": c.id,
                "b_status": c.status,
                "b_note": c.note,
                "b_at": c.changed_at,
                "b_ref": c.server_ref,
            }
            for c in changes
        ]
        if not params:
            return 0
        with self.db.write_core() as conn:
            result = conn.execute(
                update(_T)
                .where(_T.c.id == bindparam("b_id"))
                .values(
                    server_status=bindparam("b_status"),
                    server_status_note=bindparam("b_note"),
                    server_status_at=bindparam("b_at"),
                    server_ref=func.coalesce(bindparam("b_ref"), _T.c.server_ref),
                    updated_at=now,
                ),
                params,
            )
            return int(result.rowcount or 0)

    def due_count(self) -> int:
        with self.db.read() as session:
            from sqlalchemy import func

            return int(
                session.execute(
                    select(func.count())
                    .select_from(Transaction)
                    .where(Transaction.state == TxState.PENDING)
                ).scalar_one()
            )
