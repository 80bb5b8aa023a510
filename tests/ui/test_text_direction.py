"""Text boxes start at the reading side of the language, empty or not, on the kiosk and the
counter: the caret of an empty Persian box is at the right and stays there as the first letter
is typed; Persian in the multi-line box is laid out from the right; digits and codes stay left
to right in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from kiosk.core import Core
from tests.ui.driver import Driver
from ui.screens.base import ScreenId
from ui.screens.question import QuestionScreen

SLACK = 40  # px: the box's border, padding and caret


def painted(widget: QWidget) -> None:
    widget.grab()  # a line edit places its text (and caret) when it paints
    QApplication.processEvents()


def caret_x(box: QLineEdit | QPlainTextEdit) -> int:
    painted(box)
    return box.cursorRect().center().x()


def width_of(box: QLineEdit | QPlainTextEdit) -> int:
    return box.viewport().width() if isinstance(box, QPlainTextEdit) else box.width()


def open_question(driver: Driver, service: str, key: str) -> QLineEdit | QPlainTextEdit:
    kiosk = driver.kiosk
    session = kiosk.ctx.session
    session.start(service)
    fields = [f.key for f in kiosk.core.catalog.service(service).fields]
    session.page = fields.index(key)
    kiosk.window.move_to(ScreenId.QUESTION)
    screen = kiosk.window.current
    assert isinstance(screen, QuestionScreen) and screen.field is not None
    assert screen.field.key == key
    box = next(
        b
        for b in screen.findChildren(QLineEdit) + screen.findChildren(QPlainTextEdit)
        if b.isVisible()
    )
    box.setFocus()
    return box


def type_in(box: QLineEdit | QPlainTextEdit, text: str) -> None:
    if isinstance(box, QLineEdit):
        box.insert(text)
    else:
        box.insertPlainText(text)


@pytest.mark.parametrize(
    ("service", "key"),
    [("street-lights", "address"), ("message-to-municipality", "message")],
    ids=["one-line", "multi-line"],
)
def test_a_persian_box_starts_at_the_right_and_the_text_stays_there(
    driver: Driver, service: str, key: str
) -> None:
    driver.kiosk.ctx.set_language("fa")
    box = open_question(driver, service, key)
    width = width_of(box)
    empty = caret_x(box)
    assert empty > width - SLACK, f"empty caret at x={empty} of {width}: it starts at the left"
    type_in(box, "خ")
    one = caret_x(box)
    assert abs(one - empty) < SLACK, f"the first letter moved the caret from {empty} to {one}"
    type_in(box, "یابان کارگر")
    assert caret_x(box) < one  # written from right to left
    assert caret_x(box) > width // 2  # and still on the right: short text is right-aligned


@pytest.mark.parametrize(
    ("service", "key"),
    [("street-lights", "address"), ("message-to-municipality", "message")],
    ids=["one-line", "multi-line"],
)
def test_an_english_box_starts_at_the_left(driver: Driver, service: str, key: str) -> None:
    driver.kiosk.ctx.set_language("en")
    box = open_question(driver, service, key)
    assert caret_x(box) < SLACK
    type_in(box, "Kargar Street")
    assert SLACK < caret_x(box) < width_of(box) // 2


def test_the_language_switch_moves_the_reading_side(driver: Driver) -> None:
    driver.kiosk.ctx.set_language("fa")
    box = open_question(driver, "street-lights", "address")
    assert caret_x(box) > width_of(box) - SLACK
    driver.kiosk.ctx.set_language("en")
    assert caret_x(box) < SLACK
    driver.kiosk.ctx.set_language("fa")
    assert caret_x(box) > width_of(box) - SLACK


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_digits_and_codes_read_left_to_right_in_both_languages(driver: Driver, lang: str) -> None:
    driver.kiosk.ctx.set_language(lang)
    box = open_question(driver, "residence-certificate", "national_code")
    assert caret_x(box) < SLACK
    type_in(box, "۰۴۹۹")
    assert SLACK < caret_x(box) < width_of(box) // 2


@pytest.fixture
def counter_form(qtbot: QtBot, settings: Settings, core: Core) -> Iterator[QWidget]:
    from ui.counter.file_form import FileForm
    from ui.counter.launch import build_counter

    window = build_counter(settings, core)
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    member = window.desk.staff.add("Nasrin", "clerk", "4826", by="cli:test")
    window.on_signed_in(member)
    window.set_language("fa")
    form = window.findChild(FileForm)
    assert form is not None
    yield form
    window.close()


def test_counter_fields_follow_the_language(counter_form: QWidget) -> None:
    from ui.counter.file_form import FileForm

    assert isinstance(counter_form, FileForm)
    counter_form.set_service("street-lights")
    address = counter_form.blocks["address"].input
    mobile = counter_form.blocks["mobile"].input
    assert isinstance(address, QLineEdit) and isinstance(mobile, QLineEdit)
    assert caret_x(address) > address.width() - SLACK  # Persian text: from the right
    assert caret_x(mobile) < SLACK  # a mobile number: left to right
    counter_form.set_service("message-to-municipality")
    message = counter_form.blocks["message"].input
    assert isinstance(message, QPlainTextEdit)
    message.insertPlainText("سلام")
    assert caret_x(message) > message.viewport().width() // 2
