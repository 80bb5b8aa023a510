"""Where the on-screen keyboard goes: attached to the focused text box, in its screen's slot.

The main window owns one :class:`KeyboardDock`. The keyboard itself is made the first time a text
box needs it (or when :meth:`KeyboardDock.prepare` is called, after start-up): the home screen
has no text box, and the kiosk paints it before loading the keyboard's modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from ui.context import UiContext

if TYPE_CHECKING:
    from ui.screens.base import Screen
    from ui.widgets.keyboard import OnScreenKeyboard


class KeyboardDock(QObject):
    enter_pressed = Signal()  # the keyboard's Enter key

    def __init__(self, ctx: UiContext, window: QWidget, bottom: QBoxLayout) -> None:
        super().__init__(window)
        self.ctx = ctx
        self._window = window
        self._bottom = bottom  # for a screen without a slot for it
        self._keyboard: OnScreenKeyboard | None = None
        self._target: QWidget | None = None

    @property
    def keyboard(self) -> OnScreenKeyboard:
        """The keyboard (made now if it was not yet)."""
        if self._keyboard is None:
            from ui.widgets.keyboard import OnScreenKeyboard

            keyboard = OnScreenKeyboard(self.ctx.theme, self.ctx.lang, self._window)
            keyboard.hide()
            keyboard.enter_pressed.connect(self.enter_pressed.emit)
            self._keyboard = keyboard
        return self._keyboard

    def prepare(self) -> None:
        """Make the keyboard now (in idle time), not when the first citizen needs it."""
        _ = self.keyboard

    def update(self, widget: QWidget | None, screen: Screen) -> None:
        """Show the keyboard the focused text box asks for, attached to it.

        Focus moving elsewhere on the same screen (the error summary takes it) keeps the
        keyboard on its text box; it hides when no text box of the current screen is left.
        """
        if isinstance(widget, QLineEdit | QPlainTextEdit) and screen.isAncestorOf(widget):
            from ui.widgets.keyboard import Layout

            kind = widget.property("keyboard")
            layout = (
                Layout(kind)
                if isinstance(kind, str)
                else (Layout.FA if self.ctx.lang == "fa" else Layout.EN)
            )
            keyboard = self.keyboard
            # It follows the language here, as it shows: a language switch that also changes
            # the layout does not relabel the keys about to be hidden.
            if layout is not keyboard.layout_kind() or self.ctx.lang != keyboard.language():
                keyboard.set_layout(layout, self.ctx.lang)
            self._place(screen.keyboard_slot())
            keyboard.attach(widget)
            self._target = widget
            keyboard.show()
            return
        target = self._target
        if (
            target is not None
            and shiboken6.isValid(target)
            and target.isVisible()
            and screen.isAncestorOf(target)
        ):
            if self._keyboard is not None and self._keyboard.language() != self.ctx.lang:
                self._keyboard.set_language(self.ctx.lang)  # still shown: relabel it now
            return
        self._target = None
        if self._keyboard is not None:
            self._keyboard.attach(None)
            self._keyboard.hide()

    def clear(self, lang: str) -> None:
        """The session ended: no target, shift off, the layout of ``lang`` (the kiosk's default
        language), hidden."""
        self._target = None
        if self._keyboard is not None:
            self._keyboard.clear(lang)
            self._keyboard.hide()

    def set_theme(self) -> None:
        if self._keyboard is not None:
            self._keyboard.set_theme(self.ctx.theme)
            if self._bottom.indexOf(self._keyboard) >= 0:
                self._keyboard.set_frame_sheet(self.ctx.style_sheet)

    def _place(self, slot: QBoxLayout | None) -> None:
        """Move the keyboard into the screen's slot, or to the bottom of the window (where no
        screen's style sheet reaches it, so it carries the theme's own)."""
        keyboard = self.keyboard
        layout = slot if slot is not None else self._bottom
        if layout.indexOf(keyboard) < 0:
            layout.addWidget(keyboard, 0, Qt.AlignmentFlag.AlignBottom)
            keyboard.set_frame_sheet(self.ctx.style_sheet if slot is None else "")
