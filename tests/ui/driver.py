"""Drive the kiosk as a citizen does: tap buttons and keys on the screen, read what it shows."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.exceptions import TimeoutError
from pytestqt.qtbot import QtBot

from kiosk.text import strip_isolates, to_persian_digits
from ui.run import Kiosk
from ui.screens.base import ScreenId


class Driver:
    def __init__(self, qtbot: QtBot, kiosk: Kiosk) -> None:
        self.qtbot = qtbot
        self.kiosk = kiosk
        self.window = kiosk.window

    # -- looking -------------------------------------------------------------------------

    @property
    def screen(self) -> ScreenId:
        return self.window.current.screen_id

    def wait_for(self, screen: ScreenId, timeout: int = 10_000) -> None:
        self.qtbot.waitUntil(lambda: self.screen is screen, timeout=timeout)

    def find(self, name: str, root: QWidget | None = None) -> QWidget:
        """The visible widget called ``name`` (waiting a moment for one that is appearing)."""
        root = root or self.window

        def visible() -> list[QWidget]:
            return [w for w in root.findChildren(QWidget, name) if w.isVisible()]

        try:
            self.qtbot.waitUntil(lambda: bool(visible()), timeout=2000)
        except TimeoutError:
            raise AssertionError(f"no visible widget named {name!r} on {self.screen}") from None
        return visible()[0]

    def texts(self) -> list[str]:
        """Every text visible on the window, for assertions on what a citizen can read."""
        out = []
        for widget in self.window.findChildren(QWidget):
            if not widget.isVisible():
                continue
            if isinstance(widget, (QLabel | QAbstractButton, QLineEdit)):
                out.append(widget.text())
            elif isinstance(widget, QPlainTextEdit):
                out.append(widget.toPlainText())
        return [t for t in out if t]

    def shows(self, text: str, timeout: int = 2000) -> bool:
        """Whether ``text`` is (or within ``timeout`` ms becomes) visible on the window; a text
        without bidi isolates matches one with them, as a reader sees no isolates."""

        def found() -> bool:
            return any(text in t or text in strip_isolates(t) for t in self.texts())

        try:
            self.qtbot.waitUntil(found, timeout=timeout)
        except TimeoutError:
            return False
        return True

    # -- touching ------------------------------------------------------------------------

    def tap_widget(self, widget: QWidget) -> None:
        assert widget.isVisible() and widget.isEnabled(), widget.objectName()
        self.qtbot.mouseClick(
            widget, Qt.MouseButton.LeftButton, pos=QPoint(widget.width() // 2, widget.height() // 2)
        )

    def tap(self, name: str) -> None:
        self.tap_widget(self.find(name))

    def tap_text(self, text: str) -> None:
        for button in self.window.findChildren(QAbstractButton):
            if button.isVisible() and button.text() == text:
                self.tap_widget(button)
                return
        raise AssertionError(f"no visible button reading {text!r}")

    def start(self, service_code: str) -> None:
        self.tap(f"tile-{service_code}")
        self.wait_for(ScreenId.QUESTION)

    def choose(self, value: str) -> None:
        self.tap(f"choice-{value}")

    def cont(self) -> None:
        self.tap("continue")

    def key_for(self, ch: str) -> QAbstractButton | None:
        keyboard = self.window.keyboard
        keys = [b for b in keyboard.findChildren(QAbstractButton) if b.isVisible()]
        for key in keys:
            if key.text() == ch or (ch.isdigit() and key.text() == to_persian_digits(ch)):
                return key
            if ch == " " and key.objectName() == "key-space":
                return key
            if ch == "\u200c" and key.text() == "نیم\u200cفاصله":  # the half-space key
                return key
        return None

    def type_on_screen(self, text: str) -> None:
        """Type ``text`` with the on-screen keyboard's keys, as a finger would."""
        keyboard = self.window.keyboard
        self.qtbot.waitUntil(keyboard.isVisible, timeout=2000)
        for ch in text:
            try:
                self.qtbot.waitUntil(lambda ch=ch: self.key_for(ch) is not None, timeout=500)
            except TimeoutError:
                # Not on this layout: a citizen taps the language key (فارسی / English).
                switch = [
                    b
                    for b in keyboard.findChildren(QAbstractButton)
                    if b.isVisible() and b.objectName() == "key-switch"
                ]
                assert switch, f"no key {ch!r} on the {keyboard.layout_kind()} keyboard"
                self.tap_widget(switch[0])
                try:
                    self.qtbot.waitUntil(lambda ch=ch: self.key_for(ch) is not None, timeout=2000)
                except TimeoutError:
                    raise AssertionError(f"no key {ch!r} on either text keyboard") from None
            key = self.key_for(ch)
            assert key is not None
            self.tap_widget(key)

    def answer_text(self, text: str) -> None:
        self.type_on_screen(text)
        self.cont()

    def answer_choice(self, value: str) -> None:
        self.choose(value)
        self.cont()
