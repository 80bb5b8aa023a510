"""The on-screen keyboard: Persian, English and a phone-style number pad, inside the main window.

An ordinary widget under the question, never a window. Its keys never take focus, so the attached
text box keeps the focus and its cursor, and a hardware keyboard or a USB barcode scanner (which
types like a keyboard) keeps typing into it: no event filter is installed anywhere.

Keys sit at fixed physical positions (``ui.widgets.keyboard_layouts``). The Persian layout is
ISIRI 9147 as on a physical keyboard or a phone (``ض`` top left, ``چ`` top right); its widget
direction is right-to-left and the English and numeric layouts are left-to-right, whatever the
application's direction. Every key is at least ``theme.metrics.target`` pixels (20 mm) on each
side; when the window is too narrow the keyboard's minimum width grows instead of the keys
shrinking.

In a Persian session the digit keys show and type Persian digits on every layout; the core
normalises digits, so the value it receives is the same.

Each layout's keys are built once, the first time it is shown, and kept: switching layouts shows
other keys, and a change of language or shift relabels keys in place. Only a change of sizes (the
larger-text setting) builds them again. Colours come from the style sheet of the screen around.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

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

from kiosk.i18n import check_language, translate
from kiosk.text import ZWNJ, localize_digits
from ui.theme import FONT_FAMILY, Role, Theme, set_role
from ui.widgets.keyboard_layouts import (
    DIGIT_LABELS,
    LABELS,
    LETTER_KINDS,
    ROWS,
    SWITCH,
    SWITCH_LABELS,
    Key,
    Kind,
    Layout,
)

__all__ = ["Layout", "OnScreenKeyboard"]

Target = QLineEdit | QPlainTextEdit
_BORDER = 2  # px, every key's border (set by the keyboard's style sheet)


def _direction(layout: Layout) -> Qt.LayoutDirection:
    rtl = layout is Layout.FA
    return Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight


@dataclass(eq=False)
class _Panel:
    """The keys of one layout: built once, relabelled in place."""

    layout: Layout
    widget: QWidget
    unit: int  # the height of a key, and the width of one span
    rows: list[tuple[Key, ...]]
    buttons: list[tuple[QPushButton, Key]] = field(default_factory=list)
    widths: dict[Key, int] = field(default_factory=dict)
    lang: str = ""  # the language the labels are in
    shift: bool = False  # whether the letter keys show capitals


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
        self._panels: dict[tuple[Layout, bool], _Panel] = {}
        self._panel: _Panel | None = None
        self._retired: list[QWidget] = []
        self._fonts: dict[int, QFontMetrics] = {}
        self._frame_sheet = ""  # the theme's, when no screen's style sheet reaches the keyboard
        self._outer = QVBoxLayout(self)
        self._outer.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)  # never squeeze
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._show_panel()

    # -- the interface -------------------------------------------------------------------

    def set_layout(self, layout: Layout, lang: str | None = None) -> None:
        """Show ``layout``'s keys (labelled in ``lang``, when given, in one go)."""
        self._layout = Layout(layout)
        if lang is not None:
            self._lang = check_language(lang)
        self._show_panel()

    def layout_kind(self) -> Layout:
        return self._layout

    def language(self) -> str:
        return self._lang

    def attach(self, target: QLineEdit | QPlainTextEdit | None) -> None:
        """Type into ``target`` from now on (``None``: keys only emit signals)."""
        self._target = target
        self._set_shift(False)

    def set_language(self, lang: str) -> None:
        """Follow the session language: special-key labels and digits."""
        lang = check_language(lang)
        if lang != self._lang:
            self._lang = lang
            self._show_panel()

    def set_theme(self, theme: Theme) -> None:
        """Follow a new theme: colours come from the style sheet around the keyboard, so only
        new sizes (larger text) need new keys."""
        sizes_changed = theme.metrics != self._theme.metrics
        self._theme = theme
        if sizes_changed:
            self._fonts.clear()
            for key in list(self._panels):
                self._retire(self._panels.pop(key))
            self._show_panel()

    def set_allow_language_switch(self, allowed: bool) -> None:
        """Show or hide the Persian/English key of the text layouts."""
        if allowed != self._allow_switch:
            self._allow_switch = allowed
            self._show_panel()

    def set_frame_sheet(self, sheet: str) -> None:
        """The theme's style sheet, for a keyboard outside any screen ("" inside one)."""
        if sheet != self._frame_sheet:
            self._frame_sheet = sheet
            self.setStyleSheet(self._sheet())

    def clear(self, lang: str | None = None) -> None:
        """Forget the session: shift off, no target and, given the next session's ``lang``,
        that language's text layout (nothing shows what the previous citizen switched to)."""
        self._set_shift(False)
        self._target = None
        if lang is not None:
            self.set_layout(Layout.FA if lang == "fa" else Layout.EN, lang)

    # -- panels ----------------------------------------------------------------------------

    def _show_panel(self) -> None:
        """Show the keys for the current layout, language and sizes (building them once)."""
        m = self._theme.metrics
        self.setLayoutDirection(_direction(self._layout))
        self._outer.setContentsMargins(m.gap, m.gap, m.gap, m.gap)
        sheet = self._sheet()
        if sheet != self.styleSheet():
            self.setStyleSheet(sheet)
        wanted = (self._layout, self._allow_switch)
        panel = self._panels.get(wanted)
        if panel is None:
            panel = self._panels[wanted] = self._build(self._layout)
        elif panel.lang != self._lang:
            self._relabel(panel)
        old, self._panel = self._panel, panel
        if old is not panel:
            if old is not None:
                old.widget.hide()
            panel.widget.show()
        self._set_shift(False)
        self._outer.activate()  # the minimum width is current before the next event loop

    def _sheet(self) -> str:
        char_px, special_px = self._theme.metrics.heading, self._theme.metrics.button
        return self._frame_sheet + (
            f'QPushButton {{ font-family: "{FONT_FAMILY}"; font-size: {char_px}px;'
            f" padding: 0px; margin: 0px; border-width: {_BORDER}px; }}"
            f" QPushButton:pressed {{ border-width: {2 * _BORDER}px; }}"
            f' QPushButton[role="key_special"], QPushButton[role="choice_on"]'
            f" {{ font-size: {special_px}px; }}"
        )

    def _build(self, layout: Layout) -> _Panel:
        m = self._theme.metrics
        unit = max(m.target, self._font(m.heading).height() + m.gap)
        keys = QWidget(self)
        keys.setLayoutDirection(_direction(layout))  # fixed: never the application's
        rows = [self._visible(row) for row in ROWS[layout]]
        panel = _Panel(layout, keys, unit, rows, lang=self._lang)
        panel.widths = self._widths(panel)
        column = QVBoxLayout(keys)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(m.gap)
        rtl = layout is Layout.FA
        for row in rows:
            line = QHBoxLayout()
            line.setSpacing(m.gap)
            line.addStretch(1)
            # A right-to-left layout places the first widget on the right: add it last.
            for key in reversed(row) if rtl else row:
                line.addWidget(self._button(panel, key))
            line.addStretch(1)
            column.addLayout(line)
        self._outer.addWidget(keys)
        return panel

    def _relabel(self, panel: _Panel) -> None:
        """Put ``panel``'s labels in the current language, widening keys whose label grew."""
        panel.lang = self._lang
        changed = [(b, k) for b, k in panel.buttons if k.kind in LABELS or k.kind is Kind.DIGIT]
        for button, key in changed:
            label = self._label(panel, key)
            button.setText(label)
            button.setAccessibleName(label)
        if panel.layout is Layout.NUMERIC:  # one width for all: measure them all
            widths = self._widths(panel)
        else:
            widths = {**panel.widths, **{key: self._width(panel, key) for _, key in changed}}
        for button, key in panel.buttons:
            if widths[key] != panel.widths[key]:
                self._size(button, widths[key], panel.unit)
        panel.widths = widths

    def _retire(self, panel: _Panel) -> None:
        """Take a panel out of the widget tree now and delete it later (not from inside one of
        its own keys' ``clicked`` handlers)."""
        self._retired = [w for w in self._retired if shiboken6.isValid(w)]
        if self._panel is panel:
            self._panel = None
        self._outer.removeWidget(panel.widget)
        panel.widget.hide()
        panel.widget.setParent(None)
        panel.widget.deleteLater()
        self._retired.append(panel.widget)

    # -- keys ------------------------------------------------------------------------------

    def _visible(self, row: tuple[Key, ...]) -> tuple[Key, ...]:
        """The row's keys, without the language key (and a wider space bar) when not allowed."""
        if self._allow_switch:
            return row
        return tuple(
            replace(k, span=k.span + SWITCH.span) if k.kind is Kind.SPACE else k
            for k in row
            if k.kind is not Kind.SWITCH
        )

    def _font(self, px: int) -> QFontMetrics:
        metrics = self._fonts.get(px)
        if metrics is None:
            font = QFont(FONT_FAMILY)
            font.setPixelSize(px)
            metrics = self._fonts[px] = QFontMetrics(font)
        return metrics

    def _widths(self, panel: _Panel) -> dict[Key, int]:
        widths = {key: self._width(panel, key) for row in panel.rows for key in row}
        if panel.layout is Layout.NUMERIC:  # a pad is a grid: every key as wide as the widest
            widths = dict.fromkeys(widths, max(widths.values()))
        return widths

    def _width(self, panel: _Panel, key: Key) -> int:
        """The key's span in units, widened if its label needs more room."""
        m = self._theme.metrics
        px = m.heading if self._role(key) is Role.KEY else m.button
        label = self._font(px).horizontalAdvance(self._label(panel, key))
        return max(key.span * panel.unit + (key.span - 1) * m.gap, label + 2 * (m.gap + _BORDER))

    def _role(self, key: Key) -> Role:
        return Role.KEY if key.kind in LETTER_KINDS and not key.label else Role.KEY_SPECIAL

    def _label(self, panel: _Panel, key: Key) -> str:
        if key.label:
            return key.label
        if key.kind is Kind.SWITCH:
            return SWITCH_LABELS.get(panel.layout, "")
        if panel.layout is Layout.NUMERIC and key.kind in DIGIT_LABELS:
            return translate(self._lang, DIGIT_LABELS[key.kind])
        if key.kind in LABELS:
            return translate(self._lang, LABELS[key.kind])
        return self._text(key, panel.shift)

    def _text(self, key: Key, shift: bool = False) -> str:
        """What the key types."""
        if key.kind is Kind.DIGIT:
            return localize_digits(key.text, self._lang)
        if key.kind is Kind.SPACE:
            return " "
        return key.text.upper() if shift else key.text

    def _button(self, panel: _Panel, key: Key) -> QPushButton:
        label = self._label(panel, key)
        button = QPushButton(label)
        button.setObjectName("key-zwnj" if key.text == ZWNJ else f"key-{key.kind.name.lower()}")
        button.setAccessibleName(label)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # never take the focus from the text box
        button.setAutoDefault(False)
        self._size(button, panel.widths[key], panel.unit)
        button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        set_role(button, self._role(key))
        button.clicked.connect(lambda _checked=False, k=key: self._on_key(k))
        panel.buttons.append((button, key))
        return button

    @staticmethod
    def _size(button: QPushButton, width: int, height: int) -> None:
        # Sizes through the style sheet, which would otherwise override setFixedSize when it
        # polishes the button; the keyboard's sheet fixes the border, so this is the outer size.
        w, h = width - 2 * _BORDER, height - 2 * _BORDER
        button.setStyleSheet(
            f"min-width: {w}px; max-width: {w}px; min-height: {h}px; max-height: {h}px;"
        )

    # -- typing ----------------------------------------------------------------------------

    def _on_key(self, key: Key) -> None:
        if key.kind is Kind.ENTER:
            self.enter_pressed.emit()
        elif key.kind is Kind.SHIFT:
            self._set_shift(not self._shift)
        elif key.kind is Kind.SWITCH:
            self.set_layout(Layout.EN if self._layout is Layout.FA else Layout.FA)
        elif key.kind is Kind.BACKSPACE:
            self._backspace()
            self.key_pressed.emit("")
        else:
            text = self._text(key, self._shift)
            self._insert(text)
            self._set_shift(False)  # one-shot
            self.key_pressed.emit(text)

    def _set_shift(self, on: bool) -> None:
        """Turn the one-shot shift on or off; letter keys show their capitals while it is on."""
        self._shift = on
        panel = self._panel
        if panel is None or panel.shift == on:
            return
        panel.shift = on
        for button, key in panel.buttons:
            if key.kind is Kind.CHAR and not key.label:
                button.setText(self._text(key, on))
            elif key.kind is Kind.SHIFT:
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
