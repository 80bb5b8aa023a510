"""Announcements and city information (hours, fees, news), stored locally for offline reading.

The sync engine fills the store from the city server; ``kiosk announcements add`` and the demo
add entries by hand. Texts are bilingual ({"fa": ..., "en": ...}).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, select

from kiosk.catalog import LocalText
from kiosk.db import Database
from kiosk.models import Announcement
from kiosk.text import normalize_persian
from kiosk.timeutil import Clock, utcnow
from kiosk.uuid7 import uuid7


@dataclass(frozen=True)
class AnnouncementItem:
    id: str
    title: LocalText
    body: LocalText
    published_at: dt.datetime
    expires_at: dt.datetime | None


def _texts(value: LocalText) -> dict[str, str]:
    for lang, text in (("fa", value.fa), ("en", value.en)):
        if not text.strip():
            raise ValueError(f"an announcement needs a non-empty {lang} text")
    return {"fa": normalize_persian(value.fa.strip()), "en": value.en.strip()}


class AnnouncementStore:
    def __init__(self, db: Database, *, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    def upsert(
        self,
        title: LocalText,
        body: LocalText,
        *,
        id: str | None = None,
        published_at: dt.datetime | None = None,
        expires_at: dt.datetime | None = None,
    ) -> str:
        now = self.clock()
        key = id or str(uuid7())
        with self.db.write() as session:
            row = session.get(Announcement, key)
            if row is None:
                row = Announcement(id=key)
                session.add(row)
            row.title = _texts(title)
            row.body = _texts(body)
            row.published_at = published_at or now
            row.expires_at = expires_at
            row.updated_at = now
        return key

    def remove(self, id: str) -> None:
        with self.db.write() as session:
            session.execute(delete(Announcement).where(Announcement.id == id))

    def current(self, limit: int = 50) -> list[AnnouncementItem]:
        """Announcements that have not expired, newest first."""
        now = self.clock()
        query = (
            select(Announcement)
            .where(Announcement.published_at <= now)
            .where(or_(Announcement.expires_at.is_(None), Announcement.expires_at > now))
            .order_by(Announcement.published_at.desc())
            .limit(limit)
        )
        with self.db.read() as session:
            return [
                AnnouncementItem(
                    id=row.id,
                    title=LocalText(fa=row.title["fa"], en=row.title["en"]),
                    body=LocalText(fa=row.body["fa"], en=row.body["en"]),
                    published_at=row.published_at,
                    expires_at=row.expires_at,
                )
                for row in session.execute(query).scalars()
            ]
