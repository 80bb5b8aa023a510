"""Schema migrations of the city server's database, for SQLite and PostgreSQL.

The applied steps are rows of ``schema_version``. :func:`upgrade` takes a lock first (a
transaction-scoped ``pg_advisory_xact_lock`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), then
reads the version and applies the missing steps in the same transaction, so two server processes
starting at once against one database migrate it exactly once, and a crash leaves the schema at
the old version or the new one (DDL is transactional on both databases).

Each step describes its tables itself (frozen Core definitions, not the live models), so that a
fresh database built step by step equals an old one upgraded. Rules for a new step: never edit a
step that has shipped; append one; keep every row; a test compares the result with
:mod:`cityserver.models`.

Alembic would add a script folder, an env.py and its own version table for what is a linear
history of a handful of steps; this module is the whole mechanism, and its tests cover it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Sequence,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from cityserver.coltypes import BigId, JSONType, UTCDateTime
from kiosk.timeutil import utcnow
from kiosk.tracking import OPEN311_KIOSK_NUMBER, make_tracking_code

log = logging.getLogger("cityserver.db")

# Key of the PostgreSQL advisory lock that serialises migrations ("city" "migr" in ASCII).
MIGRATION_LOCK_KEY: Final = 0x63697479_6D696772
SEQUENCES: Final = ("request_ref", "open311_tracking", "announcement_revision")


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer city server than this one."""


@dataclass(frozen=True)
class Step:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1(conn: Connection) -> None:
    md = MetaData()
    dt = UTCDateTime
    Table(
        "kiosks", md,
        Column("id", String(36), primary_key=True),
        Column("number", Integer, nullable=False, unique=True),
        Column("name", String(100), nullable=False),
        Column("secret", String(64), nullable=False),
        Column("app_version", String(64), nullable=False),
        Column("created_at", dt(), nullable=False),
        Column("revoked_at", dt()),
        Column("last_seen_at", dt()),
        Column("last_heartbeat", JSONType),
        Column("last_heartbeat_at", dt()),
    )  # fmt: skip
    Table(
        "enrollment_tokens", md,
        Column("id", BigId, primary_key=True),
        Column("token_sha256", String(64), nullable=False, unique=True),
        Column("name", String(100), nullable=False),
        Column("created_at", dt(), nullable=False),
        Column("expires_at", dt(), nullable=False),
        Column("used_at", dt()),
        Column("kiosk_id", String(36), ForeignKey("kiosks.id")),
    )  # fmt: skip
    Table(
        "requests", md,
        Column("id", String(36), primary_key=True),
        Column("kiosk_id", String(36), ForeignKey("kiosks.id")),
        Column("kiosk_number", Integer, nullable=False),
        Column("kiosk_seq", BigInteger, nullable=False),
        Column("tracking_code", String(20), nullable=False, index=True),
        Column("service_code", String(40), nullable=False, index=True),
        Column("catalog_version", String(64), nullable=False),
        Column("answers", JSONType, nullable=False),
        Column("lang", String(8), nullable=False),
        Column("created_at", dt(), nullable=False),
        Column("received_at", dt(), nullable=False),
        Column("channel", String(16), nullable=False),
        Column("staff_id", String(64)),
        Column("replaces_id", String(36)),
        Column("status", String(16), nullable=False, index=True),
        Column("status_note", Text, nullable=False),
        Column("status_changed_at", dt(), nullable=False),
        Column("server_ref", String(32), nullable=False, unique=True),
        Column("survey_key", String(64), unique=True),
        Column("open311", JSONType),
        Index("ix_requests_kiosk", "kiosk_id"),
        Index("ix_requests_received", "received_at"),
        Index("ix_requests_created", "created_at"),
    )  # fmt: skip
    Table(
        "status_events", md,
        Column("seq", BigId, primary_key=True, autoincrement=True),
        Column("request_id", String(36), ForeignKey("requests.id"), nullable=False, index=True),
        Column("kiosk_id", String(36)),
        Column("status", String(16), nullable=False),
        Column("note", Text, nullable=False),
        Column("changed_at", dt(), nullable=False),
        Index("ix_status_events_kiosk_seq", "kiosk_id", "seq"),
        sqlite_autoincrement=True,
    )  # fmt: skip
    Table(
        "batches", md,
        Column("key", String(128), primary_key=True),
        Column("kiosk_id", String(36), ForeignKey("kiosks.id"), nullable=False),
        Column("body_sha256", String(64), nullable=False),
        Column("state", String(16), nullable=False),
        Column("response", JSONType),
        Column("created_at", dt(), nullable=False, index=True),
        Column("updated_at", dt(), nullable=False),
    )  # fmt: skip
    Table(
        "nonces", md,
        Column("kiosk_id", String(36), nullable=False),
        Column("nonce", String(64), nullable=False),
        Column("expires_at", dt(), nullable=False, index=True),
        PrimaryKeyConstraint("kiosk_id", "nonce"),
    )  # fmt: skip
    Table(
        "catalogs", md,
        Column("id", BigId, primary_key=True),
        Column("version", String(64), nullable=False, unique=True),
        Column("digest", String(64), nullable=False, unique=True),
        Column("body", Text, nullable=False),
        Column("published_at", dt(), nullable=False),
        Column("is_current", Boolean, nullable=False),
        Index(
            "uq_catalogs_current", "is_current", unique=True,
            sqlite_where=text("is_current"), postgresql_where=text("is_current"),
        ),
    )  # fmt: skip
    Table(
        "announcements", md,
        Column("id", BigId, primary_key=True),
        Column("title", JSONType, nullable=False),
        Column("body", JSONType, nullable=False),
        Column("published_at", dt(), nullable=False),
        Column("expires_at", dt()),
        Column("deleted", Boolean, nullable=False),
        Column("revision", BigId, nullable=False),
        UniqueConstraint("revision"),
    )  # fmt: skip
    Table(
        "api_keys", md,
        Column("id", BigId, primary_key=True),
        Column("name", String(100), nullable=False),
        Column("key_sha256", String(64), nullable=False, unique=True),
        Column("created_at", dt(), nullable=False),
        Column("revoked_at", dt()),
    )  # fmt: skip
    if conn.dialect.name == "postgresql":
        for name in SEQUENCES:
            Sequence(sequence_name(name), metadata=md)
    else:
        counters = Table(
            "counters", md,
            Column("name", String(32), primary_key=True),
            Column("value", BigId, nullable=False),
        )  # fmt: skip
    md.create_all(conn)
    if conn.dialect.name != "postgresql":
        conn.execute(counters.insert(), [{"name": n, "value": 0} for n in SEQUENCES])


