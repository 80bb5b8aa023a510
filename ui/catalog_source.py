"""The catalog for the first screen, read before the database is open.

The kiosk paints its home screen first and opens the database (SQLAlchemy, migrations) just
after (``ui.run``); the home screen needs only the catalog. This makes the same choice as
:func:`kiosk.core.load_kiosk_catalog` (the configured file, else the one the sync engine saved,
else the bundled one; a saved file that does not load falls back to the bundled one) without
importing ``kiosk.core``, which would load SQLAlchemy. ``tests/ui/test_startup.py`` checks that
both choose the same file. When the core opens, it takes this catalog
(:meth:`ui.context.UiContext.attach_core`), so the screens and the queue use one catalog.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.catalog import Catalog, CatalogError, default_catalog_path, load_catalog
from kiosk.config import Settings

SYNCED_CATALOG = "current.json"  # as kiosk.core.SYNCED_CATALOG: written by the sync engine


def catalog_path(settings: Settings) -> Path:
    """Which catalog file the kiosk uses (as ``kiosk.core.catalog_path_for``)."""
    if settings.catalog.path is not None:
        return settings.catalog.path
    synced = settings.catalog_dir / SYNCED_CATALOG
    if synced.exists():
        return synced
    return default_catalog_path()


def load_first_catalog(settings: Settings) -> tuple[Catalog, Path]:
    """The catalog and its file (as ``kiosk.core.load_kiosk_catalog``; the core logs a
    fallback when it opens)."""
    path = catalog_path(settings)
    try:
        return load_catalog(path), path
    except CatalogError:
        if path.parent != settings.catalog_dir:
            raise  # a configured or bundled catalog that is broken: say so
        bundled = default_catalog_path()
        return load_catalog(bundled), bundled
