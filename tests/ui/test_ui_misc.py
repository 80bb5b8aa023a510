"""Themes, hardware keyboards and scanners, the UI thread never blocking, screenshots."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from tests.ui.driver import Driver
from ui.screens.base import ScreenId
from ui.screenshot import SCREENS
from ui.theme import CONTRAST, NORMAL, Role, ThemeName

ROOT = Path(__file__).resolve().parents[2]


def page_colour(driver: Driver) -> str:
    """The colour of the page at the bottom corner of the window, as painted."""
    window = driver.window
    return window.grab().toImage().pixelColor(4, window.height() - 4).name()


def shows_page_colour(driver: Driver, colour: str) -> bool:
    driver.qtbot.waitUntil(lambda: page_colour(driver) == colour, timeout=2000)
    return True


def test_contrast_and_large_text_toggles(driver: Driver) -> None:
    normal_target = driver.kiosk.ctx.theme.metrics.target
    assert shows_page_colour(driver, NORMAL.bg(Role.PAGE))
    driver.tap("contrast")
    assert driver.kiosk.ctx.theme_name is ThemeName.CONTRAST
    assert shows_page_colour(driver, CONTRAST.bg(Role.PAGE))
    assert driver.find("contrast").text() == "رنگ‌های عادی"  # type: ignore[attr-defined]
    body = driver.kiosk.ctx.theme.metrics.body
    driver.tap("large-text")
    assert driver.kiosk.ctx.theme.metrics.body > body
    assert driver.kiosk.ctx.theme.metrics.target == normal_target  # targets never shrink
    driver.tap("tile-track")  # a screen that was hidden during the switches has the new look
    driver.wait_for(ScreenId.TRACK)
    assert shows_page_colour(driver, CONTRAST.bg(Role.PAGE))
    assert driver.find("find").font().pixelSize() == driver.kiosk.ctx.theme.metrics.button
    driver.tap("contrast")
    assert shows_page_colour(driver, NORMAL.bg(Role.PAGE))


def test_screens_hidden_during_a_switch_show_it_when_entered(driver: Driver) -> None:
    """A switch re-styles and retranslates what shows; the rest catches up when entered."""
    driver.tap("tile-track")
    driver.wait_for(ScreenId.TRACK)
    driver.tap("back")  # home again, the track screen built and hidden
    driver.wait_for(ScreenId.HOME)
    driver.tap("contrast")  # home in high contrast (its copy in that theme)
    driver.tap("language")  # English, while the normal-colour home is hidden
    driver.tap("contrast")
    assert shows_page_colour(driver, NORMAL.bg(Role.PAGE))
    assert "What would you like to do?" in driver.texts()
    assert not [t for t in driver.texts() if "چه کاری" in t]
    driver.tap("contrast")
    driver.tap("tile-track")
    driver.wait_for(ScreenId.TRACK)
    assert shows_page_colour(driver, CONTRAST.bg(Role.PAGE))
    assert "Track a request" in driver.texts()


def type_hardware(widget: QLineEdit, text: str) -> None:
    """Key events carrying any character (QTest only knows Latin-1 key names)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def test_hardware_keyboard_and_barcode_scanner(driver: Driver, qtbot: QtBot) -> None:
    """A scanner types like a keyboard and ends with Enter: that continues the page."""
    driver.start("bill-inquiry")
    box = QApplication.focusWidget()
    assert isinstance(box, QLineEdit)
    qtbot.keyClicks(box, "7748317800142")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: driver.window.current.field.key == "payment_id")  # type: ignore[attr-defined]
    box = QApplication.focusWidget()
    assert isinstance(box, QLineEdit)
    type_hardware(box, "۱۷۷۰۱۶۰")  # a Persian hardware layout types Persian digits
    qtbot.keyClick(box, Qt.Key.Key_Enter)
    driver.wait_for(ScreenId.BILL_RESULT)


def test_tracking_a_request_by_scanning_its_receipt(driver: Driver, qtbot: QtBot) -> None:
    tx = driver.kiosk.core.queue.submit(
        "street-lights",
        {
            "district": "1",
            "address": "میدان تجریش، ضلع شمالی",
            "problem_type": "off",
            "how_many": "one",
            "anonymous": "yes",
        },
    )
    driver.tap("tile-track")
    driver.wait_for(ScreenId.TRACK)
    box = driver.find("tracking-input")
    qtbot.keyClicks(box, tx.tracking_code)  # the QR code holds the digits
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert driver.shows("هنوز به شهرداری ارسال نشده است")


def test_the_ui_thread_does_not_wait_for_the_database(
    driver: Driver, qtbot: QtBot, settings: Settings
) -> None:
    """While another process holds the database's write lock, the screen stays live."""
    driver.start("message-to-municipality")
    driver.answer_choice("thanks")
    driver.answer_text("سپاس")
    driver.answer_text("از رفتگران محله سپاسگزارم")
    driver.cont()
    driver.answer_choice("no")
    driver.wait_for(ScreenId.CHECK)
    blocker = sqlite3.connect(settings.database_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # the submit must wait for this lock
    try:
        ticks: list[float] = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start(10)
        driver.tap("send")
        qtbot.wait(500)
        assert driver.screen is ScreenId.CHECK  # not "submitted" before the commit
        assert len(ticks) >= 20  # the event loop kept turning while the submit waited
        timer.stop()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    driver.wait_for(ScreenId.CONFIRMATION)


def test_screenshot_command(tmp_path: Path) -> None:
    env_cmd = [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "d"), "screenshot"]
    listed = subprocess.run(
        [*env_cmd, "--list"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert listed.stdout.split() == list(SCREENS)
    out = tmp_path / "shot.png"
    done = subprocess.run(
        [
            *env_cmd,
            "--screen",
            "confirmation",
            "--lang",
            "en",
            "--theme",
            "contrast",
            "--size",
            "1280x800",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    assert QImage(str(out)).pixelColor(640, 790).name() == CONTRAST.bg(Role.PAGE)
    # the kiosk's own data dir is untouched: the demo data lives in a throwaway dir
    assert not (tmp_path / "d" / "queue.db").exists() or _rows(tmp_path / "d") == 0
    bad = subprocess.run(
        [*env_cmd, "--screen", "nope", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert bad.returncode == 2 and "unknown screen 'nope'" in bad.stderr


def _rows(data_dir: Path) -> int:
    conn = sqlite3.connect(data_dir / "queue.db")
    try:
        return int(conn.execute("SELECT count(*) FROM transactions").fetchone()[0])
    finally:
        conn.close()


def test_run_without_a_display_says_so(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path), "run"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 2
    assert "no display" in result.stderr and "QT_QPA_PLATFORM=offscreen" in result.stderr
    assert json.dumps(result.stderr).count("\\n") == 1
