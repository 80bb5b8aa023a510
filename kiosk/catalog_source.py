"""Which service catalog the kiosk uses, read without the database.

The configured file (``[catalog] path``), else the one the sync engine saved from the city
server, else the bundled one; a saved file that no longer loads falls back to the bundled one.
This module imports no SQLAlchemy, so the kiosk can paint its home screen from the catalog
before it opens the database (``ui.run``), and ``kiosk catalog`` commands stay light.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.catalog import Catalog, CatalogError, default_catalog_path, load_catalog
from kiosk.config import Settings

log = logging.getLogger("kiosk.core")

SYNCED_CATALOG = "current.json"  # written by the sync engine, in Settings.catalog_dir


def catalog_path_for(settings: Settings) -> Path:
    """Which catalog file the kiosk uses."""
    if settings.catalog.path is not None:
        return settings.catalog.path
    synced = settings.catalog_dir / SYNCED_CATALOG
    if synced.exists():
        return synced
    return default_catalog_path()


def load_kiosk_catalog(settings: Settings) -> tuple[Catalog, Path]:
    """The catalog and its file; raises ``CatalogError`` for a broken configured or bundled one."""
    path = catalog_path_for(settings)
    try:
        return load_catalog(path), path
    except CatalogError:
        if path.parent != settings.catalog_dir:
            raise  # a configured or bundled catalog that is broken: say so
        log.exception("the synced catalog is unreadable; using the bundled one")
        bundled = default_catalog_path()
        return load_catalog(bundled), bundled
