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

from sqlalchemy import or_, select, update

from kiosk.db import Database
from kiosk.models import Transaction, TxState
from kiosk.queue import QueuedTransaction
from kiosk.timeutil import Clock, utcnow

ERROR_MAX = 500  # characters of an error message kept on the row


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
        with self.db.write() as session:
            rows = list(
                session.execute(
                    select(Transaction)
                    .where(Transaction.state == TxState.PENDING)
                    .where(
                        or_(
                            Transaction.next_attempt_at.is_(None),
                            Transaction.next_attempt_at <= now,
                        )
                    )
                    .order_by(Transaction.seq)
                    .limit(limit)
                ).scalars()
            )
            for row in rows:
                row.state = TxState.IN_FLIGHT
                row.attempts += 1
                row.updated_at = now
            session.flush()
            return [QueuedTransaction.from_row(row) for row in rows]

    def record(self, outcomes: Iterable[ItemOutcome]) -> tuple[int, int]:
        """Store the server's answers; return (acknowledged, rejected) counts."""
        now = self.clock()
        acked = rejected = 0
        with self.db.write_core() as conn:
            for item in outcomes:
                if item.status in ("accepted", "duplicate"):
                    values = {
                        "state": TxState.ACKED,
                        "server_ref": item.server_ref,
                        "acked_at": now,
                        "last_error": None,
                        "next_attempt_at": None,
                        "updated_at": now,
                    }
                    acked += 1
                elif item.status == "rejected":
                    reason = f"{item.reason or 'rejected'}: {item.message or ''}".strip(": ")
                    values = {
                        "state": TxState.REJECTED,
                        "last_error": reason[:ERROR_MAX],
                        "next_attempt_at": None,
                        "updated_at": now,
                    }
                    rejected += 1
                else:
                    continue
                conn.execute(
                    update(Transaction)
                    .where(Transaction.id == item.id)
                    .where(Transaction.state == TxState.IN_FLIGHT)
                    .values(**values)
                )
        return acked, rejected

    def release(self, ids: Sequence[str], error: str, retry_at: dt.datetime | None) -> None:
        """The batch's answer never came: back to pending, to be tried at ``retry_at``."""
        now = self.clock()
        if not ids:
            return
        with self.db.write_core() as conn:
            conn.execute(
                update(Transaction)
                .where(Transaction.id.in_(list(ids)))
                .where(Transaction.state == TxState.IN_FLIGHT)
                .values(
                    state=TxState.PENDING,
                    last_error=error[:ERROR_MAX],
                    next_attempt_at=retry_at,
                    updated_at=now,
                )
            )

    def apply_statuses(self, changes: Iterable[StatusChange]) -> int:
        """Statuses the city set, as of the server's time; return how many rows changed."""
        changed = 0
        now = self.clock()
        with self.db.write_core() as conn:
            for change in changes:
                values: dict[str, object] = {
                    "server_status": change.status,
                    "server_status_note": change.note,
                    "server_status_at": change.changed_at,
                    "updated_at": now,
                }
                if change.server_ref:
                    values["server_ref"] = change.server_ref
                result = conn.execute(
                    update(Transaction).where(Transaction.id == change.id).values(**values)
                )
                changed += int(result.rowcount or 0)
        return changed

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
