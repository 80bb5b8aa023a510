"""The privacy purge: citizens' personal answers leave the kiosk after acknowledgement + retention.

A transaction the city server acknowledged more than ``retention_days`` ago keeps what a reprint
and the Track screen need (tracking code, service, dates, kiosk number, the city's status) and the
answers to questions that are not personal; the answers to personal questions (``personal`` in
the catalog; every answer when the service is no longer in the catalog, and any answer to a
question the catalog no longer has) and the last error message are removed, and ``purged_at`` is
set. A voided transaction (terminal: it is never sent) is purged the same way, counted from when it
was voided. Nothing pending, in flight or rejected is touched: those still need their answers.

Every connection of the kiosk runs with ``PRAGMA secure_delete`` (``kiosk.migrations``), so
deleted content is zeroed in the database pages; after a purge that removed anything the file is
rewritten with ``VACUUM`` (old bytes can survive in pages SQLite rebuilt earlier) and the WAL is
checkpointed with TRUNCATE, so no old page image lingers in ``queue.db`` or ``queue.db-wal``.

A reader in the middle of a read (another process, a backup tool) keeps the old pages: no
checkpoint may overwrite them while its snapshot needs them. The purge then retries for
``wait_s`` seconds, and if the checkpoint is still busy it does not report success: its
:class:`PurgeResult` says ``complete=False``, the log says so, the fact is kept in the kiosk's
state (:func:`pending_since`, shown in the admin panel) and every later purge, due rows or
not, finishes the job first.
Migration backups (``queue.db.before-vN``), copies of the whole queue, are deleted once they are
older than the retention period too.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

from sqlalchemy import Connection, Table, and_, bindparam, delete, func, insert, or_, select, update

from kiosk.audit import AuditAction, AuditLog
from kiosk.catalog import Catalog, UnknownService
from kiosk.db import BUSY_TIMEOUT_S, Database
from kiosk.logs import describe
from kiosk.models import KioskState, Transaction, TxState
from kiosk.timeutil import from_db, iso, to_db

log = logging.getLogger("kiosk.privacy")

SYSTEM_ACTOR: Final = "kiosk:privacy"
PENDING_KEY: Final = "privacy.compaction_pending"  # kiosk_state: since when old pages remain
WAIT_S: Final = 2.0  # how long a purge retries a busy checkpoint before it says so
_T = cast(Table, Transaction.__table__)
_S = cast(Table, KioskState.__table__)


@dataclass(frozen=True)
class PurgeResult:
    purged: int  # transactions whose personal answers were removed now
    complete: bool  # and no old copy of them (or of an earlier purge's) is left in any file
    finished_earlier: bool = False  # an earlier purge's leftovers were removed now


def kept_answers(catalog: Catalog, service_code: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers a purge keeps: those to known questions that are not personal."""
    try:
        service = catalog.service(service_code)
    except UnknownService:
        return {}
    keep = {f.key for f in service.fields if not f.personal}
    return {key: value for key, value in answers.items() if key in keep}