QUARANTINE_PREFIX: Final = "!"


def _v2(conn: Connection) -> None:
    """Tracking codes become unique: one kiosk number and seq, one request.

    Before this step the server believed a kiosk's claims, so a database may hold several
    requests with one code (a kiosk that pushed another's number, or a code that disagrees with
    its number and seq). Of each such group the rightful request keeps the code: the one whose
    code its own kiosk's number and seq make (an Open311 filing: 9999 and the server's seq),
    the earliest received first. Every other one keeps its row, its answers and its UUID, and
    gets the code ``!`` + its server reference, which no kiosk can type or issue; staff find
    it by its UUID (``cityserver requests show UUID``).
    """
    duplicated = list(
        conn.execute(
            text("SELECT tracking_code FROM requests GROUP BY tracking_code HAVING count(*) > 1")
        ).scalars()
    )
    moved = 0
    for code in duplicated:
        rows = conn.execute(
            text(
                "SELECT r.id, r.kiosk_number, r.kiosk_seq, r.channel, r.received_at, "
                "r.server_ref, k.number FROM requests r LEFT JOIN kiosks k ON k.id = r.kiosk_id "
                "WHERE r.tracking_code = :code"
            ),
            {"code": code},
        ).all()

        def rightful(row: Any, code: str = code) -> bool:
            _id, number, seq, channel, _at, _ref, signer = row
            if make_tracking_code_or_none(number, seq) != code:
                return False
            if channel == "open311":
                return bool(number == OPEN311_KIOSK_NUMBER and signer is None)
            return bool(signer == number)

        ranked = sorted(rows, key=lambda r: (not rightful(r), str(r[4]), len(r[5]), r[5]))
        for row in ranked[1:]:
            conn.execute(
                text("UPDATE requests SET tracking_code = :new WHERE id = :id"),
                {"new": QUARANTINE_PREFIX + str(row[5]), "id": row[0]},
            )
            moved += 1
    if moved:
        log.warning(
            "%d request(s) shared a tracking code with another one; each now has the code "
            "'!' + its server reference (find them with: cityserver requests list)",
            moved,
        )
    conn.execute(text("DROP INDEX ix_requests_tracking_code"))
    conn.execute(text("CREATE UNIQUE INDEX ix_requests_tracking_code ON requests (tracking_code)"))


