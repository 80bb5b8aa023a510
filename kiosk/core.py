"""The core assembled from settings: database, catalog and queue, for the CLI, UI and sync."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.catalog import Catalog, default_catalog_path, load_catalog
from kiosk.config import Settings, ensure_data_dir
from kiosk.db import Database
from kiosk.queue import Queue

log = logging.getLogger("kiosk.core")


@dataclass
class Core:
    settings: Settings
    db: Database
    catalog: Catalog
    catalog_path: Path
    queue: Queue

    def close(self) -> None:
        self.db.close()


def catalog_path_for(settings: Settings) -> Path:
    return settings.catalog.path or default_catalog_path()


def open_core(settings: Settings) -> Core:
    """Open (creating and migrating as needed) everything the kiosk keeps in its data dir.

    Raises ``ConfigError``, ``CatalogError`` or ``SchemaTooNew`` with a message for IT staff.
    """
    ensure_data_dir(settings)
    path = catalog_path_for(settings)
    catalog = load_catalog(path)
    db = Database(settings.database_path)
    queue = Queue(db, catalog, kiosk_number=settings.station.number)
    log.info(
        "core open: data dir %s, catalog %s, kiosk %d",
        settings.data_dir,
        catalog.version,
        settings.station.number,
    )
    return Core(settings, db, catalog, path, queue)
