"""The core assembled from settings: database, catalog and queue, for the CLI, UI and sync."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.catalog import Catalog, CatalogError, default_catalog_path, load_catalog
from kiosk.config import Settings, ensure_data_dir
from kiosk.db import Database
from kiosk.queue import Queue
from kiosk.state import StateStore

log = logging.getLogger("kiosk.core")

SYNCED_CATALOG = "current.json"  # written by the sync engine, in Settings.catalog_dir


@dataclass
class Core:
    settings: Settings
    db: Database
    catalog: Catalog
    catalog_path: Path
    queue: Queue
    state: StateStore

    @property
    def kiosk_number(self) -> int:
        return self.queue.kiosk_number

    def use_catalog(self, catalog: Catalog, path: Path) -> None:
        """Switch to a new catalog (the UI does this between sessions, never mid-journey)."""
        self.catalog = catalog
        self.catalog_path = path
        self.queue.catalog = catalog

    def close(self) -> None:
        self.db.close()


def catalog_path_for(settings: Settings) -> Path:
    """Which catalog file the kiosk uses: the configured one, else the one synced from the city
    server (if it is there), else the bundled one."""
    if settings.catalog.path is not None:
        return settings.catalog.path
    synced = settings.catalog_dir / SYNCED_CATALOG
    if synced.exists():
        return synced
    return default_catalog_path()


def load_kiosk_catalog(settings: Settings) -> tuple[Catalog, Path]:
    path = catalog_path_for(settings)
    try:
        return load_catalog(path), path
    except CatalogError:
        if path.parent != settings.catalog_dir:
            raise  # a configured or bundled catalog that is broken: say so
        log.exception("the synced catalog is unreadable; using the bundled one")
        bundled = default_catalog_path()
        return load_catalog(bundled), bundled


def open_core(settings: Settings) -> Core:
    """Open (creating and migrating as needed) everything the kiosk keeps in its data dir.

    Raises ``ConfigError``, ``CatalogError`` or ``SchemaTooNew`` with a message for IT staff.
    """
    ensure_data_dir(settings)
    catalog, path = load_kiosk_catalog(settings)
    db = Database(settings.database_path)
    state = StateStore(db)
    enrollment = state.enrollment()
    number = enrollment.kiosk_number if enrollment is not None else settings.station.number
    queue = Queue(db, catalog, kiosk_number=number)
    log.info(
        "core open: data dir %s, catalog %s, kiosk %d", settings.data_dir, catalog.version, number
    )
    return Core(settings, db, catalog, path, queue, state)
