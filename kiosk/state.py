"""Small durable facts about this kiosk: its enrollment, sync cursors, clock offset, last sync.

Kept in the ``kiosk_state`` table of the queue database (one JSON value per key), so they share
its durability and its backups. The enrollment secret lives here too and is never logged.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from kiosk.db import Database
from kiosk.models import KioskState
from kiosk.timeutil import Clock, from_db, to_db, utcnow

ENROLLMENT = "enrollment"
STATUS_CURSOR = "cursor.statuses"
ANNOUNCEMENT_CURSOR = "cursor.announcements"
CATALOG_ETAG = "catalog.etag"
CLOCK_OFFSET = "clock.offset"
AUDIT_CURSOR = "cursor.audit"  # the last audit entry the city server holds
SYNC = "sync.last"
MAX_CLOCK_OFFSET_S = 250 * 365.25 * 86400  # a kiosk clock at 1970 is 56 years off: fine


@dataclass(frozen=True)
class Enrollment:
    server_url: str
    kiosk_id: str
    kiosk_number: int
    secret: str
    enrolled_at: dt.datetime

    def public(self) -> dict[str, Any]:
        """Everything but the secret, for status output and diagnostics."""
        return {
            "server_url": self.server_url,
            "kiosk_id": self.kiosk_id,
            "kiosk_number": self.kiosk_number,
            "enrolled_at": to_db(self.enrolled_at),
        }


@dataclass(frozen=True)
class SyncRecord:
    """What the last sync cycles found, for the badge, ``kiosk status`` and the heartbeat."""

    last_success_at: dt.datetime | None = None
    last_attempt_at: dt.datetime | None = None
    last_error: str | None = None
    online: bool = False
    needs_enrollment: bool = False


class StateStore:
    def __init__(self, db: Database, *, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    def get(self, key: str, default: Any = None) -> Any:
        with self.db.read() as session:
            row = session.get(KioskState, key)
            return default if row is None else row.value

    def set(self, key: str, value: Any) -> None:
        with self.db.write() as session:
            row = session.get(KioskState, key)
            if row is None:
                session.add(KioskState(key=key, value=value, updated_at=self.clock()))
            else:
                row.value = value
                row.updated_at = self.clock()

    def delete(self, key: str) -> None:
        with self.db.write() as session:
            session.execute(delete(KioskState).where(KioskState.key == key))

    def all_keys(self) -> list[str]:
        with self.db.read() as session:
            return list(session.execute(select(KioskState.key)).scalars())

    # -- enrollment ------------------------------------------------------------------------

    def enrollment(self) -> Enrollment | None:
        value = self.get(ENROLLMENT)
        if not isinstance(value, dict):
            return None
        return Enrollment(
            server_url=value["server_url"],
            kiosk_id=value["kiosk_id"],
            kiosk_number=int(value["kiosk_number"]),
            secret=value["secret"],
            enrolled_at=from_db(value["enrolled_at"]),
        )

    def save_enrollment(self, enrollment: Enrollment) -> None:
        """A new enrollment: new identity, so the cursors of the old one no longer apply."""
        with self.db.write() as session:
            for key in (STATUS_CURSOR, ANNOUNCEMENT_CURSOR, AUDIT_CURSOR, SYNC):
                session.execute(delete(KioskState).where(KioskState.key == key))
            value = {**enrollment.public(), "secret": enrollment.secret}
            row = session.get(KioskState, ENROLLMENT)
            if row is None:
                session.add(KioskState(key=ENROLLMENT, value=value, updated_at=self.clock()))
            else:
                row.value = value
                row.updated_at = self.clock()

    # -- sync bookkeeping ----------------------------------------------------------------------

    def sync_record(self) -> SyncRecord:
        value = self.get(SYNC)
        if not isinstance(value, dict):
            return SyncRecord()

        def when(key: str) -> dt.datetime | None:
            raw = value.get(key)
            return from_db(raw) if isinstance(raw, str) else None

        return SyncRecord(
            last_success_at=when("last_success_at"),
            last_attempt_at=when("last_attempt_at"),
            last_error=value.get("last_error"),
            online=bool(value.get("online")),
            needs_enrollment=bool(value.get("needs_enrollment")),
        )

    def save_sync_record(self, record: SyncRecord) -> None:
        def text(value: dt.datetime | None) -> str | None:
            return None if value is None else to_db(value)

        self.set(
            SYNC,
            {
                "last_success_at": text(record.last_success_at),
                "last_attempt_at": text(record.last_attempt_at),
                "last_error": record.last_error,
                "online": record.online,
                "needs_enrollment": record.needs_enrollment,
            },
        )

    def clock_offset(self) -> float:
        """Server time minus local time, in seconds (0 until the server has told us, and
        for anything saved that is not a plausible offset: not a number, or centuries)."""
        value = self.get(CLOCK_OFFSET, 0.0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return 0.0
        offset = float(value)
        return offset if math.isfinite(offset) and abs(offset) <= MAX_CLOCK_OFFSET_S else 0.0
