"""UI fixtures: a whole kiosk on a real SQLite file, offscreen, and a driver that taps.

Fakes here are for hardware only (a printer that fails); our own components are real.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from kiosk.receipt import Receipt
from tests.ui.driver import Driver
from ui.printing import PrinterError
from ui.run import Kiosk, build


class FailingPrinter:
    """A receipt printer that is out of paper (hardware fake)."""

    name = "failing"

    def __init__(self) -> None:
        self.attempts: list[Receipt] = []

    def print_receipt(self, receipt: Receipt) -> str:
        self.attempts.append(receipt)
        raise PrinterError("paper_out", "the printer is out of paper")

    def state(self) -> str:
        return "error: paper_out"


def make_kiosk(qtbot: QtBot, settings: Settings, **kwargs: object) -> Iterator[Kiosk]:
    kiosk = build(settings, **kwargs)  # type: ignore[arg-type]
    kiosk.window.resize(*settings.ui.screen_resolution)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    yield kiosk
    kiosk.close()


@pytest.fixture
def kiosk(qtbot: QtBot, settings: Settings) -> Iterator[Kiosk]:
    yield from make_kiosk(qtbot, settings)


@pytest.fixture
def driver(qtbot: QtBot, kiosk: Kiosk) -> Driver:
    return Driver(qtbot, kiosk)


@pytest.fixture
def spool(settings: Settings) -> Path:
    return settings.spool_dir
