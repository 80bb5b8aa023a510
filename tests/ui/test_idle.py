"""Idle timeout: a warning with a countdown and "More time", then a wipe that leaves nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from tests.ui.conftest import make_kiosk
from tests.ui.driver import Driver
from ui.run import Kiosk
from ui.screens.base import ScreenId

SECRET_ADDRESS = "کوچه یاس"
SECRET_NAME = "سارا"


@pytest.fixture
def idle_kiosk(qtbot: QtBot, settings: Settings) -> Iterator[Kiosk]:
    yield from make_kiosk(qtbot, settings, idle_ms=400, warning_s=2)


def assert_nothing_of_the_citizen_remains(kiosk: Kiosk, *secrets: str) -> None:
    session = kiosk.ctx.session
    assert session.service_code is None and session.raw == {} and session.cleaned == {}
    assert session.submitted is None
    for box in kiosk.window.findChildren(QLineEdit):
        assert box.text() == "", box.objectName()
    for box in kiosk.window.findChildren(QPlainTextEdit):
        assert box.toPlainText() == ""
    for widget in kiosk.window.findChildren(QLabel) + kiosk.window.findChildren(QAbstractButton):
        text = widget.text()
        for secret in secrets:
            assert secret not in text, (widget.objectName(), text)
    assert not kiosk.window.keyboard.isVisible()
    assert not kiosk.window.overlay.isVisible()
    assert kiosk.ctx.lang == kiosk.ctx.settings.ui.language
    assert not kiosk.ctx.large_text


def start_report(driver: Driver) -> None:
    driver.start("street-lights")
    driver.answer_choice("6")
    driver.type_on_screen(SECRET_ADDRESS)


def test_more_time_keeps_the_journey(qtbot: QtBot, idle_kiosk: Kiosk) -> None:
    driver = Driver(qtbot, idle_kiosk)
    start_report(driver)
    overlay = idle_kiosk.window.overlay
    qtbot.waitUntil(overlay.isVisible, timeout=3000)
    assert driver.shows("۲") or driver.shows("2")  # the countdown
    driver.tap("more-time")
    assert not overlay.isVisible()
    assert driver.screen is ScreenId.QUESTION
    assert driver.shows(SECRET_ADDRESS)


def test_timeout_wipes_everything(qtbot: QtBot, idle_kiosk: Kiosk) -> None:
    driver = Driver(qtbot, idle_kiosk)
    driver.tap("large-text")
    driver.tap("language")  # the citizen chose English and large text
    start_report(driver)
    qtbot.waitUntil(idle_kiosk.window.overlay.isVisible, timeout=3000)
    driver.wait_for(ScreenId.HOME, timeout=5000)
    assert_nothing_of_the_citizen_remains(idle_kiosk, SECRET_ADDRESS)


def test_finishing_a_journey_wipes_too(driver: Driver) -> None:
    driver.start("message-to-municipality")
    driver.answer_choice("complaint")
    driver.answer_text("noise at night")
    driver.answer_text("صدای بلند شبانه در " + SECRET_ADDRESS)
    driver.cont()
    driver.answer_choice("yes")
    driver.answer_text(SECRET_NAME)
    driver.answer_text("09121112233")
    driver.tap("send")
    driver.wait_for(ScreenId.CONFIRMATION)
    tx = driver.kiosk.ctx.session.submitted
    assert tx is not None
    driver.tap("finish")
    driver.wait_for(ScreenId.HOME)
    assert_nothing_of_the_citizen_remains(
        driver.kiosk, SECRET_ADDRESS, SECRET_NAME, "۰۹۱۲۱۱۱۲۲۳۳", tx.display_code
    )


def test_home_goes_to_the_attract_screen_and_back(qtbot: QtBot, idle_kiosk: Kiosk) -> None:
    driver = Driver(qtbot, idle_kiosk)
    driver.wait_for(ScreenId.ATTRACT, timeout=3000)
    assert not idle_kiosk.window.header.isVisible()
    driver.tap_widget(idle_kiosk.window.current)
    driver.wait_for(ScreenId.HOME)


def test_input_anywhere_restarts_the_idle_period(qtbot: QtBot, idle_kiosk: Kiosk) -> None:
    """Touches and keys reach the kiosk's window before any widget, and the watcher sees them
    there, wherever they land: here a key no widget takes, and a touch on the page's margin."""
    window = idle_kiosk.window
    handle = window.windowHandle()
    assert handle is not None
    shown: list[ScreenId] = []
    for i in range(8):  # twice the idle period, with input every quarter of it
        qtbot.wait(100)
        shown.append(window.current.screen_id)
        if i % 2:
            QTest.keyClick(handle, Qt.Key.Key_Shift)
        else:
            QTest.mousePress(
                handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(3, 700)
            )
            QTest.mouseRelease(
                handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(3, 700)
            )
    assert shown == [ScreenId.HOME] * 8
    Driver(qtbot, idle_kiosk).wait_for(ScreenId.ATTRACT, timeout=3000)  # no input: idle
