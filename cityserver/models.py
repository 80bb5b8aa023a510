"""SQLAlchemy 2 typed models of the city server's database.

The tables are created and changed only by :mod:`cityserver.migrations`; a test checks that the
migrated schema and these models agree column by column, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cityserver.coltypes import BigId, JSONType, UTCDateTime


class RequestChannel(StrEnum):
    KIOSK = "kiosk"
    COUNTER = "counter"
    OPEN311 = "open311"


class BatchState(StrEnum):
    IN_FLIGHT = "in_flight"
    DONE = "done"


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
    }


class Kiosk(Base):
    __tablename__ = "kiosks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUIDv7
    number: Mapped[int] = mapped_column(Integer, unique=True)  # 1..9998, in enrollment order
    name: Mapped[str] = mapped_column(String(100))
    secret: Mapped[str] = mapped_column(String(64))  # HMAC key: the server must know it
    app_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    last_heartbeat: Mapped[dict[str, Any] | None]
    last_heartbeat_at: Mapped[datetime | None]


class EnrollmentToken(Base):
    __tablename__ = "enrollment_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    kiosk_id: Mapped[str | None] = mapped_column(ForeignKey("kiosks.id"))


class Request(Base):
    """One citizen request, from a kiosk, a counter or an Open311 client: stored exactly once."""

    __tablename__ = "requests"
    __table_args__ = (
        Index("ix_requests_kiosk", "kiosk_id"),
        Index("ix_requests_received", "received_at"),
        Index("ix_requests_created", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the transaction's UUID
    kiosk_id: Mapped[str | None] = mapped_column(ForeignKey("kiosks.id"))  # null: Open311
    kiosk_number: Mapped[int] = mapped_column(Integer)
    kiosk_seq: Mapped[int] = mapped_column(BigInteger)  # up to kiosk.tracking.MAX_SEQ
    tracking_code: Mapped[str] = mapped_column(String(20), index=True, unique=True)
    service_code: Mapped[str] = mapped_column(String(40), index=True)
    catalog_version: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]]
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]  # the kiosk's clock
    received_at: Mapped[datetime]  # the server's clock
    channel: Mapped[str] = mapped_column(String(16))  # a RequestChannel
    staff_id: Mapped[str | None] = mapped_column(String(64))
    replaces_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), index=True)  # protocol STATUSES
    status_note: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime]
    server_ref: Mapped[str] = mapped_column(String(32), unique=True)
    survey_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    open311: Mapped[dict[str, Any] | None]  # Open311 fields with no catalog field (lat, email...)


class StatusEvent(Base):
    """Each status a request has had; ``seq`` is the kiosks' pull cursor."""

    __tablename__ = "status_events"
    __table_args__ = (
        Index("ix_status_events_kiosk_seq", "kiosk_id", "seq"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), index=True)
    kiosk_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime]


class Batch(Base):
    """A push batch's ``Idempotency-Key``: in flight, or done with the answer to replay."""

    __tablename__ = "batches"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"))
    body_sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # a BatchState
    response: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]


class Nonce(Base):
    __tablename__ = "nonces"
    kiosk_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class PublishedCatalog(Base):
    __tablename__ = "catalogs"
    __table_args__ = (
        # At most one current catalog: a partial unique index (both databases have them).
        Index(
            "uq_catalogs_current",
            "is_current",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime]
    is_current: Mapped[bool] = mapped_column(Boolean)


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[dict[str, Any]]  # {"fa": ..., "en": ...}
    body: Mapped[dict[str, Any]]
    published_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    deleted: Mapped[bool] = mapped_column(Boolean)
    revision: Mapped[int] = mapped_column(BigId, unique=True)  # the pull cursor


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """The server's copy of one entry of a kiosk's audit chain: written once, never changed."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_action_time", "action", "occurred_at"),)

    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    time: Mapped[str] = mapped_column(String(40))  # the kiosk's text, as hashed
    occurred_at: Mapped[datetime]  # the same time, parsed (the kiosk's clock)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]


class AuditDivergence(Base):
    """A batch or a heartbeat of a kiosk that did not extend the server's copy of its chain."""

    __tablename__ = "audit_divergences"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), index=True)
    seq: Mapped[int] = mapped_column(BigInteger)  # the first entry where the two part
    kiosk_hash: Mapped[str | None] = mapped_column(String(64))  # the kiosk's entry there
    server_hash: Mapped[str | None] = mapped_column(String(64))  # the server's entry there
    source: Mapped[str] = mapped_column(String(16))  # "batch" or "heartbeat"
    message: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime]


class Counter(Base):
    """SQLite only: the server's named sequences (PostgreSQL has real ``SEQUENCE`` objects)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigId)


class SchemaVersion(Base):
    __tablename__ = "schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    description: Mapped[str] = mapped_column(Text)
    applied_at: Mapped[datetime]
