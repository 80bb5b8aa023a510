"""Citizens' sessions never touch, and nothing of theirs reaches the log.

A background result that arrives after its session ended is dropped (the next citizen never sees
the previous one's confirmation or gets their receipt); ending a session clears the clipboard,
every widget and the on-screen keyboard; a commit the database refuses leaves no answer in any
file of the data dir.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
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
