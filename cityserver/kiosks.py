"""Kiosks of the fleet: one-time enrollment tokens, enrollment, revocation, heartbeats."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cityserver.db import Database
from cityserver.models import EnrollmentToken, Kiosk
from kiosk.timeutil import iso
from kiosk.tracking import MAX_STATION_NUMBER
from kiosk.uuid7 import uuid7
from sync import protocol

# 9999 is the Open311 channel's number in tracking codes, 0 no kiosk's: kiosks get 1..9998.
MAX_KIOSK_NUMBER: Final = MAX_STATION_NUMBER

# Why an enrollment was refused (the "code" of the error body).
ENROLL_UNKNOWN_TOKEN: Final = "unknown_token"  # 401
ENROLL_TOKEN_USED: Final = "token_used"  # 403
ENROLL_TOKEN_EXPIRED: Final = "token_expired"  # 403
ENROLL_NUMBER_TAKEN: Final = "number_taken"  # 409


class EnrollmentRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class FleetFull(RuntimeError):
    """Every kiosk number 1..9998 is taken (numbers are never reused: codes carry them)."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: str
    name: str
    expires_at: datetime


def create_token(session: Session, name: str, ttl: timedelta, now: datetime) -> NewToken:
    """A one-time enrollment token; only its SHA-256 is stored, so it is shown once."""
    token = "t" + secrets.token_urlsafe(24)  # never "-...": `kiosk enroll --token T` reads T
    session.add(
        EnrollmentToken(
            token_sha256=token_digest(token), name=name, created_at=now, expires_at=now + ttl
        )
    )
    return NewToken(token, name, now + ttl)


def enroll(
    db: Database,
    token: str,
    name: str,
    app_version: str,
    now: datetime,
    number: int | None = None,
) -> protocol.EnrollResponse:
    """Spend ``token`` and register a kiosk, with ``number`` if given (else the next free one);
    raise :class:`EnrollmentRefused` (nothing spent) or FleetFull."""
    digest = token_digest(token)
    for _attempt in range(5):
        try:
            with db.write() as session:
                return _enroll(session, digest, name, app_version, now, number)
        except IntegrityError:
            if number is not None:  # another process took it a moment ago
                raise _number_taken(number) from None
            continue  # another process took the same kiosk number: draw again
    raise FleetFull("could not assign a kiosk number; try again")


def _number_taken(number: int) -> EnrollmentRefused:
    return EnrollmentRefused(
        409,
        ENROLL_NUMBER_TAKEN,
        f"kiosk number {number} belongs to another kiosk; the token was not spent. Give this "
        "kiosk the number it was meant to have in [station] number, or remove the setting to "
        "be given a free one (requests it filed under the old number are then refused)",
    )


def _enroll(
    session: Session,
    digest: str,
    name: str,
    app_version: str,
    now: datetime,
    wanted: int | None,
) -> protocol.EnrollResponse:
    kiosk_id = str(uuid7())
    spent = session.execute(
        update(EnrollmentToken)
        .where(EnrollmentToken.token_sha256 == digest)
        .where(EnrollmentToken.used_at.is_(None))
        .where(EnrollmentToken.expires_at > now)
        .values(used_at=now)
    ).rowcount  # type: ignore[attr-defined]  # CursorResult of an UPDATE
    if spent != 1:
        row = session.execute(
            select(EnrollmentToken).where(EnrollmentToken.token_sha256 == digest)
        ).scalar_one_or_none()
        if row is None:
            raise EnrollmentRefused(401, ENROLL_UNKNOWN_TOKEN, "this enrollment token is unknown")
        if row.used_at is not None:
            raise EnrollmentRefused(
                403, ENROLL_TOKEN_USED, "this enrollment token was used already; ask for a new one"
            )
        raise EnrollmentRefused(
            403, ENROLL_TOKEN_EXPIRED, "this enrollment token has expired; ask for a new one"
        )
    if wanted is not None:
        if not 1 <= wanted <= MAX_KIOSK_NUMBER:
            raise EnrollmentRefused(
                400, "bad_request", f"kiosk_number must be 1-{MAX_KIOSK_NUMBER}, got {wanted}"
            )
        if session.execute(select(Kiosk.id).where(Kiosk.number == wanted)).first() is not None:
            raise _number_taken(wanted)  # the transaction rolls back: the token is not spent
        number = wanted
    else:
        number = _free_number(session)
    secret = protocol.new_secret()
    session.add(
        Kiosk(
            id=kiosk_id,
            number=number,
            name=name,
            secret=secret,
            app_version=app_version,
            created_at=now,
        )
    )
    session.flush()  # the kiosk row first: the token points at it
    session.execute(
        update(EnrollmentToken)
        .where(EnrollmentToken.token_sha256 == digest)
        .values(kiosk_id=kiosk_id)
    )
    return {
        "kiosk_id": kiosk_id,
        "kiosk_number": number,
        "secret": secret,
        "server_time": now.timestamp(),
    }


def _free_number(session: Session) -> int:
    """The next number in enrollment order; past the last one (standalone kiosks enrolled
    with numbers of their own), the lowest number no kiosk ever had."""
    number = (session.execute(select(func.max(Kiosk.number))).scalar() or 0) + 1
    if number <= MAX_KIOSK_NUMBER:
        return number
    taken = set(session.execute(select(Kiosk.number)).scalars())
    free = next((n for n in range(1, MAX_KIOSK_NUMBER + 1) if n not in taken), None)
    if free is None:
        raise FleetFull(f"all kiosk numbers 1..{MAX_KIOSK_NUMBER} are taken")
    return free


def find_kiosk(session: Session, ref: str) -> Kiosk | None:
    """A kiosk by its id or its number."""
    ref = ref.strip()
    if ref.isdigit() and len(ref) <= 4:
        return session.execute(select(Kiosk).where(Kiosk.number == int(ref))).scalar_one_or_none()
    return session.get(Kiosk, ref)


def revoke(session: Session, ref: str, now: datetime) -> Kiosk | None:
    kiosk = find_kiosk(session, ref)
    if kiosk is not None and kiosk.revoked_at is None:
        kiosk.revoked_at = now
    return kiosk


def record_heartbeat(
    session: Session, kiosk_id: str, payload: dict[str, Any], now: datetime
) -> None:
    session.execute(
        update(Kiosk)
        .where(Kiosk.id == kiosk_id)
        .values(last_heartbeat=payload, last_heartbeat_at=now, last_seen_at=now)
    )


def kiosk_summary(kiosk: Kiosk) -> dict[str, Any]:
    """One kiosk as ``cityserver kiosk list --json`` shows it (never its secret)."""
    hb = kiosk.last_heartbeat or {}

    def when(value: datetime | None) -> str | None:
        return None if value is None else iso(value)

    return {
        "number": kiosk.number,
        "name": kiosk.name,
        "id": kiosk.id,
        "enrolled_at": iso(kiosk.created_at),
        "last_seen_at": when(kiosk.last_seen_at),
        "last_heartbeat_at": when(kiosk.last_heartbeat_at),
        "queue_depth": hb.get("queue_depth"),
        "oldest_unsent_at": hb.get("oldest_unsent_at"),
        "last_sync_at": hb.get("last_sync_at"),
        "last_error": hb.get("last_error"),
        "app_version": hb.get("app_version") or kiosk.app_version,
        "free_disk_bytes": hb.get("free_disk_bytes"),
        "printer_state": hb.get("printer_state"),
        "catalog_version": hb.get("catalog_version"),
        "revoked_at": when(kiosk.revoked_at),
    }
