"""The staff way in on a public kiosk: Ctrl+Alt+S (or the corner gesture) -> admin sign-in ->
the admin panel over the citizen screens; the idle timeout and Cancel close it again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from kiosk.audit import AuditLog
from kiosk.config import Settings
from kiosk.staff import StaffStore
from kiosk.text import to_persian_digits
from tests.ui.conftest import make_kiosk
from tests.ui.driver import Driver
from ui.run import Kiosk
from ui.screens.base import ScreenId


@pytest.fixture
def staffed(qtbot: QtBot, settings: Settings) -> Iterator[Kiosk]:
    for kiosk in make_kiosk(qtbot, settings, idle_ms=1500, warning_s=1):
        audit = AuditLog(kiosk.core.db)
        StaffStore(kiosk.core.db, audit).add("مدیر", "admin", "2580", by="cli:test")
        yield kiosk


def open_with_shortcut(qtbot: QtBot, kiosk: Kiosk) -> None:
    qtbot.keyClick(
        kiosk.window,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    assert kiosk.staff is not None
    qtbot.waitUntil(lambda: kiosk.staff is not None and kiosk.staff.is_open)


def sign_in(qtbot: QtBot, driver: Driver, pin: str, name: str = "مدیر") -> None:
    overlay = driver.kiosk.staff.overlay  # type: ignore[union-attr]

    def key(text: str) -> QAbstractButton:
        keys = [b for b in overlay.findChildren(QAbstractButton) if b.isVisible()]
        return next(b for b in keys if b.text() == text or b.objectName() == text)

    qtbot.waitUntil(
        lambda: any(
            b.text() == name[0] for b in overlay.findChildren(QAbstractButton) if b.isVisible()
        )
    )
    for letter in name:  # typed on the sign-in's Persian keys: no list of names is shown
        driver.tap_widget(key(letter))
    driver.tap_widget(key("next"))
    for digit in pin:  # the sign-in's own PIN pad (Persian digits in a Persian session)
        wanted = {digit, to_persian_digits(digit)}
        qtbot.waitUntil(
            lambda w=wanted: any(
                b.isVisible() and b.text() in w for b in overlay.findChildren(QAbstractButton)
            )
        )
        key = next(
            b for b in overlay.findChildren(QAbstractButton) if b.isVisible() and b.text() in wanted
        )
        driver.tap_widget(key)
    enter = next(
        b
        for b in overlay.findChildren(QAbstractButton)
        if b.isVisible() and b.objectName() == "key-enter"
    )
    driver.tap_widget(enter)


def test_admin_signs_in_over_the_kiosk_and_idle_closes_it(qtbot: QtBot, staffed: Kiosk) -> None:
    driver = Driver(qtbot, staffed)
    driver.start("street-lights")  # a citizen had started; the admin's entry ends that session
    open_with_shortcut(qtbot, staffed)
    sign_in(qtbot, driver, "2580")
    assert driver.shows("Leave kiosk mode") or driver.shows("خروج از حالت کیوسک", timeout=5000)
    entries = [e.action for e in AuditLog(staffed.core.db).entries()]
    assert "sign_in" in entries
    qtbot.waitUntil(lambda: not staffed.staff.is_open, timeout=10_000)  # type: ignore[union-attr]
    driver.wait_for(ScreenId.HOME)


def test_wrong_pin_keeps_it_locked(qtbot: QtBot, staffed: Kiosk) -> None:
    driver = Driver(qtbot, staffed)
    open_with_shortcut(qtbot, staffed)
    sign_in(qtbot, driver, "1111")
    qtbot.wait(300)
    assert not driver.shows("Leave kiosk mode", timeout=500)
    assert "sign_in_failed" in [e.action for e in AuditLog(staffed.core.db).entries()]