def purge(
    db: Database,
    catalog: Catalog,
    retention_days: int,
    now: dt.datetime,
    audit: AuditLog,
    *,
    actor: str = SYSTEM_ACTOR,
    wait_s: float = WAIT_S,
) -> PurgeResult:
    """Purge personal answers that are due, and remove every old copy of them from the files.

    ``actor`` goes into the audit entry (written with the purge, when anything was purged):
    ``cli:<user>`` from the command line, :data:`SYSTEM_ACTOR` for the kiosk's own schedule.
    ``complete`` is False while a reader keeps old pages after ``wait_s`` seconds of retries.
    """
    if retention_days < 0:
        raise ValueError(f"retention_days must be 0 or more, got {retention_days}")
    cutoff = now - dt.timedelta(days=retention_days)
    due = (
        select(_T.c.id, _T.c.service_code, _T.c.answers)
        .where(_T.c.purged_at.is_(None))
        .where(
            or_(
                and_(_T.c.state == TxState.ACKED, _T.c.acked_at <= cutoff),
                and_(
                    _T.c.state == TxState.VOIDED,
                    func.coalesce(_T.c.voided_at, _T.c.updated_at) <= cutoff,
                ),
            )
        )
    )
    with db.write_core() as conn:
        earlier = conn.execute(select(_S.c.value).where(_S.c.key == PENDING_KEY)).scalar()
        rows = conn.execute(due).all()
        params = [
            {"b_id": tx_id, "b_answers": kept_answers(catalog, service, answers)}
            for tx_id, service, answers in rows
        ]
        if params:
            conn.execute(
                update(_T)
                .where(_T.c.id == bindparam("b_id"))
                .values(
                    answers=bindparam("b_answers"),
                    last_error=None,
                    purged_at=now,
                    updated_at=now,
                ),
                params,
            )
            audit.append(
                actor,
                AuditAction.PURGE,
                {"count": len(params), "retention_days": retention_days, "before": iso(cutoff)},
                conn=conn,
            )
            _set_pending(conn, earlier or to_db(now), now)
    removed = _remove_old_backups(db.path, cutoff)
    complete = True
    if params or earlier is not None:
        complete = compact(db, wait_s=wait_s)
        if not complete:
            with db.write_core() as conn:
                _set_pending(conn, earlier or to_db(now), now)
    log.info("privacy purge: %d transactions purged, %d old backups removed", len(params), removed)
    if not complete:
        log.warning(
            "privacy purge: the old content is still in queue.db: another connection keeps "
            "reading the old pages; the kiosk tries again"
        )
    elif earlier is not None:
        log.info("privacy purge: the old content of an earlier purge is gone now")
    return PurgeResult(len(params), complete, finished_earlier=complete and earlier is not None)


def pending_since(db: Database) -> dt.datetime | None:
    """Since when a purge's old content is still in the database file (None: nothing is)."""
    with db.read() as session:
        value = session.execute(select(_S.c.value).where(_S.c.key == PENDING_KEY)).scalar()
    return from_db(value) if isinstance(value, str) else None


def _set_pending(conn: Connection, since: str, now: dt.datetime) -> None:
    conn.execute(delete(_S).where(_S.c.key == PENDING_KEY))
    conn.execute(insert(_S).values(key=PENDING_KEY, value=since, updated_at=now))


def compact(db: Database, *, wait_s: float = WAIT_S) -> bool:
    """Rewrite the database file without any old content, and empty the WAL; whether it worked.

    ``secure_delete`` zeroes deleted cells, but a page SQLite rebuilt earlier (a split, a
    defragmentation) can keep old bytes in its unallocated gap; ``VACUUM`` writes every page
    afresh (its temporary copy stays in memory), and the TRUNCATE checkpoint then copies the new
    pages over the old ones and cuts ``queue.db-wal`` to zero bytes. The checkpoint waits up to
    ``wait_s`` seconds for readers of old pages to finish (SQLite's busy handler retries it);
    still busy then, it has not overwritten them, and this says so.
    """
    raw = db.engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        try:
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("VACUUM")
            # Nothing will be pending once the checkpoint below is through (else purge() sets
            # it again); cleared before it, so that the WAL it empties stays empty.
            conn.execute("DELETE FROM kiosk_state WHERE key = ?", (PENDING_KEY,))
        except sqlite3.OperationalError as exc:  # busy for longer than the busy timeout
            log.warning("VACUUM after the privacy purge failed: %s", describe(exc))
            return False
        # TRUNCATE waits for readers through the busy handler: as long as we may wait.
        conn.execute(f"PRAGMA busy_timeout = {int(max(wait_s, 0.0) * 1000)}")
        try:
            busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        return not busy and copied >= frames  # every frame copied, the WAL cut to zero
    finally:
        raw.close()


def _remove_old_backups(path: Path, cutoff: dt.datetime) -> int:
    """Delete migration backups of ``path`` made before ``cutoff``; return how many."""
    removed = 0
    for backup in path.parent.glob(f"{path.name}.before-v*"):
        suffix = backup.name.rsplit("-v", 1)[-1]
        try:
            made = dt.datetime.fromtimestamp(backup.stat().st_mtime, dt.UTC)
        except OSError:
            continue
        if suffix.isdigit() and made <= cutoff:
            try:
                backup.unlink()
            except OSError as exc:
                log.warning("cannot remove the old backup %s: %s", backup.name, exc.strerror)
                continue
            removed += 1
    return removed
