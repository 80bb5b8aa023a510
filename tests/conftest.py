"""Fixtures shared by every test: an isolated data dir and environment, the core on real SQLite."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.catalog import Catalog, load_catalog
from kiosk.config import Settings, load_settings
from kiosk.core import Core, open_core
from kiosk.db import Database
from kiosk.logs import setup_logging
from kiosk.queue import Queue

# Qt renders offscreen in every test: no display is needed (or used, if there is one).
os.environ["QT_QPA_PLATFORM"] = "offscreen"

MINI_CATALOG = Path(__file__).parent / "kiosk" / "data" / "mini_catalog.json"
TODAY = dt.date(2026, 11, 27)


STATION_NUMBER = 123
"""The ``settings`` fixture's kiosk is a standalone one with its own number (one without files
nothing; enrolling asks the city server for this number). A test that runs ``kiosk submit`` on
a kiosk that is not enrolled gives it one the same way: ``KIOSK_STATION_NUMBER``."""


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test sees the machine's kiosk settings or writes to the real data dir; the process's
    umask is as it was after each test (``kiosk.cli.main`` sets a private one, in-process)."""
    for name in list(os.environ):
        if name.startswith("KIOSK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))
    umask = os.umask(0o022)
    os.umask(umask)
    yield
    os.umask(umask)


@pytest.fixture
def station_number(monkeypatch: pytest.MonkeyPatch) -> int:
    """Commands run here are a standalone kiosk's with number :data:`STATION_NUMBER`."""
    monkeypatch.setenv("KIOSK_STATION_NUMBER", str(STATION_NUMBER))
    return STATION_NUMBER


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return load_settings(data_dir=data_dir, environ={"KIOSK_STATION_NUMBER": str(STATION_NUMBER)})


@pytest.fixture
def core(settings: Settings) -> Iterator[Core]:
    c = open_core(settings)
    yield c
    c.close()


@pytest.fixture
def mini_catalog() -> Catalog:
    return load_catalog(MINI_CATALOG)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "queue.db")
    yield database
    database.close()


@pytest.fixture
def mini_queue(db: Database, mini_catalog: Catalog) -> Queue:
    return Queue(db, mini_catalog, kiosk_number=123)


@pytest.fixture
def kiosk_logging(tmp_path: Path) -> Iterator[Path]:
    """Every kiosk logger writes to the data dir's log file (``logs/kiosk.log``), at debug
    level, as the kiosk's own processes do."""
    root = logging.getLogger()
    level = root.level
    path = setup_logging(tmp_path / "data" / "logs", "debug")
    yield path
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
