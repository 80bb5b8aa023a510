"""SQLAlchemy 2 typed models of the kiosk's local database.

The tables themselves are created and changed only by :mod:`kiosk.migrations`; a test checks that
the migrated schema and these models agree column by column.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import JSON, TypeDecorator

from kiosk.timeutil import from_db, to_db


class TxState(StrEnum):
    PENDING = "pending"  # durable, not yet sent (or due for another try)
    IN_FLIGHT = "in_flight"  # sent in a batch whose answer has not come back yet
    ACKED = "acked"  # the server acknowledged it (accepted or duplicate)
    REJECTED = "rejected"  # the server refused it; parked for staff
    VOIDED = "voided"  # staff voided it; never sent


class Channel(StrEnum):
    KIOSK = "kiosk"
    COUNTER = "counter"


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime stored as fixed-width ISO text (sortable as text)."""

    impl = String(27)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else to_db(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else from_db(value)


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=16,
        values_callable=lambda e: [m.value for m in e],
    )


class Base(DeclarativeBase):
    pass


class Transaction(Base):
    """One citizen submission, from the moment it is durable until the city has it."""

    __tablename__ = "transactions"
    __table_args__ = (
        Index("ix_transactions_due", "state", "next_attempt_at"),
        Index("ix_transactions_created", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUIDv7, forever
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    kiosk_number: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    service_code: Mapped[str] = mapped_column(String(40))
    catalog_version: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    lang: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "tx_channel"))
    staff_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[TxState] = mapped_column(_enum(TxState, "tx_state"), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    server_ref: Mapped[str | None] = mapped_column(String(64))
    server_status: Mapped[str | None] = mapped_column(String(32))
    server_status_note: Mapped[str | None] = mapped_column(Text)
    server_status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaces_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("transactions.id"))
    # schema 4: a clerk's void (reason with long digit runs redacted) and the privacy purge
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Counter(Base):
    """Monotonic counters (the kiosk-local transaction sequence)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class KioskState(Base):
    """Small durable facts about this kiosk (enrollment, sync cursors), as key and JSON value."""

    __tablename__ = "kiosk_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Announcement(Base):
    """News, hours and fees from the city, kept for reading offline. Texts are {fa, en}."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_published", "published_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[dict[str, str]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffRole(StrEnum):
    CLERK = "clerk"  # files for citizens, looks up, reprints, resolves rejected items, reports
    ADMIN = "admin"  # everything a clerk does, plus staff accounts, settings and enrollment


class StaffAccount(Base):
    """A clerk or an admin of this kiosk. ``name`` is the staff id transactions carry."""

    __tablename__ = "staff"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # normalised, as shown
    name_key: Mapped[str] = mapped_column(String(40), unique=True)  # case-folded, for uniqueness
    role: Mapped[StaffRole] = mapped_column(_enum(StaffRole, "staff_role"))
    pin_hash: Mapped[str] = mapped_column(String(200))  # self-describing scrypt string
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditRecord(Base):
    """One entry of the append-only, hash-chained audit log (triggers refuse UPDATE and DELETE).

    ``action`` is plain text checked by :mod:`kiosk.audit`, so a new action needs no migration.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    time: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# -- schema 5: card payments (kiosk.payments) ---------------------------------------------------
# The states and kinds are plain text checked by the schema's CHECK constraints and by
# kiosk.payments.states (the one table of transitions); the indexes below are the database's
# own guard of the two rules no writer may break: one payment in flight per terminal, and a
# bill paid (or being checked) at most once on this kiosk.
IN_FLIGHT_SQL = "state IN ('created', 'sent', 'awaiting_card', 'unknown')"
HOLDS_BILL_SQL = "kind = 'bill' AND state NOT IN ('declined', 'failed', 'reversed')"
OPEN_REVERSAL_SQL = "kind = 'reversal' AND state NOT IN ('declined', 'failed')"


class Payment(Base):
    """One card payment (or the reversal of one), from its intent to the city's record."""

    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_state", "state"),
        Index("ux_payments_in_flight", "terminal", unique=True, sqlite_where=text(IN_FLIGHT_SQL)),
        Index(
            "ux_payments_bill_once",
            "bill_id",
            "payment_id",
            unique=True,
            sqlite_where=text(HOLDS_BILL_SQL),
        ),
        Index(
            "ux_payments_one_reversal",
            "reverses_id",
            unique=True,
            sqlite_where=text(OPEN_REVERSAL_SQL),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUIDv7
    seq: Mapped[int] = mapped_column(Integer, unique=True)  # the kiosk's one sequence
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    kiosk_number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[str] = mapped_column(String(20), unique=True)  # our key at the terminal
    terminal: Mapped[str] = mapped_column(String(200))
    amount_rials: Mapped[int] = mapped_column(Integer)
    bill_id: Mapped[str | None] = mapped_column(String(13))
    payment_id: Mapped[str | None] = mapped_column(String(13))
    service_code: Mapped[str | None] = mapped_column(String(40))
    reverses_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("payments.id"))
    channel: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[str | None] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(2))
    state: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(String(32))
    terminal_code: Mapped[str | None] = mapped_column(String(16))
    rrn: Mapped[str | None] = mapped_column(String(32))
    trace_no: Mapped[str | None] = mapped_column(String(32))
    approval_code: Mapped[str | None] = mapped_column(String(16))
    masked_card: Mapped[str | None] = mapped_column(String(32))
    terminal_date: Mapped[str | None] = mapped_column(String(16))
    terminal_time: Mapped[str | None] = mapped_column(String(16))
    checks: Mapped[int] = mapped_column(Integer, default=0)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PaymentEvent(Base):
    """Every state a payment has been in, in order: the history behind ``payments.state``."""

    __tablename__ = "payment_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payment_id: Mapped[str] = mapped_column(String(36), ForeignKey("payments.id"), index=True)
    state: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class CityPaidBill(Base):
    """A bill the city says is paid (anywhere: another kiosk, a bank, online); filled by the
    sync's pull, read before a payment starts."""

    __tablename__ = "city_paid_bills"

    bill_id: Mapped[str] = mapped_column(String(13), primary_key=True)
    payment_id: Mapped[str] = mapped_column(String(13), primary_key=True)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
