"""The on-screen keyboard: Persian, English and a phone-style number pad, inside the main window.

An ordinary widget under the question, never a window. Its keys never take focus, so the attached
text box keeps the focus and its cursor, and a hardware keyboard or a USB barcode scanner (which
types like a keyboard) keeps typing into it: no event filter is installed anywhere.

Keys sit at fixed physical positions. The Persian layout is ISIRI 9147 as on a physical keyboard
or a phone (``ض`` top left, ``چ`` top right); its widget direction is right-to-left and the
English and numeric layouts are left-to-right, whatever the application's direction. Every key is
at least ``theme.metrics.target`` pixels (20 mm) on each side; when the window is too narrow the
keyboard's minimum width grows instead of the keys shrinking.

In a Persian session the digit keys show and type Persian digits on every layout; the core
normalises digits, so the value it receives is the same.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum, StrEnum, auto
from typing import Final

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import N_, check_language, translate
from kiosk.text import ZWNJ, localize_digits
from ui.theme import FONT_FAMILY, Role, Theme, set_role

__all__ = ["Layout", "OnScreenKeyboard"]

Target = QLineEdit | QPlainTextEdit


class Layout(StrEnum):
    """Which keys the keyboard shows."""

    FA = "fa"
    EN = "en"
    NUMERIC = "numeric"


class _Kind(Enum):
    CHAR = auto()  # types its text (letters, punctuation, ZWNJ)
    DIGIT = auto()  # types its ASCII digit, in the digits of the session language
    SPACE = auto()
    BACKSPACE = auto()
    ENTER = auto()
    SHIFT = auto()
    SWITCH = auto()  # Persian <-> English layout


@dataclass(frozen=True)
class _Key:
    kind: _Kind
    text: str = ""
    span: int = 1  # width in key units
    label: str = ""  # a fixed label instead of the text (the ZWNJ key)


# Special-key labels, rendered in the session language.
_LABELS: Final = {
    _Kind.SPACE: N_("Space"),
    _Kind.BACKSPACE: N_("Delete"),
    _Kind.ENTER: N_("Enter"),
    _Kind.SHIFT: N_("Shift"),
}
# The language-switch key names the *other* layout in its own language: never translated.
_SWITCH_LABELS: Final = {Layout.FA: "English", Layout.EN: "فارسی"}
_ZWNJ_LABEL: Final = "نیم\u200cفاصله"
_LETTER_KINDS: Final = frozenset({_Kind.CHAR, _Kind.DIGIT})
_BORDER: Final = 2  # px, every key's border (set by the keyboard's style sheet)


def _chars(keys: str) -> tuple[_Key, ...]:
    """Character keys from a space-separated string, left to right as seen on the screen."""
    return tuple(_Key(_Kind.CHAR, c) for c in keys.split())


def _digits(digits: str, span: int = 1) -> tuple[_Key, ...]:
    return tuple(_Key(_Kind.DIGIT, d, span) for d in digits)


_BOTTOM: Final = (_Key(_Kind.BACKSPACE, span=2), _Key(_Kind.ENTER, span=2))
_SWITCH: Final = _Key(_Kind.SWITCH, span=2)

# Every row is listed left to right as it appears on the glass (physical positions).
_ROWS: Final[dict[Layout, tuple[tuple[_Key, ...], ...]]] = {
    Layout.FA: (
        _digits("1234567890") + _chars("- /"),
        _chars("ض ص ث ق ف غ ع ه خ ح ج چ"),
        _chars("ش س ی ب ل ا ت ن م ک گ"),
        _chars("ظ ط ز ر ذ د پ و ژ آ ، ؟"),
        (_SWITCH, _Key(_Kind.CHAR, ZWNJ, 2, _ZWNJ_LABEL), _Key(_Kind.SPACE, span=4), *_BOTTOM),
    ),
    Layout.EN: (
        _digits("1234567890") + _chars("- /"),
        _chars("q w e r t y u i o p"),
        _chars("a s d f g h j k l @"),
        (_Key(_Kind.SHIFT, span=2), *_chars("z x c v b n m , .")),
        (_SWITCH, _Key(_Kind.SPACE, span=6), *_BOTTOM),
    ),
    Layout.NUMERIC: (
        _digits("123", 2),
        _digits("456", 2),
        _digits("789", 2),
        (_Key(_Kind.BACKSPACE, span=2), *_digits("0", 2), _Key(_Kind.ENTER, span=2)),
    ),
}


def _font_metrics(px: int) -> QFontMetrics:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(px)
    return QFontMetrics(font)


class OnScreenKeyboard(QWidget):
    """A touch keyboard that types into the attached text box.

    Place it in the main window's layout below the question, horizontally centred; it wants its
    ``sizeHint`` height (fixed vertical policy) and at least its ``minimumWidth``.
    """

    key_pressed = Signal(str)
    """The text a key typed ("" for backspace); emitted even with no target attached."""
    enter_pressed = Signal()
    """The Enter key: the screen decides what it means (usually Continue)."""

    def __init__(self, theme: Theme, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self._lang = check_language(lang)
        self._layout = Layout.FA if lang == "fa" else Layout.EN
        self._allow_switch = True
        self._shift = False
        self._target: Target | None = None
        self._keys: QWidget | None = None
        self._buttons: list[tuple[QPushButton, _Key]] = []
        self._retired: list[QWidget] = []
        self._outer = QVBoxLayout(self)
        self._outer.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)  # never squeeze
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._rebuild()

    def set_layout(self, layout: Layout) -> None:
        """Show ``layout``'s keys (the keys are rebuilt)."""
        self._layout = Layout(layout)
        self._rebuild()

    def layout_kind(self) -> Layout:
        return self._layout

    def attach(self, target: QLineEdit | QPlainTextEdit | None) -> None:
        """Type into ``target`` from now on (``None``: keys only emit signals)."""
        self._target = target
        self._set_shift(False)

    def set_language(self, lang: str) -> None:
        """Follow the session language: special-key labels and digits are rebuilt."""
        self._lang = check_language(lang)
        self._rebuild()

    def set_theme(self, theme: Theme) -> None:
        """Follow a new theme (colours come from the style sheet; sizes and fonts from here)."""
        self._theme = theme
        self._rebuild()

    def set_allow_language_switch(self, allowed: bool) -> None:
        """Show or hide the Persian/English key of the text layouts."""
        if allowed != self._allow_switch:
            self._allow_switch = allowed
            self._rebuild()

    def clear(self) -> None:
        """Forget the session: shift off, no target. The layout is left to the next screen."""
        self._set_shift(False)
        self._target = None

    def _rebuild(self) -> None:
        """Replace all keys with new ones for the current layout, language and theme."""
        m = self._theme.metrics
        rtl = self._layout is Layout.FA
        self.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        )
        self._outer.setContentsMargins(m.gap, m.gap, m.gap, m.gap)
        self._retire_keys()
        self._shift = False
        char_px, special_px = m.heading, m.button  # label sizes: characters, special keys
        sheet = (
            f'QPushButton {{ font-family: "{FONT_FAMILY}"; font-size: {char_px}px;'
            f" padding: 0px; margin: 0px; border-width: {_BORDER}px; }}"
            f" QPushButton:pressed {{ border-width: {2 * _BORDER}px; }}"
            f' QPushButton[role="key_special"], QPushButton[role="choice_on"]'
            f" {{ font-size: {special_px}px; }}"
        )
        if sheet != self.styleSheet():
            self.setStyleSheet(sheet)
        unit = max(m.target, _font_metrics(char_px).height() + m.gap)
        rows = [self._visible(row) for row in _ROWS[self._layout]]
        widths = {key: self._width(key, unit) for row in rows for key in row}
        if self._layout is Layout.NUMERIC:  # a pad is a grid: every key as wide as the widest
            widths = dict.fromkeys(widths, max(widths.values()))
        keys = QWidget(self)
        column = QVBoxLayout(keys)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(m.gap)
        for row in rows:
            line = QHBoxLayout()
            line.setSpacing(m.gap)
            line.addStretch(1)
            # A right-to-left layout places the first widget on the right: add it last.
            for key in reversed(row) if rtl else row:
                line.addWidget(self._button(key, widths[key], unit))
            line.addStretch(1)
            column.addLayout(line)
        self._outer.addWidget(keys)
        self._keys = keys
        self._outer.activate()  # the minimum width is current before the next event loop

    def _retire_keys(self) -> None:
        """Take the old keys out of the widget tree now; delete them later, as a key's own
        ``clicked`` handler may rebuild (the language key, or Enter when the screen moves on)."""
        self._retired = [w for w in self._retired if shiboken6.isValid(w)]
        old, self._keys, self._buttons = self._keys, None, []
        if old is not None:
            self._outer.removeWidget(old)
            old.hide()
            old.setParent(None)
            old.deleteLater()
            self._retired.append(old)

    def _visible(self, row: tuple[_Key, ...]) -> tuple[_Key, ...]:
        """The row's keys, without the language key (and a wider space bar) when not allowed."""
        if self._allow_switch:
            return row
        return tuple(
            replace(k, span=k.span + _SWITCH.span) if k.kind is _Kind.SPACE else k
            for k in row
            if k.kind is not _Kind.SWITCH
        )

    def _width(self, key: _Key, unit: int) -> int:
        """The key's span in units, widened if its label needs more room."""
        m = self._theme.metrics
        px = m.heading if self._role(key) is Role.KEY else m.button
        label = _font_metrics(px).horizontalAdvance(self._label(key)) + 2 * (m.gap + _BORDER)
        return max(key.span * unit + (key.span - 1) * m.gap, label)

    def _role(self, key: _Key) -> Role:
        return Role.KEY if key.kind in _LETTER_KINDS and not key.label else Role.KEY_SPECIAL

    def _label(self, key: _Key) -> str:
        if key.label:
            return key.label
        if key.kind is _Kind.SWITCH:
            return _SWITCH_LABELS.get(self._layout, "")
        if key.kind in _LABELS:
            return translate(self._lang, _LABELS[key.kind])
        return self._text(key)

    def _text(self, key: _Key) -> str:
        """What the key types."""
        if key.kind is _Kind.DIGIT:
            return localize_digits(key.text, self._lang)
        if key.kind is _Kind.SPACE:
            return " "
        return key.text.upper() if self._shift else key.text

    def _button(self, key: _Key, width: int, height: int) -> QPushButton:
        label = self._label(key)
        button = QPushButton(label)
        button.setObjectName("key-zwnj" if key.text == ZWNJ else f"key-{key.kind.name.lower()}")
        button.setAccessibleName(label)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # never take the focus from the text box
        button.setAutoDefault(False)
        # Sizes through the style sheet, which would otherwise override setFixedSize when it
        # polishes the button; the keyboard's sheet fixes the border, so this is the outer size.
        w, h = width - 2 * _BORDER, height - 2 * _BORDER
        button.setStyleSheet(
            f"min-width: {w}px; max-width: {w}px; min-height: {h}px; max-height: {h}px;"
        )
        button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        set_role(button, self._role(key))
        button.clicked.connect(lambda _checked=False, k=key: self._on_key(k))
        self._buttons.append((button, key))
        return button

    def _on_key(self, key: _Key) -> None:
        if key.kind is _Kind.ENTER:
            self.enter_pressed.emit()
        elif key.kind is _Kind.SHIFT:
            self._set_shift(not self._shift)
        elif key.kind is _Kind.SWITCH:
            self.set_layout(Layout.EN if self._layout is Layout.FA else Layout.FA)
        elif key.kind is _Kind.BACKSPACE:
            self._backspace()
            self.key_pressed.emit("")
        else:
            text = self._text(key)
            self._insert(text)
            self._set_shift(False)  # one-shot
            self.key_pressed.emit(text)

    def _set_shift(self, on: bool) -> None:
        """Turn the one-shot shift on or off; letter keys show their capitals while it is on."""
        self._shift = on
        for button, key in self._buttons:
            if key.kind is _Kind.CHAR and not key.label:
                button.setText(self._text(key))
            elif key.kind is _Kind.SHIFT:
                set_role(button, Role.CHOICE_ON if on else Role.KEY_SPECIAL)

    def _live_target(self) -> Target | None:
        """The attached text box, if it still exists and may be edited."""
        target = self._target
        if target is not None and not shiboken6.isValid(target):
            self._target = target = None
        if target is None or target.isReadOnly() or not target.isEnabled():
            return None
        return target

    def _insert(self, text: str) -> None:
        target = self._live_target()
        self._keep_focus(target)  # before the edit: a box that moves focus on edit may do so
        if isinstance(target, QLineEdit):
            target.insert(text)  # replaces the selection; honours maxLength and the validator
        elif target is not None:
            target.insertPlainText(text)

    def _backspace(self) -> None:
        target = self._live_target()
        self._keep_focus(target)
        if isinstance(target, QLineEdit):
            target.backspace()  # the selection, else the character before the cursor
        elif target is not None:
            cursor = target.textCursor()
            cursor.deletePreviousChar()
            target.setTextCursor(cursor)

    def _keep_focus(self, target: Target | None) -> None:
        if target is not None and target.isVisible() and not target.hasFocus():
            target.setFocus(Qt.FocusReason.OtherFocusReason)
