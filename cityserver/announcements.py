"""Announcements for the kiosks' screens, pulled by a revision cursor.

Every change (publish, remove) gives the announcement a new ``revision`` from a server sequence,
drawn under :func:`cityserver.db.lock_cursor`; kiosks ask for revisions after the last one they
saw and receive removed announcements as tombstones (``deleted: true``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityserver.db import lock_cursor, next_values
from cityserver.models import Announcement
from kiosk.timeutil import iso
from sync import protocol

DEFAULT_PAGE: Final = 200
MAX_PAGE: Final = 1000


def _next_revision(session: Session) -> int:
    lock_cursor(session, "announcements")
    return next_values(session, "announcement_revision", 1)[0]


def add(
    session: Session,
    title: dict[str, str],
    body: dict[str, str],
    now: datetime,
    expires_at: datetime | None = None,
) -> Announcement:
    for name, text in (("title", title), ("body", body)):
        for lang in ("fa", "en"):
            if not text.get(lang, "").strip():
                raise ValueError(f"the {name} needs a non-empty {lang!r} text")
    if expires_at is not None and expires_at <= now:
        raise ValueError("the expiry time is in the past")
    row = Announcement(
        title={k: title[k].strip() for k in ("fa", "en")},
        body={k: body[k].strip() for k in ("fa", "en")},
        published_at=now,
        expires_at=expires_at,
        deleted=False,
        revision=_next_revision(session),
    )
    session.add(row)
    session.flush()
    return row


def remove(session: Session, announcement_id: int) -> Announcement | None:
    row = session.get(Announcement, announcement_id)
    if row is not None and not row.deleted:
        row.deleted = True
        row.revision = _next_revision(session)
        session.flush()
    return row


def wire(row: Announcement) -> protocol.WireAnnouncement:
    return {
        "id": str(row.id),
        "title": dict(row.title),
        "body": dict(row.body),
        "published_at": iso(row.published_at),
        "expires_at": None if row.expires_at is None else iso(row.expires_at),
        "deleted": row.deleted,
    }


def page(session: Session, since: int, limit: int) -> protocol.AnnouncementPage:
    rows = list(
        session.execute(
            select(Announcement)
            .where(Announcement.revision > since)
            .order_by(Announcement.revision)
            .limit(limit + 1)
        ).scalars()
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "announcements": [wire(r) for r in rows],
        "cursor": rows[-1].revision if rows else since,
        "more": more,
    }


def listing(session: Session) -> list[Announcement]:
    return list(session.execute(select(Announcement).order_by(Announcement.id)).scalars())
