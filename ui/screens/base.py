"""The screen base class and the typed screen state.

Each screen is one module and one :class:`Screen` subclass. The main window builds a screen the
first time it is needed, moves between them with :class:`ScreenId` values (never strings) and
calls the hooks: ``enter`` when a screen becomes current (with a new :attr:`Screen.scope` for the
background work of this visit), ``leave`` when it stops being current (the scope ends),
``retranslate`` after a language switch, ``before_restyle`` and ``apply_theme`` around a theme or
text-size switch, and ``wipe`` when a session ends.

Switches of language and theme reach only the current screen at once; a hidden screen gets the
new style sheet and ``apply_theme`` just before it is entered again, and its ``enter`` shows its
content in the session's language (so a screen whose ``enter`` does not retranslate must check
the language itself).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QWidget

from ui.context import UiContext
from ui.worker import Scope


class ScreenId(Enum):
    ATTRACT = "attract"
    HOME = "home"
    QUESTION = "question"
    CHECK = "check"
    CONFIRMATION = "confirmation"
    BILL_RESULT = "bill-result"
    TRACK = "track"
    ANNOUNCEMENTS = "announcements"


class Screen(QWidget):
    """One screen of the kiosk."""

    screen_id: ScreenId
    # Ask the main window to move: (ScreenId, dict of parameters for the target's enter()).
    navigate = Signal(object, dict)
    # The session is over (Finish, Home): wipe everything and go home.
    finish = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # Owns the background work of one visit (the main window renews it at each entry and
        # ends it when the screen is left), inside the citizen's session.
        self.scope = Scope(ctx.session.scope)
        self.setObjectName("screen")
        self.setStyleSheet(ctx.style_sheet)  # before the children exist: nothing to re-polish

    def go(self, target: ScreenId, **params: Any) -> None:
        self.navigate.emit(target, params)

    def enter(self, **params: Any) -> None:
        """Show the screen's current content (from the session and ``params``), in the
        session's language."""

    def leave(self) -> None:
        """The screen stops being current."""

    def retranslate(self) -> None:
        """Set every text again in ``self.ctx.lang``."""

    def before_restyle(self) -> None:
        """The theme's style sheet is about to change: drop widgets kept for later, so they
        are not re-styled for nothing (they are made again, in the new theme, when needed)."""

    def apply_theme(self) -> None:
        """Sizes or colours changed (``self.ctx.theme``); the new style sheet is in place."""

    def wipe(self) -> None:
        """Forget every trace of the citizen in this screen's widgets."""

    def keyboard_slot(self) -> QBoxLayout | None:
        """Where this screen wants the on-screen keyboard (between its Back and Continue),
        or None for the bottom of the window."""
        return None

    def on_enter_key(self) -> None:
        """The keyboard's Enter key (or a scanner's) was pressed on this screen."""

    def on_synced(self) -> None:
        """A sync cycle ended while this screen is current: what it shows from the database
        may be out of date (read it again on the background runner, never here)."""
