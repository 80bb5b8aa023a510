"""The ``Idempotency-Key`` of push batches.

The key is claimed with an insert of state ``in_flight`` committed on its own, so every server
process sees it: a second request with the same key gets 409 while the first runs, and the stored
answer once it is done. The answer is written in the same transaction as the batch's requests, so
it exists exactly when they do. A claim left behind by a crashed process is taken over after
:data:`STALE_AFTER`. A key sent again with a different body is refused (422).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from cityserver.db import Database, insert_ignore
from cityserver.models import Batch, BatchState

STALE_AFTER: Final = timedelta(seconds=120)


@dataclass(frozen=True)
class Claim:
    outcome: Literal["claimed", "in_flight", "done", "other_body", "other_kiosk"]
    response: dict[str, Any] | None = None


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def claim(db: Database, key: str, kiosk_id: str, digest: str, now: datetime) -> Claim:
    with db.write() as session:
        got = session.execute(
            insert_ignore(session, Batch)
            .values(
                key=key,
                kiosk_id=kiosk_id,
                body_sha256=digest,
                state=BatchState.IN_FLIGHT,
                response=None,
                created_at=now,
                updated_at=now,
            )
            .returning(Batch.key)
        ).first()
        if got is not None:
            return Claim("claimed")
        row = session.execute(select(Batch).where(Batch.key == key)).scalar_one()
        if row.kiosk_id != kiosk_id:
            return Claim("other_kiosk")
        if row.body_sha256 != digest:
            return Claim("other_body")
        if row.state == BatchState.DONE:
            return Claim("done", row.response)
        taken = session.execute(
            update(Batch)
            .where(Batch.key == key)
            .where(Batch.state == BatchState.IN_FLIGHT)
            .where(Batch.updated_at < now - STALE_AFTER)
            .values(updated_at=now)
        ).rowcount  # type: ignore[attr-defined]  # CursorResult of an UPDATE
        return Claim("claimed") if taken == 1 else Claim("in_flight")


def finish(session: Session, key: str, response: dict[str, Any], now: datetime) -> None:
    """Store the answer (inside the transaction that stores the batch's requests)."""
    session.execute(
        update(Batch)
        .where(Batch.key == key)
        .values(state=BatchState.DONE, response=response, updated_at=now)
    )


def release(db: Database, key: str) -> None:
    """Forget a claim whose batch failed before it was done, so a retry can run it."""
    with db.write() as session:
        session.execute(
            delete(Batch).where(Batch.key == key).where(Batch.state == BatchState.IN_FLIGHT)
        )
