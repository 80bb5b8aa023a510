"""API keys of Open311 clients: shown once, stored as SHA-256, revocable one by one."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityserver.models import ApiKey

PREFIX = "o311_"


def digest(key: str) -> str:
    return hashlib.sha256(key.strip().encode("utf-8")).hexdigest()


def create(session: Session, name: str, now: datetime) -> tuple[ApiKey, str]:
    key = PREFIX + secrets.token_urlsafe(24)
    row = ApiKey(name=name, key_sha256=digest(key), created_at=now)
    session.add(row)
    session.flush()
    return row, key


def revoke(session: Session, key_id: int, now: datetime) -> ApiKey | None:
    row = session.get(ApiKey, key_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
    return row


def valid(session: Session, key: str) -> ApiKey | None:
    if not key:
        return None
    row = session.execute(
        select(ApiKey).where(ApiKey.key_sha256 == digest(key))
    ).scalar_one_or_none()
    return row if row is not None and row.revoked_at is None else None
