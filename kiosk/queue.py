"""The durable queue of citizen transactions: submit, look up, count.

:meth:`Queue.submit` is the one way a submission enters the system. It validates the answers
against the catalog, and only then, in one ``BEGIN IMMEDIATE`` transaction, takes the next local
sequence number, makes the tracking code and writes the row. When it returns, the row is on disk;
when it raises, nothing was written.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from kiosk.catalog import Catalog, Service, UnknownService
from kiosk.db import Database
from kiosk.forms import Answer, FieldError, ValidationFailed, clean_answers
from kiosk.i18n import LANGUAGES, N_, Text
from kiosk.jsonutil import dumps
from kiosk.models import Channel, Transaction, TxState
from kiosk.timeutil import Clock, iso, to_db, utcnow
from kiosk.tracking import (
    NO_KIOSK_NUMBER,
    InvalidTrackingCode,
    format_tracking_code,
    make_tracking_code,
    parse_tracking_code,
)
from kiosk.uuid7 import uuid7

log = logging.getLogger("kiosk.queue")

SEQUENCE = "transaction"
_NEXT_SEQ_SQL = "UPDATE counters SET value = value + 1 WHERE name = 'transaction' RETURNING value"
_INSERT_SQL = (
    "INSERT INTO transactions (id, tracking_code, kiosk_number, seq, service_code,"
    " catalog_version, answers, lang, created_at, channel, staff_id, state, attempts,"
    " updated_at, replaces_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class NotQueued(ValueError):
    """The service is answered on the spot (a bill inquiry) and has nothing to queue."""

    def __init__(self, service_code: str, kind: str) -> None:
        self.service_code = service_code
        self.kind = kind
        super().__init__(f"{service_code!r} is a {kind}: nothing is queued")


class NoKioskNumber(ValueError):
    """The kiosk has no number yet, so it cannot issue a tracking code (none is ever issued
    with kiosk number 0000: two kiosks without a number would issue the same codes)."""

    def __init__(self) -> None:
        super().__init__(
            "this kiosk has no kiosk number yet, so it cannot issue tracking codes: enroll it "
            "with the city server (kiosk enroll --server URL --token TOKEN), or give a "
            "standalone kiosk its own number with [station] number in kiosk.toml"
        )


@dataclass(frozen=True)
class QueuedTransaction:
    """A snapshot of one row of the queue."""

    id: str
    tracking_code: str
    kiosk_number: int
    seq: int
    service_code: str
    catalog_version: str
    answers: dict[str, Any]
    lang: str
    created_at: dt.datetime
    channel: Channel
    staff_id: str | None
    state: TxState
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str | None
    server_ref: str | None
    server_status: str | None
    server_status_note: str | None
    server_status_at: dt.datetime | None
    acked_at: dt.datetime | None
    updated_at: dt.datetime
    replaces_id: str | None
    void_reason: str | None = None
    voided_at: dt.datetime | None = None
    purged_at: dt.datetime | None = None  # personal answers removed (kiosk.privacy)

    @property
    def display_code(self) -> str:
        """The tracking code grouped for people, e.g. ``0123-004571-8``."""
        return format_tracking_code(self.tracking_code)

    @classmethod
    def from_row(cls, row: Transaction) -> QueuedTransaction:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, dt.datetime):
                data[key] = iso(value)
        data["channel"] = self.channel.value
        data["state"] = self.state.value
        data["display_code"] = self.display_code
        return data


class Queue:
    """The transaction queue in ``db``, filled through ``catalog``'s forms."""

    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        *,
        kiosk_number: int,
        clock: Clock = utcnow,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.kiosk_number = kiosk_number
        self.clock = clock

    # -- writing ---------------------------------------------------------------------------

    def submit(
        self,
        service_code: str,
        answers: Mapping[str, object],
        *,
        channel: Channel = Channel.KIOSK,
        staff_id: str | None = None,
        lang: str = "fa",
        today: dt.date | None = None,
        replaces_id: str | None = None,
        conn: Connection | None = None,
    ) -> QueuedTransaction:
        """Validate ``answers`` and write one transaction durably; return it.

        Raises :class:`NoKioskNumber` (not enrolled and no number configured),
        :class:`UnknownService`, :class:`NotQueued`, :class:`ValidationFailed` (with per-field
        errors in both languages) or ``ValueError``; in every case nothing is written.
        With ``conn`` (an open write transaction of this database) the row is written there and
        commits with it, so the caller can write related rows atomically (``kiosk.counter``).
        """
        if self.kiosk_number == NO_KIOSK_NUMBER:
            raise NoKioskNumber()
        service = self.catalog.service(service_code)
        if not service.queued:
            raise NotQueued(service_code, service.kind.value)
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}")
        channel = Channel(channel)
        if channel is Channel.COUNTER and not staff_id:
            raise ValueError("a counter submission needs the clerk's staff id")
        cleaned = clean_answers(self.catalog, service, answers, today=today)
        tx_id = str(uuid7())
        with self.db.write_core() if conn is None else nullcontext(conn) as write:
            self._check_unique(write, service, cleaned)
            seq = int(write.exec_driver_sql(_NEXT_SEQ_SQL).scalar_one())
            now = self.clock()
            values: dict[str, Any] = {
                "id": tx_id,
                "tracking_code": make_tracking_code(self.kiosk_number, seq),
                "kiosk_number": self.kiosk_number,
                "seq": seq,
                "service_code": service.code,
                "catalog_version": self.catalog.version,
                "answers": cleaned,
                "lang": lang,
                "created_at": now,
                "channel": channel,
                "staff_id": staff_id,
                "state": TxState.PENDING,
                "attempts": 0,
                "next_attempt_at": None,
                "last_error": None,
                "server_ref": None,
                "server_status": None,
                "server_status_note": None,
                "server_status_at": None,
                "acked_at": None,
                "updated_at": now,
                "replaces_id": replaces_id,
            }
            # The hot path of every submission: plain SQL, bound by pysqlite, nothing compiled.
            write.exec_driver_sql(
                _INSERT_SQL,
                (
                    tx_id,
                    values["tracking_code"],
                    self.kiosk_number,
                    seq,
                    service.code,
                    self.catalog.version,
                    dumps(cleaned),
                    lang,
                    to_db(now),
                    channel.value,
                    staff_id,
                    TxState.PENDING.value,
                    0,
                    to_db(now),
                    replaces_id,
                ),
            )
        record = QueuedTransaction(**values)
        log.info(
            "queued %s seq=%d service=%s channel=%s", record.id, seq, service.code, channel.value
        )
        return record

    def _check_unique(self, conn: Connection, service: Service, cleaned: dict[str, Answer]) -> None:
        """A survey takes one answer per national code (the server enforces it too)."""
        if service.unique_by is None:
            return
        value = cleaned.get(service.unique_by)
        taken = conn.execute(
            select(Transaction.id)
            .where(Transaction.service_code == service.code)
            .where(Transaction.state != TxState.VOIDED)
            .where(func.json_extract(Transaction.answers, f"$.{service.unique_by}") == value)
            .limit(1)
        ).first()
        if taken is not None:
            raise ValidationFailed(
                [
                    FieldError(
                        service.unique_by,
                        "already_answered",
                        Text(N_("This national code has already answered this survey")),
                    )
                ]
            )

    # -- reading ---------------------------------------------------------------------------

    def get(self, ref: str) -> QueuedTransaction | None:
        """A transaction by its UUID or its tracking code (any digits, with or without dashes)."""
        ref = ref.strip()
        with self.db.read() as session:
            try:
                tx_id = str(uuid.UUID(ref))
            except ValueError:
                pass
            else:
                row = session.get(Transaction, tx_id)
                return None if row is None else QueuedTransaction.from_row(row)
            code = parse_tracking_code(ref).code
            row = session.execute(
                select(Transaction).where(Transaction.tracking_code == code)
            ).scalar_one_or_none()
            return None if row is None else QueuedTransaction.from_row(row)

    def list(
        self, state: TxState | None = None, *, limit: int | None = None
    ) -> list[QueuedTransaction]:
        """Transactions, newest first, optionally in one state."""
        query = select(Transaction).order_by(Transaction.seq.desc())
        if state is not None:
            query = query.where(Transaction.state == state)
        if limit is not None:
            query = query.limit(limit)
        with self.db.read() as session:
            return [QueuedTransaction.from_row(r) for r in session.execute(query).scalars()]

    def counts(self) -> dict[TxState, int]:
        with self.db.read() as session:
            rows = session.execute(
                select(Transaction.state, func.count()).group_by(Transaction.state)
            ).all()
        counts = dict.fromkeys(TxState, 0)
        counts.update({TxState(state): n for state, n in rows})
        return counts

    def oldest_unsent(self) -> dt.datetime | None:
        """When the oldest transaction the server does not have yet was made."""
        with self.db.read() as session:
            return session.execute(
                select(func.min(Transaction.created_at)).where(
                    Transaction.state.in_([TxState.PENDING, TxState.IN_FLIGHT])
                )
            ).scalar_one_or_none()


__all__ = [
    "InvalidTrackingCode",
    "NoKioskNumber",
    "NotQueued",
    "Queue",
    "QueuedTransaction",
    "UnknownService",
    "ValidationFailed",
]
