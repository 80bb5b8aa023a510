"""Citizens' sessions never touch, and nothing of theirs reaches the log.

A background result that arrives after its session ended is dropped (the next citizen never sees
the previous one's confirmation or gets their receipt); ending a session clears the clipboard,
every widget and the on-screen keyboard; a commit the database refuses leaves no answer in any
file of the data dir.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from kiosk.models import TxState
from kiosk.queue import QueuedTransaction
from tests.kiosk.test_logs import REFUSE_INSERTS, marks_in
from tests.ui.conftest import make_kiosk
from tests.ui.driver import Driver
from tests.ui.test_staff_signin import FakePrinter
from ui.run import Kiosk
from ui.screens.base import ScreenId

SUBJECT = "quokkasubject"
MESSAGE = "zebramessage 09357246813"


@pytest.fixture
def printer() -> FakePrinter:
    return FakePrinter()


@pytest.fixture
def kiosk(qtbot: QtBot, settings: Settings, printer: FakePrinter) -> Iterator[Kiosk]:
    yield from make_kiosk(qtbot, settings, printer=printer)


def type_answer(driver: Driver, text: str) -> None:
    """Type on a hardware keyboard into the focused text box, then Continue."""
    box = driver.window.focusWidget()
    assert isinstance(box, QLineEdit | QPlainTextEdit), box
    driver.qtbot.keyClicks(box, text)
    driver.cont()


def to_check_page(driver: Driver) -> None:
    """A message to the municipality, in English, up to its check page."""
    driver.tap("language")
    driver.start("message-to-municipality")
    driver.answer_choice("suggestion")
    type_answer(driver, SUBJECT)
    type_answer(driver, MESSAGE)
    driver.cont()  # district: optional
    driver.answer_choice("no")
    driver.wait_for(ScreenId.CHECK)


def test_a_refused_commit_on_the_kiosk_leaves_no_answer_in_any_file(
    driver: Driver, settings: Settings, kiosk_logging: Path, printer: FakePrinter
) -> None:
    conn = sqlite3.connect(settings.database_path)
    conn.execute(REFUSE_INSERTS)
    conn.close()
    to_check_page(driver)
    driver.tap("send")
    assert driver.shows("Your request could not be saved", timeout=10_000)
    assert driver.screen is ScreenId.CHECK
    driver.kiosk.ctx.runner.wait_for_done()
    log = kiosk_logging.read_text(encoding="utf-8")
    assert "background operation failed" in log  # recorded for IT staff, by type and frames
    assert "IntegrityError" in log
    assert marks_in(settings.data_dir, (SUBJECT, "zebramessage", "09357246813")) == []
    assert printer.receipts == []


# -- a late result never reaches the next citizen ---------------------------------------------


@contextmanager
def write_lock(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holds the database's write lock (a long write, a backup)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_a_submit_that_lands_after_home_never_reaches_the_next_citizen(
    driver: Driver, settings: Settings, printer: FakePrinter, monkeypatch: pytest.MonkeyPatch
) -> None:
    to_check_page(driver)
    runner = driver.kiosk.ctx.runner
    runner.wait_for_done()
    queue = driver.kiosk.core.queue
    started = threading.Event()
    submit = queue.submit

    def submit_noting_the_start(*args: Any, **kwargs: Any) -> QueuedTransaction:
        started.set()  # only to know when to tap Home: the real submit runs, and waits
        return submit(*args, **kwargs)

    monkeypatch.setattr(queue, "submit", submit_noting_the_start)
    with write_lock(settings.database_path):
        driver.tap("send")
        driver.qtbot.waitUntil(started.is_set)  # the commit waits for the write lock now
        driver.tap("home")  # the citizen gives up; the next one steps up
        driver.wait_for(ScreenId.HOME)
    runner.wait_for_done()  # the commit went through once the lock was released ...
    driver.qtbot.wait(50)  # ... and its result came back to the UI thread (queued signal)
    queued = queue.list()
    assert [tx.state for tx in queued] == [TxState.PENDING]  # the request itself is kept
    # ... but its confirmation and receipt are not the next citizen's
    assert driver.screen is ScreenId.HOME
    assert driver.kiosk.ctx.session.submitted is None
    assert printer.receipts == []
    assert not any(queued[0].display_code in t for t in driver.texts())


def test_back_and_change_wait_while_a_request_is_being_saved(
    driver: Driver, settings: Settings
) -> None:
    """Leaving the check page mid-save would drop its result and invite a second request."""
    to_check_page(driver)
    driver.kiosk.ctx.runner.wait_for_done()
    with write_lock(settings.database_path):
        driver.tap("send")
        assert not driver.find("back").isEnabled()
        assert not driver.find(f"change-{'subject'}").isEnabled()
    driver.wait_for(ScreenId.CONFIRMATION)


# -- ending a session leaves nothing behind -------------------------------------------------------


def every_text(root: QWidget) -> list[str]:
    """Every text any widget under ``root`` holds, shown or hidden."""
    out = []
    for widget in [root, *root.findChildren(QWidget)]:
        out += [widget.accessibleName(), widget.toolTip(), widget.windowTitle()]
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            out.append(widget.text())
        if isinstance(widget, QPlainTextEdit):
            out.append(widget.toPlainText())
    return [t for t in out if t]


def test_ending_a_session_clears_the_clipboard_the_widgets_and_the_keyboard(
    driver: Driver, qapp: QApplication
) -> None:
    driver.tap("language")
    driver.start("message-to-municipality")
    driver.answer_choice("suggestion")
    box = driver.window.focusWidget()
    assert isinstance(box, QLineEdit)
    driver.qtbot.keyClicks(box, SUBJECT)
    box.selectAll()
    box.copy()  # the citizen copied what they typed
    assert qapp.clipboard().text() == SUBJECT
    keyboard = driver.window.keyboard

    def key(name: str) -> QAbstractButton:
        keys = keyboard.findChildren(QAbstractButton, name)
        return next(b for b in keys if b.isVisible())

    driver.tap_widget(key("key-shift"))  # the citizen's English keyboard, with shift on
    assert keyboard._shift
    driver.cont()
    type_answer(driver, MESSAGE)
    driver.cont()
    driver.answer_choice("no")
    driver.wait_for(ScreenId.CHECK)

    driver.tap("home")
    driver.wait_for(ScreenId.HOME)

    assert qapp.clipboard().text() == ""
    leftovers = [t for t in every_text(driver.window) if SUBJECT in t or "zebramessage" in t]
    assert leftovers == []
    for edit in driver.window.findChildren(QLineEdit):
        assert not edit.isUndoAvailable()  # Ctrl+Z brings nothing back
    for text_box in driver.window.findChildren(QPlainTextEdit):
        assert not text_box.document().isUndoAvailable()
    assert keyboard._target is None and not keyboard._shift
    assert keyboard.layout_kind().value == "fa"  # as the kiosk's default language starts
