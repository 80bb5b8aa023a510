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

from sqlalchemy import Table, bindparam, func, or_, select, update

from kiosk.db import Database
from kiosk.models import Transaction, TxState
from kiosk.queue import QueuedTransaction
from kiosk.timeutil import Clock, utcnow

ERROR_MAX = 500  # characters of an error message kept on the row
_T = cast(Table, Transaction.__table__)
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

    def record(self, outcomes: Iterable[ItemOutcome]) -> tuple[int, int]:
        """Store the server's answers; return (acknowledged, rejected) counts."""
        now = self.clock()
        acked: list[dict[str, object]] = []
        rejected: list[dict[str, object]] = []
        for item in outcomes:
            if item.status in ("accepted", "duplicate"):
                acked.append({"b_id": item.id, "b_ref": item.server_ref})
            elif item.status == "rejected":
                reason = f"{item.reason or 'rejected'}: {item.message or ''}".strip(": ")
                rejected.append({"b_id": item.id, "b_error": reason[:ERROR_MAX]})
        with self.db.write_core() as conn:
            if acked:
                conn.execute(
                    update(_T)
                    .where(_T.c.id == bindparam("b_id"))
                    .where(_T.c.state == TxState.IN_FLIGHT)
                    .values(
                        state=TxState.ACKED,
                        server_ref=bindparam("b_ref"),
                        acked_at=now,
                        last_error=None,
                        next_attempt_at=None,
                        updated_at=now,
                    ),
                    acked,
                )
            if rejected:
                conn.execute(
                    update(_T)
                    .where(_T.c.id == bindparam("b_id"))
                    .where(_T.c.state == TxState.IN_FLIGHT)
                    .values(
                        state=TxState.REJECTED,
                        last_error=bindparam("b_error"),
                        next_attempt_at=None,
                        updated_at=now,
                    ),
                    rejected,
                )
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