def _v3(conn: Connection) -> None:
    """The server's copy of each kiosk's audit chain, and the divergences it saw."""
    md = MetaData()
    Table("kiosks", md, Column("id", String(36), primary_key=True))  # for the foreign keys
    Table(
        "audit_entries", md,
        Column("kiosk_id", String(36), ForeignKey("kiosks.id"), nullable=False),
        Column("seq", BigInteger, nullable=False, autoincrement=False),
        Column("time", String(40), nullable=False),
        Column("occurred_at", UTCDateTime(), nullable=False),
        Column("actor", String(80), nullable=False),
        Column("action", String(40), nullable=False),
        Column("details", JSONType, nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
        Column("received_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("kiosk_id", "seq"),
        Index("ix_audit_entries_action_time", "action", "occurred_at"),
    )  # fmt: skip
    Table(
        "audit_divergences", md,
        Column("id", BigId, primary_key=True),
        Column("kiosk_id", String(36), ForeignKey("kiosks.id"), nullable=False, index=True),
        Column("seq", BigInteger, nullable=False),
        Column("kiosk_hash", String(64)),
        Column("server_hash", String(64)),
        Column("source", String(16), nullable=False),
        Column("message", Text, nullable=False),
        Column("detected_at", UTCDateTime(), nullable=False),
    )  # fmt: skip
    md.tables["audit_entries"].create(conn)
    md.tables["audit_divergences"].create(conn)


def make_tracking_code_or_none(number: int, seq: int) -> str | None:
    try:
        return make_tracking_code(number, seq)
    except (TypeError, ValueError):
        return None


STEPS: Final[tuple[Step, ...]] = (
    Step(1, "initial schema (v1)", _v1),
    Step(2, "tracking codes unique", _v2),
    Step(3, "audit witness: each kiosk's audit chain, and divergences", _v3),
)
LATEST: Final = STEPS[-1].version


def sequence_name(name: str) -> str:
    """The PostgreSQL ``SEQUENCE`` behind one of :data:`SEQUENCES`."""
    return f"{name}_seq"


def version_table() -> Table:
    return Table(
        "schema_version", MetaData(),
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("description", Text, nullable=False),
        Column("applied_at", UTCDateTime(), nullable=False),
    )  # fmt: skip


def _read_version(conn: Connection) -> int:
    value = conn.execute(text("SELECT max(version) FROM schema_version")).scalar()
    return int(value or 0)


def current_version(engine: Engine) -> int:
    """The schema version of the database (0: never migrated)."""
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "schema_version"):
            return 0
        return _read_version(conn)


def upgrade(engine: Engine) -> list[int]:
    """Apply the missing steps under the migration lock; return the versions applied.

    ``engine`` comes from :func:`cityserver.db.make_engine`, whose write connections begin
    with ``BEGIN IMMEDIATE`` on SQLite (the lock there); PostgreSQL takes an advisory lock.
    """
    from cityserver.db import WRITE_OPTION

    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        table = version_table()
        table.create(conn, checkfirst=True)
        version = _read_version(conn)
        if version > LATEST:
            raise SchemaTooNew(
                f"the database has schema version {version}, newer than this cityserver "
                f"knows ({LATEST}); upgrade cityserver"
            )
        applied: list[int] = []
        for step in STEPS:
            if step.version <= version:
                continue
            step.apply(conn)
            conn.execute(
                table.insert().values(
                    version=step.version, description=step.description, applied_at=utcnow()
                )
            )
            applied.append(step.version)
    for v in applied:
        log.info("database migrated to schema version %d", v)
    return applied
