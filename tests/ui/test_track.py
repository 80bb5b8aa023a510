"""The Track screen: a result on screen follows the statuses that sync brings, and its keypad
sits in the middle of the screen."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.i18n import translate
from kiosk.outbox import ItemOutcome, Outbox, StatusChange
from kiosk.queue import QueuedTransaction
from kiosk.text import localize_digits
from sync.engine import CycleReport
from tests.ui.driver import Driver
from ui.run import Kiosk
from ui.screens.base import ScreenId
from ui.screens.track import TrackScreen

REPORT = {
    "district": "6",
    "address": "میدان ونک",
    "problem_type": "off",
    "how_many": "one",
    "anonymous": True,
}


def delivered(kiosk: Kiosk) -> QueuedTransaction:
    """A report the city has acknowledged, as a sync cycle leaves it."""
    core = kiosk.core
    tx = core.queue.submit("street-lights", REPORT, lang="fa")
    outbox = Outbox(core.db)
    outbox.claim(10)
    outbox.record([ItemOutcome(tx.id, "accepted", "srv-1")])
    return tx


def track(driver: Driver, tx: QueuedTransaction) -> TrackScreen:
    driver.window.move_to(ScreenId.TRACK)
    screen = driver.window.current
    assert isinstance(screen, TrackScreen)
    screen.input.setText(localize_digits(tx.display_code, "fa"))
    screen.on_find()
    driver.qtbot.waitUntil(screen.result.isVisible, timeout=5000)
    return screen


def test_a_status_that_arrives_by_sync_shows_without_a_new_search(
    driver: Driver, kiosk: Kiosk, qtbot: QtBot
) -> None:
    tx = delivered(kiosk)
    screen = track(driver, tx)
    assert screen.result_status.text() == translate("fa", "Received by the city")
    # The sync engine stores the city's status, then reports the cycle (on the UI thread).
    now = dt.datetime.now(dt.UTC)
    Outbox(kiosk.core.db).apply_statuses(
        [StatusChange(tx.id, "in_progress", "گروه تعمیر اعزام شد", now)]
    )
    kiosk.window.on_sync_report(CycleReport(online=True, statuses=1))
    in_progress = translate("fa", "In progress")
    qtbot.waitUntil(lambda: screen.result_status.text() == in_progress, timeout=5000)
    assert "گروه تعمیر اعزام شد" in screen.result_note.text()
    assert screen.input.text() == localize_digits(tx.display_code, "fa")  # the same search


def test_a_late_refresh_does_not_bring_back_a_wiped_result(
    driver: Driver, kiosk: Kiosk, qtbot: QtBot
) -> None:
    tx = delivered(kiosk)
    screen = track(driver, tx)
    kiosk.window.on_sync_report(CycleReport(online=True, statuses=1))
    screen.wipe()  # the session ended before the re-read came back
    kiosk.ctx.runner.wait_for_done()
    QApplication.processEvents()
    assert screen.found is None and not screen.result.isVisible()


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_keypad_is_in_the_middle_of_the_screen(driver: Driver, kiosk: Kiosk, lang: str) -> None:
    kiosk.ctx.set_language(lang)
    driver.window.move_to(ScreenId.TRACK)
    keypad = driver.window.keyboard
    driver.qtbot.waitUntil(keypad.isVisible, timeout=2000)
    QApplication.processEvents()
    middle = keypad.mapTo(driver.window, keypad.rect().center()).x()
    assert abs(middle - driver.window.width() // 2) <= 2, (middle, driver.window.width())
