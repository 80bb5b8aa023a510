"""The core assembled from settings: database, catalog and queue, for the CLI, UI and sync."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.catalog import Catalog
from kiosk.catalog_source import SYNCED_CATALOG, catalog_path_for, load_kiosk_catalog
from kiosk.config import ConfigError, Settings, ensure_data_dir
from kiosk.db import Database
from kiosk.health import Health, snapshot
from kiosk.queue import Queue
from kiosk.state import Enrollment, StateStore

__all__ = ["SYNCED_CATALOG", "Core", "catalog_path_for", "load_kiosk_catalog", "open_core"]

log = logging.getLogger("kiosk.core")


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

    def health(self, printer_state: str) -> Health:
        """The kiosk's health now (``kiosk.health``): ``kiosk status``, the heartbeat and the
        diagnostics all report this one snapshot."""
        return snapshot(
            self.queue, self.state, data_dir=self.settings.data_dir, printer_state=printer_state
        )

    def close(self) -> None:
        self.db.close()


def kiosk_number(settings: Settings, enrollment: Enrollment | None) -> int:
    """The number in this kiosk's tracking codes: the one the city server enrolled it with,
    else ``[station] number`` (a standalone kiosk), else 0 (none: it files nothing).

    A configured number must agree with the enrolled one (enrollment asks the server for it),
    or two numbers would be in use for one kiosk: a ``ConfigError`` says so.
    """
    configured = settings.station.number
    if enrollment is None:
        return configured
    if configured and configured != enrollment.kiosk_number:
        raise ConfigError(
            f"[station] number is {configured}, but this kiosk is enrolled with the city server "
            f"as kiosk number {enrollment.kiosk_number}: set it to {enrollment.kiosk_number} or "
            "remove it (enrollment sets the number)"
        )
    return enrollment.kiosk_number


def open_core(settings: Settings) -> Core:
    """Open (creating and migrating as needed) everything the kiosk keeps in its data dir.

    Raises ``ConfigError``, ``CatalogError`` or ``SchemaTooNew`` with a message for IT staff.
    """
    ensure_data_dir(settings)
    catalog, path = load_kiosk_catalog(settings)
    db = Database(settings.database_path)
    state = StateStore(db)
    try:
        number = kiosk_number(settings, state.enrollment())
    except ConfigError:
        db.close()
        raise
    queue = Queue(db, catalog, kiosk_number=number)
    log.info(
        "core open: data dir %s, catalog %s, kiosk %d", settings.data_dir, catalog.version, number
    )
    return Core(settings, db, catalog, path, queue, state)
