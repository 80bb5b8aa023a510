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
Migration backups (``queue.db.before-vN``), copies of the whole queue, are deleted once they are
older than the retention period too.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any, Final, cast

from sqlalchemy import Table, and_, bindparam, func, or_, select, update

from kiosk.audit import AuditAction, AuditLog
from kiosk.catalog import Catalog, UnknownService
from kiosk.db import Database
from kiosk.models import Transaction, TxState
from kiosk.timeutil import iso

log = logging.getLogger("kiosk.privacy")

SYSTEM_ACTOR: Final = "kiosk:privacy"
CHECKPOINT_TRIES = 5
_T = cast(Table, Transaction.__table__)


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
) -> int:
    """Purge personal answers that are due; return how many transactions were purged.

    ``actor`` goes into the audit entry (written with the purge, when anything was purged):
    ``cli:<user>`` from the command line, :data:`SYSTEM_ACTOR` for the kiosk's own schedule.
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
    removed = _remove_old_backups(db.path, cutoff)
    if params:
        compact(db)
    log.info("privacy purge: %d transactions purged, %d old backups removed", len(params), removed)
    return len(params)


def compact(db: Database) -> bool:
    """Rewrite the database file without any old content, and empty the WAL; whether it worked.

    ``secure_delete`` zeroes deleted cells, but a page SQLite rebuilt earlier (a split, a
    defragmentation) can keep old bytes in its unallocated gap; ``VACUUM`` writes every page
    afresh (its temporary copy stays in memory), and the TRUNCATE checkpoint then copies the new
    pages over the old ones and cuts ``queue.db-wal`` to zero bytes.
    """
    raw = db.engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        try:
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("VACUUM")
        except sqlite3.OperationalError as exc:  # busy for longer than the busy timeout
            log.warning("VACUUM after the privacy purge failed: %s", exc)
            return False
        for attempt in range(CHECKPOINT_TRIES):
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
            time.sleep(0.05 * (attempt + 1))  # a reader is in the way; it will be done soon
    finally:
        raw.close()
    log.warning("the WAL checkpoint after the privacy purge was blocked by a reader")
    return False


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
