"""Authentication of kiosk requests: HMAC signature, freshness by the server's clock, nonces.

The checks, in order, each with its 401 code from :mod:`sync.protocol`: the four headers are
present (``missing_auth``); the kiosk is known (``unknown_kiosk``) and not revoked (``revoked``);
the signature over method, path and sorted query, timestamp, nonce and body SHA-256 is right
(``bad_signature``); the timestamp is within the allowed skew of the server's clock
(``clock_skew``); the nonce was not seen before (``replayed``). The nonce is stored with an
expiry, by a unique key, so a replay is caught by whichever server process sees it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from cityserver.db import Database, insert_ignore
from cityserver.models import Batch, BatchState, Kiosk, Nonce
from sync import protocol

log = logging.getLogger("cityserver.auth")

_TIMESTAMP: Final = re.compile(r"-?[0-9]{1,15}")
_NONCE: Final = re.compile(r"[!-~]{8,64}")
_KIOSK_ID: Final = re.compile(r"[0-9A-Za-z-]{1,64}")
_SIGNATURE: Final = re.compile(r"[0-9A-Za-z_-]{1,128}")  # unpadded base64url
LAST_SEEN_EVERY: Final = timedelta(seconds=30)  # how stale last_seen_at may get before a write
HOUSEKEEPING_EVERY_S: Final = 60.0
BATCH_RETENTION: Final = timedelta(days=7)


class AuthFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class MalformedAuth(AuthFailed):
    """A signing header that cannot be parsed at all: a 400 (``malformed_auth``), not a 401."""

    def __init__(self, message: str) -> None:
        super().__init__(protocol.AUTH_MALFORMED, message)


@dataclass(frozen=True)
class KioskIdentity:
    id: str
    number: int
    name: str


@dataclass(frozen=True)
class SignedHeaders:
    kiosk_id: str
    timestamp: int
    nonce: str
    signature: str


def read_headers(get: dict[str, str]) -> SignedHeaders:
    missing = [
        h
        for h in (protocol.H_KIOSK, protocol.H_TIMESTAMP, protocol.H_NONCE, protocol.H_SIGNATURE)
        if not get.get(h.lower())
    ]
    if missing:
        raise AuthFailed(protocol.AUTH_MISSING, f"missing header(s): {', '.join(missing)}")
    raw_ts = get[protocol.H_TIMESTAMP.lower()].strip()
    if not _TIMESTAMP.fullmatch(raw_ts):  # ASCII digits only: int() takes "²" and "٣" too
        raise MalformedAuth(
            f"{protocol.H_TIMESTAMP} must be whole seconds since the epoch (ASCII digits)"
        )
    nonce = get[protocol.H_NONCE.lower()].strip()
    if not _NONCE.fullmatch(nonce):
        raise MalformedAuth(f"{protocol.H_NONCE} must be 8-64 printable ASCII characters")
    kiosk_id = get[protocol.H_KIOSK.lower()].strip()
    if not _KIOSK_ID.fullmatch(kiosk_id):
        raise MalformedAuth(f"{protocol.H_KIOSK} is not a kiosk id")
    signature = get[protocol.H_SIGNATURE.lower()].strip()
    if not _SIGNATURE.fullmatch(signature):
        raise MalformedAuth(f"{protocol.H_SIGNATURE} must be unpadded base64url")
    return SignedHeaders(kiosk_id=kiosk_id, timestamp=int(raw_ts), nonce=nonce, signature=signature)


class Authenticator:
    """Checks signed kiosk requests against the database (one per app)."""

    def __init__(self, db: Database, *, max_skew_s: int, nonce_ttl_s: int) -> None:
        self.db = db
        self.max_skew_s = max_skew_s
        self.nonce_ttl = timedelta(seconds=nonce_ttl_s)
        self._housekeeping_at = 0.0
        self._lock = threading.Lock()

    def authenticate(
        self, headers: SignedHeaders, method: str, target: str, body: bytes, now: datetime
    ) -> KioskIdentity:
        with self.db.read() as session:
            kiosk = session.get(Kiosk, headers.kiosk_id)
            if kiosk is None:
                raise AuthFailed(protocol.AUTH_UNKNOWN_KIOSK, "this kiosk is not enrolled here")
            if kiosk.revoked_at is not None:
                raise AuthFailed(protocol.AUTH_REVOKED, "this kiosk's credential was revoked")
            identity = KioskIdentity(kiosk.id, kiosk.number, kiosk.name)
            secret, last_seen = kiosk.secret, kiosk.last_seen_at
        if not protocol.verify(
            secret, headers.signature, method, target, headers.timestamp, headers.nonce, body
        ):
            raise AuthFailed(protocol.AUTH_BAD_SIGNATURE, "the signature does not match")
        skew = headers.timestamp - now.timestamp()
        if abs(skew) > self.max_skew_s:
            raise AuthFailed(
                protocol.AUTH_CLOCK_SKEW,
                f"the timestamp is {skew:+.0f} s from the server's clock ({now.timestamp():.3f}); "
                f"allowed: {self.max_skew_s} s. Correct the offset with {protocol.H_SERVER_TIME}",
            )
        with self.db.write() as session:
            fresh = session.execute(
                insert_ignore(session, Nonce)
                .values(kiosk_id=identity.id, nonce=headers.nonce, expires_at=now + self.nonce_ttl)
                .returning(Nonce.nonce)
            ).first()
            if fresh is None:
                raise AuthFailed(protocol.AUTH_REPLAYED, "this nonce was used already")
            if last_seen is None or now - last_seen > LAST_SEEN_EVERY:
                session.execute(
                    update(Kiosk).where(Kiosk.id == identity.id).values(last_seen_at=now)
                )
        self._maybe_housekeep(now)
        return identity

    def _maybe_housekeep(self, now: datetime) -> None:
        """Forget expired nonces and old finished batches, at most once a minute per process."""
        tick = time.monotonic()
        with self._lock:
            if tick - self._housekeeping_at < HOUSEKEEPING_EVERY_S:
                return
            self._housekeeping_at = tick
        try:
            with self.db.write() as session:
                housekeep(session, now)
        except Exception:
            log.exception("housekeeping failed")


def housekeep(session: Session, now: datetime) -> None:
    session.execute(delete(Nonce).where(Nonce.expires_at < now))
    session.execute(
        delete(Batch)
        .where(Batch.state == BatchState.DONE)
        .where(Batch.updated_at < now - BATCH_RETENTION)
    )
