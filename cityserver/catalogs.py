"""The service catalog the city publishes to its kiosks.

The catalog is stored as the exact bytes published, so its SHA-256 (the ``ETag``) is the same
for every server process and every kiosk. One catalog is current; earlier ones stay, so an item a
kiosk filed under an older catalog is validated against the catalog it was filed under. Until
the city publishes one, the catalog bundled with the software is current.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cityserver.models import PublishedCatalog
from kiosk.catalog import Catalog, catalog_from_bytes, default_catalog_path


@dataclass(frozen=True)
class CatalogDoc:
    """A catalog with the bytes it was published as."""

    catalog: Catalog
    body: bytes
    published_at: datetime | None  # None: the bundled default, never published

    @property
    def version(self) -> str:
        return self.catalog.version

    @property
    def digest(self) -> str:
        return self.catalog.digest


class CatalogConflict(ValueError):
    """A different catalog was already published under this version."""


@cache
def bundled() -> CatalogDoc:
    raw = default_catalog_path().read_bytes()
    return CatalogDoc(catalog_from_bytes(raw, source="bundled catalog"), raw, None)


class CatalogStore:
    """Published catalogs, parsed once per process (a catalog never changes once published)."""

    def __init__(self) -> None:
        self._parsed: dict[str, CatalogDoc] = {}
        self._lock = threading.Lock()

    def _doc(self, row: PublishedCatalog) -> CatalogDoc:
        with self._lock:
            doc = self._parsed.get(row.digest)
        if doc is None:
            raw = row.body.encode("utf-8")
            doc = CatalogDoc(
                catalog_from_bytes(raw, source=f"catalog {row.version}"), raw, row.published_at
            )
            with self._lock:
                self._parsed[row.digest] = doc
        return doc

    def current(self, session: Session) -> CatalogDoc:
        row = session.execute(
            select(PublishedCatalog).where(PublishedCatalog.is_current.is_(True))
        ).scalar_one_or_none()
        return bundled() if row is None else self._doc(row)

    def by_version(self, session: Session, version: str) -> CatalogDoc | None:
        row = session.execute(
            select(PublishedCatalog).where(PublishedCatalog.version == version)
        ).scalar_one_or_none()
        if row is not None:
            return self._doc(row)
        default = bundled()
        return default if default.version == version else None

    def for_item(self, session: Session, version: str, current: CatalogDoc) -> list[Catalog]:
        """Catalogs to validate an item filed under ``version`` with: its own first."""
        if version == current.version:
            return [current.catalog]
        own = self.by_version(session, version)
        return [current.catalog] if own is None else [own.catalog, current.catalog]


def publish(session: Session, raw: bytes, now: datetime) -> tuple[CatalogDoc, bool]:
    """Validate ``raw`` and make it the current catalog; (the catalog, whether it changed).

    Raises :class:`kiosk.catalog.CatalogError` (with every problem) or :class:`CatalogConflict`.
    Publishing the same bytes again only makes them current again.
    """
    catalog = catalog_from_bytes(raw, source="catalog")
    body = raw.decode("utf-8")
    existing = session.execute(
        select(PublishedCatalog).where(PublishedCatalog.version == catalog.version)
    ).scalar_one_or_none()
    if existing is not None and existing.digest != catalog.digest:
        raise CatalogConflict(
            f"version {catalog.version!r} was published on {existing.published_at:%Y-%m-%d} "
            "with different content; give the new catalog a new 'version'"
        )
    current = session.execute(
        select(PublishedCatalog).where(PublishedCatalog.is_current.is_(True))
    ).scalar_one_or_none()
    if current is not None and current.digest == catalog.digest:
        return CatalogDoc(catalog, raw, current.published_at), False
    session.execute(
        update(PublishedCatalog)
        .where(PublishedCatalog.is_current.is_(True))
        .values(is_current=False)
    )
    session.flush()
    if existing is None:
        existing = PublishedCatalog(
            version=catalog.version,
            digest=catalog.digest,
            body=body,
            published_at=now,
            is_current=True,
        )
        session.add(existing)
    else:
        existing.is_current = True
    session.flush()
    return CatalogDoc(catalog, raw, existing.published_at), True
