"""The kiosk's health, in one snapshot: what ``kiosk status --json`` prints, what the heartbeat
tells the city and what the diagnostics export keeps.

:func:`snapshot` reads the stores once; :class:`Health` is plain data. The printer's state is
given by the caller (the printers live in ``ui.printing``, which probes them) as one of the
:data:`PRINTER_STATES` words, or ``error: <reason>``: :func:`printer_error` makes those. It is
a state, never a printer's name or a path. This module is light (the printers import it at
start); the database modules are imported when a snapshot is taken.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from kiosk import __version__
from kiosk.timeutil import iso, utcnow

if TYPE_CHECKING:  # the printer words are needed before the first paint; SQLAlchemy is not
    from kiosk.models import TxState
    from kiosk.queue import Queue
    from kiosk.state import StateStore, SyncRecord

PRINTER_OK: Final = "ok"
PRINTER_NOT_CONFIGURED: Final = "not_configured"
PRINTER_PAPER_LOW: Final = "paper_low"  # still printing; the printer says the roll ends soon
PRINTER_STATES: Final = (PRINTER_OK, PRINTER_NOT_CONFIGURED, PRINTER_PAPER_LOW)
ERROR_PREFIX: Final = "error: "
MAX_REASON: Final = 48
MAX_ERROR_TEXT: Final = 500  # of the last sync error, in a heartbeat


def printer_error(reason: str) -> str:
    """``error: <reason>``, the reason a short machine word (``paper_out``, ``offline``, ...)."""
    word = re.sub(r"[^a-z0-9_]+", "_", reason.lower()).strip("_")[:MAX_REASON] or "unknown"
    return ERROR_PREFIX + word


@dataclass(frozen=True)
class Health:
    version: str
    kiosk_number: int
    data_dir: Path
    database: Path
    catalog_version: str
    counts: dict[TxState, int]
    oldest_unsent_at: dt.datetime | None
    enrollment: dict[str, Any] | None  # Enrollment.public(): never the secret
    sync: SyncRecord
    printer_state: str
    free_disk_bytes: int
    taken_at: dt.datetime

    @property
    def queue_depth(self) -> int:
        from kiosk.models import TxState

        return self.counts[TxState.PENDING] + self.counts[TxState.IN_FLIGHT]

    @property
    def oldest_unsent_age_s(self) -> int | None:
        if self.oldest_unsent_at is None:
            return None
        return max(0, int((self.taken_at - self.oldest_unsent_at).total_seconds()))

    def to_json(self) -> dict[str, Any]:
        """As ``kiosk status --json`` prints it."""
        from kiosk import migrations
        from kiosk.models import TxState

        record = self.sync

        def when(value: dt.datetime | None) -> str | None:
            return iso(value) if value is not None else None

        return {
            "version": self.version,
            "kiosk_number": self.kiosk_number,
            "data_dir": str(self.data_dir),
            "database": str(self.database),
            "schema_version": migrations.HEAD,
            "catalog_version": self.catalog_version,
            "counts": {s.value: self.counts[s] for s in TxState},
            "queue_depth": self.queue_depth,
            "oldest_unsent_at": when(self.oldest_unsent_at),
            "oldest_unsent_age_seconds": self.oldest_unsent_age_s,
            "enrollment": self.enrollment,
            "sync": {
                "online": record.online,
                "last_success_at": when(record.last_success_at),
                "last_attempt_at": when(record.last_attempt_at),
                "last_error": record.last_error,
                "needs_enrollment": record.needs_enrollment,
            },
            "printer_state": self.printer_state,
            "free_disk_bytes": self.free_disk_bytes,
        }

    def heartbeat_fields(self) -> dict[str, Any]:
        """What the heartbeat reports (``sync.protocol.Heartbeat``), from this snapshot."""
        error = self.sync.last_error
        return {
            "queue_depth": self.queue_depth,
            "oldest_unsent_at": iso(self.oldest_unsent_at) if self.oldest_unsent_at else None,
            "last_sync_at": iso(self.sync.last_success_at) if self.sync.last_success_at else None,
            "last_error": error[:MAX_ERROR_TEXT] if error else None,
            "app_version": self.version,
            "free_disk_bytes": self.free_disk_bytes,
            "printer_state": self.printer_state,
            "catalog_version": self.catalog_version,
        }


def snapshot(
    queue: Queue,
    state: StateStore,
    *,
    data_dir: Path,
    printer_state: str,
    now: dt.datetime | None = None,
) -> Health:
    """The kiosk's health now (read from the queue's database and the disk)."""
    enrollment = state.enrollment()
    try:
        free = shutil.disk_usage(data_dir).free
    except OSError:
        free = 0
    return Health(
        version=__version__,
        kiosk_number=queue.kiosk_number,
        data_dir=data_dir,
        database=queue.db.path,
        catalog_version=queue.catalog.version,
        counts=queue.counts(),
        oldest_unsent_at=queue.oldest_unsent(),
        enrollment=enrollment.public() if enrollment is not None else None,
        sync=state.sync_record(),
        printer_state=printer_state,
        free_disk_bytes=free,
        taken_at=now or utcnow(),
    )
