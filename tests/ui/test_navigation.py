"""Errors, Back and Change, the language switch mid-journey, and the printer failing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from kiosk.models import TxState
from tests.ui.conftest import FailingPrinter, make_kiosk
from tests.ui.driver import Driver
from ui.run import Kiosk
from ui.screens.base import ScreenId
from ui.widgets.error_summary import ErrorSummary


def test_error_summary_takes_focus_and_matches_the_inline_error(driver: Driver) -> None:
    driver.start("residence-certificate")
    driver.answer_text("0684159415")  # a national code with a wrong check digit
    assert driver.screen is ScreenId.QUESTION
    summary = driver.find("inline-error")
    expected = "کد ملی را بررسی کنید: این شماره، کد ملی درستی نیست"
    assert summary.text() == expected  # type: ignore[attr-defined]
    link = driver.find("error-link-national_code")
    assert link.text() == expected  # type: ignore[attr-defined]
    assert isinstance(QApplication.focusWidget(), ErrorSummary)
    assert driver.window.keyboard.isVisible()  # the keyboard stays on the field
    driver.tap("error-link-national_code")  # the link leads to the field
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    # fix it: clear the box with the keyboard's delete key, type a real code
    box = QApplication.focusWidget()
    assert isinstance(box, QLineEdit)
    box.selectAll()
    driver.tap("key-backspace")
    driver.answer_text("0684159414")
    driver.qtbot.waitUntil(lambda: not driver.find("back").isHidden())
    assert not driver.shows("کد ملی را بررسی کنید", timeout=200)


def test_required_choice_error(driver: Driver) -> None:
    driver.start("street-lights")
    driver.cont()  # nothing chosen
    assert driver.shows("منطقه خود را انتخاب کنید")
    assert driver.kiosk.ctx.session.cleaned == {}


def test_back_keeps_answers_and_change_returns_to_check(driver: Driver) -> None:
    driver.start("message-to-municipality")
    driver.answer_choice("complaint")
    driver.answer_text("noise")
    driver.tap("back")  # back to the subject: the typed text is still there
    box = QApplication.focusWidget()
    assert isinstance(box, QLineEdit) and box.text() == "noise"
    driver.tap("back")
    assert driver.find("choice-complaint").text().startswith("✓")  # type: ignore[attr-defined]
    driver.cont()
    driver.cont()
    driver.answer_text("the street is loud")
    driver.cont()
    driver.answer_choice("no")
    driver.wait_for(ScreenId.CHECK)
    driver.tap("change-message_kind")
    driver.wait_for(ScreenId.QUESTION)
    driver.answer_choice("thanks")  # Continue goes straight back to the check page
    driver.wait_for(ScreenId.CHECK)
    assert driver.kiosk.ctx.session.cleaned["message_kind"] == "thanks"
    assert driver.kiosk.ctx.session.cleaned["subject"] == "noise"
    # change an answer so that a new question appears: it is asked before returning
    driver.tap("change-contact")
    driver.answer_choice("yes")
    driver.wait_for(ScreenId.QUESTION)
    assert driver.window.current.field.key == "name"  # type: ignore[attr-defined]
    driver.answer_text("رضا")
    driver.answer_text("09121112233")
    driver.wait_for(ScreenId.CHECK)
    assert driver.kiosk.ctx.session.cleaned["mobile"] == "09121112233"


def test_language_switch_mid_journey_keeps_answers_and_mirrors(driver: Driver) -> None:
    driver.start("street-lights")
    driver.answer_choice("6")
    driver.type_on_screen("میدان")
    assert driver.window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    driver.tap("language")
    assert driver.kiosk.ctx.lang == "en"
    assert driver.window.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert driver.shows("Where exactly is the problem?") or driver.shows("Continue")
    box = QApplication.focusWidget()
    assert isinstance(box, QLineEdit) and box.text() == "میدان"  # the typed text is kept
    driver.tap("back")
    assert driver.find("choice-6").text().endswith("District 6")  # type: ignore[attr-defined]
    driver.tap("language")
    assert driver.kiosk.ctx.lang == "fa"
    shown = driver.find("choice-6").text()  # type: ignore[attr-defined]
    assert shown.endswith("منطقه \u2066۶\u2069")  # the number isolated
    driver.cont()
    driver.answer_text(" ونک")
    assert driver.kiosk.ctx.session.cleaned["address"] == "میدان ونک"


def test_digits_follow_the_language(driver: Driver) -> None:
    driver.start("residence-certificate")
    driver.type_on_screen("0499")
    box = QApplication.focusWidget()
    assert isinstance(box, QLineEdit) and box.text() == "۰۴۹۹"
    driver.tap("language")
    box = QApplication.focusWidget()
    assert isinstance(box, QLineEdit) and box.text() == "0499"


@pytest.fixture
def failing_kiosk(qtbot: QtBot, settings: Settings) -> Iterator[Kiosk]:
    yield from make_kiosk(qtbot, settings, printer=FailingPrinter())


def test_printer_failure_is_shown_and_loses_nothing(
    qtbot: QtBot, failing_kiosk: Kiosk, settings: Settings
) -> None:
    driver = Driver(qtbot, failing_kiosk)
    driver.start("message-to-municipality")
    driver.answer_choice("thanks")
    driver.answer_text("thank you")
    driver.answer_text("clean streets")
    driver.cont()
    driver.answer_choice("no")
    driver.tap("send")
    driver.wait_for(ScreenId.CONFIRMATION)
    assert driver.shows("چاپگر کار نمی‌کند", timeout=5000)
    tx = failing_kiosk.ctx.session.submitted
    assert tx is not None
    stored = failing_kiosk.core.queue.get(tx.id)
    assert stored is not None and stored.state is TxState.PENDING
    driver.tap("print")  # try again: still shown, still saved
    printer = failing_kiosk.ctx.printer
    assert isinstance(printer, FailingPrinter)
    qtbot.waitUntil(lambda: len(printer.attempts) == 2)
    assert printer.attempts[1].reprint
    assert list(Path(settings.spool_dir).glob("*.pdf")) == []
