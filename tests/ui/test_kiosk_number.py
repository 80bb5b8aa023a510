"""A touch kiosk without a kiosk number takes no requests, and says so (issue 9, item 2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from tests.ui.conftest import make_kiosk
from tests.ui.driver import Driver
from ui.run import Kiosk
from ui.screens.base import ScreenId


@pytest.fixture
def unnumbered(qtbot: QtBot, data_dir: Path) -> Iterator[Kiosk]:
    yield from make_kiosk(qtbot, load_settings(data_dir=data_dir, environ={}))


def test_no_requests_until_the_kiosk_has_a_number(qtbot: QtBot, unnumbered: Kiosk) -> None:
    driver = Driver(qtbot, unnumbered)
    qtbot.waitUntil(lambda: unnumbered.ctx.core_is_open)
    notice = driver.find("not-ready")
    assert isinstance(notice, QLabel) and "این کیوسک" in notice.text()
    home = unnumbered.window.screens[ScreenId.HOME]
    tiles = home.tiles  # type: ignore[attr-defined]
    for code in ("street-lights", "residence-certificate", "district-survey-1405-autumn"):
        assert not tiles[code].isVisible() and not tiles[code].isEnabled()
    assert tiles["bill-inquiry"].isVisible()  # answered on the spot: nothing filed
    assert driver.find("tile-track").isVisible()
    qtbot.mouseClick(tiles["street-lights"], Qt.MouseButton.LeftButton)
    assert driver.screen is ScreenId.HOME
    unnumbered.core.queue.kiosk_number = 5  # enrolled from the admin panel, say
    unnumbered.window.end_session()
    qtbot.waitUntil(lambda: driver.find("tile-street-lights").isEnabled())
    assert not notice.isVisible()
    driver.start("street-lights")
