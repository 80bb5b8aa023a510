"""The on-screen keyboard types into its target, keeps the focus there and keeps its keys 20 mm."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.i18n import translate
from kiosk.text import ZWNJ, to_ascii_digits
from ui.fonts import load_fonts
from ui.theme import FONT_FAMILY, Role, Theme, ThemeName, make_theme, role_of, stylesheet
from ui.widgets.keyboard import Layout, OnScreenKeyboard

THEME = make_theme(ThemeName.NORMAL, 21.5, (1920, 1080), False)
LARGE = make_theme(ThemeName.NORMAL, 21.5, (1920, 1080), True)


@pytest.fixture(scope="module", autouse=True)
def _fonts(qapp: QApplication) -> None:
    assert load_fonts() == FONT_FAMILY


@pytest.fixture
def kb(qtbot: QtBot) -> OnScreenKeyboard:
    keyboard = OnScreenKeyboard(THEME, "fa")
    qtbot.addWidget(keyboard)
    return keyboard


class Window:
    """A shown top-level widget standing in for the main window: a text box over the keyboard."""

    def __init__(self, qtbot: QtBot, theme: Theme, lang: str, width: int = 1920) -> None:
        self.widget = QWidget()
        self.widget.setStyleSheet(stylesheet(theme))
        box = QVBoxLayout(self.widget)
        self.edit = QLineEdit()
        self.kb = OnScreenKeyboard(theme, lang)
        box.addWidget(self.edit)
        box.addWidget(self.kb)
        qtbot.addWidget(self.widget)
        self.widget.resize(width, 1080)
        self.widget.show()
        qtbot.waitExposed(self.widget)
        self.kb.attach(self.edit)


@pytest.fixture
def window(qtbot: QtBot) -> Window:
    return Window(qtbot, THEME, "fa")


def keys(kb: OnScreenKeyboard) -> list[QPushButton]:
    """The keys the keyboard shows (it keeps the keys of other layouts hidden, for later)."""
    return [b for b in kb.findChildren(QPushButton) if b.isVisibleTo(kb)]


def key(kb: OnScreenKeyboard, label: str) -> QPushButton:
    found = [b for b in keys(kb) if b.text() == label]
    assert len(found) == 1, f"{len(found)} keys labelled {label!r}"
    return found[0]


def special(kb: OnScreenKeyboard, name: str) -> QPushButton:
    found = [b for b in keys(kb) if b.objectName() == f"key-{name}"]
    assert len(found) == 1, name
    return found[0]


def centre_x(kb: OnScreenKeyboard, label: str) -> int:
    button = key(kb, label)
    return button.mapTo(kb, button.rect().center()).x()


def tap(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_keys(qtbot: QtBot, kb: OnScreenKeyboard, text: str) -> None:
    for ch in text:
        if ch == " ":
            tap(qtbot, special(kb, "space"))
        elif ch == ZWNJ:
            tap(qtbot, special(kb, "zwnj"))
        else:
            tap(qtbot, key(kb, ch))


def test_types_a_persian_word_with_zwnj(qtbot: QtBot, kb: OnScreenKeyboard) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    kb.attach(edit)
    assert kb.layout_kind() is Layout.FA
    pressed: list[str] = []
    kb.key_pressed.connect(pressed.append)
    type_keys(qtbot, kb, f"می{ZWNJ}روم آب")
    assert edit.text() == "می\u200cروم آب"
    assert pressed == ["م", "ی", ZWNJ, "ر", "و", "م", " ", "آ", "ب"]
    assert special(kb, "zwnj").text() == "نیم\u200cفاصله"


def test_types_english_with_one_shot_shift(qtbot: QtBot, kb: OnScreenKeyboard) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    kb.set_layout(Layout.EN)
    kb.attach(edit)
    size = special(kb, "shift").size()
    tap(qtbot, special(kb, "shift"))
    assert role_of(special(kb, "shift")) is Role.CHOICE_ON
    assert special(kb, "shift").size() == size
    type_keys(qtbot, kb, "Ali")  # the key shows "A" while shift is on
    type_keys(qtbot, kb, "@x.com")
    assert edit.toPlainText() == "Ali@x.com"
    assert role_of(special(kb, "shift")) is Role.KEY_SPECIAL


@pytest.mark.parametrize("layout", list(Layout))
def test_digits_follow_the_session_language(
    qtbot: QtBot, kb: OnScreenKeyboard, layout: Layout
) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    kb.set_layout(layout)
    kb.attach(edit)
    type_keys(qtbot, kb, "۰۹۱۲")
    assert edit.text() == "۰۹۱۲"
    assert to_ascii_digits(edit.text()) == "0912"
    kb.set_language("en")
    assert kb.layout_kind() is layout
    assert not [b for b in keys(kb) if b.text() in "۰۱۲۳۴۵۶۷۸۹"]
    type_keys(qtbot, kb, "34")
    assert edit.text() == "۰۹۱۲34"
    assert to_ascii_digits(edit.text()) == "091234"


def test_backspace_deletes_before_the_cursor_or_the_selection(
    qtbot: QtBot, kb: OnScreenKeyboard
) -> None:
    edit = QLineEdit("abcdef")
    qtbot.addWidget(edit)
    kb.attach(edit)
    edit.setCursorPosition(3)
    with qtbot.waitSignal(kb.key_pressed) as pressed:
        tap(qtbot, special(kb, "backspace"))
    assert pressed.args == [""]
    assert edit.text() == "abdef"
    edit.setSelection(1, 3)  # "bde"
    tap(qtbot, special(kb, "backspace"))
    assert edit.text() == "af"
    type_keys(qtbot, kb, "ب")
    assert edit.text() == "aبf"

    text = QPlainTextEdit("سلام")
    qtbot.addWidget(text)
    text.moveCursor(QTextCursor.MoveOperation.End)
    kb.attach(text)
    tap(qtbot, special(kb, "backspace"))
    assert text.toPlainText() == "سلا"
    text.selectAll()
    tap(qtbot, special(kb, "backspace"))
    assert text.toPlainText() == ""


def test_max_length_is_respected(qtbot: QtBot, kb: OnScreenKeyboard) -> None:
    edit = QLineEdit()
    edit.setMaxLength(3)
    qtbot.addWidget(edit)
    kb.set_layout(Layout.NUMERIC)
    kb.attach(edit)
    type_keys(qtbot, kb, "۱۲۳۴۵")
    assert edit.text() == "۱۲۳"


def test_read_only_target_is_left_alone(qtbot: QtBot, kb: OnScreenKeyboard) -> None:
    edit = QLineEdit("x")
    edit.setReadOnly(True)
    qtbot.addWidget(edit)
    kb.attach(edit)
    type_keys(qtbot, kb, "ب")
    tap(qtbot, special(kb, "backspace"))
    assert edit.text() == "x"


def test_focus_stays_on_the_target(qtbot: QtBot, window: Window) -> None:
    window.widget.activateWindow()
    window.edit.setFocus()
    qtbot.waitUntil(window.edit.hasFocus)
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in keys(window.kb))
    type_keys(qtbot, window.kb, "سلام ۱")
    tap(qtbot, special(window.kb, "backspace"))
    assert window.edit.hasFocus()
    assert QApplication.focusWidget() is window.edit
    assert window.edit.text() == "سلام "
    # a hardware keyboard or a barcode scanner still types into the target
    qtbot.keyClicks(window.edit, "123")
    assert window.edit.text() == "سلام 123"


@pytest.mark.parametrize("theme", [THEME, LARGE], ids=["normal", "large_text"])
@pytest.mark.parametrize("width", [1920, 600])
def test_every_key_is_at_least_20_mm(qtbot: QtBot, theme: Theme, width: int) -> None:
    win = Window(qtbot, theme, "fa", width)
    m = theme.metrics
    for layout in Layout:
        win.kb.set_layout(layout)
        qtbot.waitUntil(lambda: all(b.isVisible() for b in keys(win.kb)))
        buttons = keys(win.kb)
        assert buttons
        for b in buttons:
            assert b.width() >= m.target, (layout, b.text(), b.width())
            assert b.height() >= m.target, (layout, b.text(), b.height())
            assert role_of(b) in {Role.KEY, Role.KEY_SPECIAL}
        if layout is not Layout.NUMERIC:  # 12 keys in a row: the keyboard grows, keys do not
            assert win.kb.minimumWidth() >= 12 * m.target + 11 * m.gap
            assert win.kb.width() >= win.kb.minimumWidth()


def test_layout_direction_is_fixed_and_keys_are_physical(
    qtbot: QtBot, kb: OnScreenKeyboard
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.layoutDirection()
    kb.resize(1920, kb.sizeHint().height())
    try:
        for app_direction in (Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight):
            app.setLayoutDirection(app_direction)
            kb.set_layout(Layout.FA)
            kb.show()
            qtbot.waitExposed(kb)
            assert kb.layoutDirection() == Qt.LayoutDirection.RightToLeft
            # ISIRI 9147 as on a physical keyboard: ض top left, چ top right
            qtbot.waitUntil(lambda: centre_x(kb, "ض") != centre_x(kb, "چ"))  # laid out
            assert centre_x(kb, "ض") < centre_x(kb, "چ")
            kb.set_layout(Layout.EN)
            assert kb.layoutDirection() == Qt.LayoutDirection.LeftToRight
            kb.set_layout(Layout.NUMERIC)
            assert kb.layoutDirection() == Qt.LayoutDirection.LeftToRight
    finally:
        app.setLayoutDirection(before)


def test_layout_switch_changes_the_keys(qtbot: QtBot, kb: OnScreenKeyboard) -> None:
    old = keys(kb)
    assert special(kb, "switch").text() == "English"
    tap(qtbot, special(kb, "switch"))  # switched from the key's own click handler
    assert kb.layout_kind() is Layout.EN
    assert not set(old) & set(keys(kb))
    assert special(kb, "switch").text() == "فارسی"
    assert key(kb, "q")
    kb.set_layout(Layout.NUMERIC)
    labels = sorted(b.text() for b in keys(kb))
    backspace = translate("fa", "Delete digit")  # on the number pad it removes a digit
    assert labels == sorted([*"۰۱۲۳۴۵۶۷۸۹", backspace, translate("fa", "Enter")])
    kb.set_layout(Layout.FA)
    assert set(keys(kb)) & set(old) == set(old)  # the same keys again, kept for the next time
    kb.set_allow_language_switch(False)
    assert not [b for b in keys(kb) if b.objectName() == "key-switch"]
    kb.set_allow_language_switch(True)
    assert special(kb, "switch")


def test_special_keys_go_through_translation(kb: OnScreenKeyboard) -> None:
    kb.set_language("en")
    assert special(kb, "space").text() == "Space"
    assert special(kb, "backspace").text() == "Delete letter"
    assert special(kb, "enter").text() == "Enter"
    kb.set_language("fa")
    # Backspace says what it removes: «پاک کردن» alone reads as "clear everything".
    assert special(kb, "backspace").text() == translate("fa", "Delete letter")
    assert "پاک کردن" not in special(kb, "backspace").text()


def test_enter_emits_and_keys_work_without_a_target(qtbot: QtBot, kb: OnScreenKeyboard) -> None:
    # the screen moves on to a number question from inside the Enter key's click
    kb.enter_pressed.connect(lambda: kb.set_layout(Layout.NUMERIC))
    with qtbot.waitSignal(kb.enter_pressed):
        tap(qtbot, special(kb, "enter"))
    assert kb.layout_kind() is Layout.NUMERIC
    with qtbot.waitSignal(kb.key_pressed) as pressed:
        tap(qtbot, key(kb, "۷"))
    assert pressed.args == ["۷"]


def test_clear_detaches_and_resets_shift(qtbot: QtBot, kb: OnScreenKeyboard) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    kb.set_layout(Layout.EN)
    kb.attach(edit)
    type_keys(qtbot, kb, "a")
    tap(qtbot, special(kb, "shift"))
    kb.clear()
    assert role_of(special(kb, "shift")) is Role.KEY_SPECIAL
    with qtbot.waitSignal(kb.key_pressed) as pressed:
        type_keys(qtbot, kb, "b")
    assert pressed.args == ["b"]
    assert edit.text() == "a"


def test_a_deleted_target_is_forgotten(qtbot: QtBot, kb: OnScreenKeyboard) -> None:
    parent = QWidget()
    kb.attach(QLineEdit(parent))
    with qtbot.waitSignal(parent.destroyed):
        parent.deleteLater()
    with qtbot.waitSignal(kb.key_pressed):
        type_keys(qtbot, kb, "ب")  # no crash: the keyboard notices its target is gone
