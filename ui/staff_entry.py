"""The staff way in on a public kiosk: a hidden gesture (five taps in the top-leading corner
within 3 s) or Ctrl+Alt+S opens an admin sign-in over the citizen screens, then the admin panel.

Everything happens in an overlay inside the kiosk window (a kiosk compositor shows one window),
with its own on-screen keyboard for the panel's text boxes. The overlay closes on sign-out, on
Cancel and when the kiosk's idle timeout ends the session; leaving kiosk mode quits the app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

from ui.context import UiContext
from ui.theme import Role, set_role
from ui.widgets.common import vbox

log = logging.getLogger("ui")


class StaffEntry(QObject):
    leave_requested = Signal()

    def __init__(
        self,
        window: QWidget,
        ctx: UiContext,
        *,
        on_enrolled: Callable[[Any], object] = lambda _e: None,
        on_closed: Callable[[], object] = lambda: None,
    ) -> None:
        super().__init__(window)
        from ui.staff_signin import CornerTapDetector, install_staff_shortcut

        self.window = window
        self.ctx = ctx
        self.on_enrolled = on_enrolled
        self.on_closed = on_closed
        self.overlay = QWidget(window)
        self.overlay.setObjectName("staff-overlay")
        set_role(self.overlay, Role.PAGE)
        self.overlay.setAutoFillBackground(True)
        self.box = vbox(self.overlay)
        self.overlay.hide()
        self.content: QWidget | None = None
        self.keyboard: Any = None
        self.gesture = CornerTapDetector(window, px_per_mm=ctx.theme.metrics.px_per_mm)
        self.gesture.triggered.connect(self.open)
        self.gesture.install()
        self.shortcut = install_staff_shortcut(window, self.open)

    @property
    def is_open(self) -> bool:
        return self.overlay.isVisible()

    @Slot()
    def open(self) -> None:
        """Show the admin sign-in (once the database is open; never twice)."""
        if self.is_open or not self.ctx.core_is_open:
            return
        from ui.admin.desk import StaffDesk
        from ui.staff_signin import StaffSignIn

        desk = StaffDesk.open(self.ctx)
        signin = StaffSignIn(desk, touch=True, admin_only=True)
        signin.signed_in.connect(lambda member: self._show_panel(desk, member))
        signin.cancelled.connect(self.close)
        signin.reset()
        self._set_content(signin)
        self.overlay.setStyleSheet(self.ctx.style_sheet)
        self.overlay.setGeometry(self.window.rect())
        self.overlay.show()
        self.overlay.raise_()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus)
        log.info("staff sign-in opened")

    def _show_panel(self, desk: Any, member: Any) -> None:
        from ui.admin.panel import AdminPanel

        panel = AdminPanel(desk, member, sync_now=self.ctx.sync_now, show_leave=True)
        panel.leave_requested.connect(self.leave_requested.emit)
        panel.close_requested.connect(self.close)
        panel.enrolled.connect(self.on_enrolled)
        self._set_content(panel)

    def _set_content(self, widget: QWidget) -> None:
        if self.content is not None:
            self.content.hide()
            self.content.deleteLater()
        self.content = widget
        self.box.insertWidget(0, widget, 1)
        widget.show()

    @Slot()
    def close(self) -> None:
        if not self.is_open:
            return
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.disconnect(self._on_focus)
        if self.keyboard is not None:
            self.keyboard.attach(None)
            self.keyboard.hide()
        if self.content is not None:
            self.content.hide()
            self.content.deleteLater()
            self.content = None
        self.overlay.hide()
        log.info("staff overlay closed")
        self.on_closed()

    def resize(self) -> None:
        if self.is_open:
            self.overlay.setGeometry(self.window.rect())

    # -- an on-screen keyboard for the panel's text boxes (a public kiosk has no other) ----

    def _on_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        if not isinstance(new, QLineEdit | QPlainTextEdit) or not self.overlay.isAncestorOf(new):
            return
        if self.content is not None and "StaffSignIn" in type(self.content).__name__:
            return  # the sign-in has its own PIN pad
        from ui.widgets.keyboard import Layout, OnScreenKeyboard

        if self.keyboard is None:
            self.keyboard = OnScreenKeyboard(self.ctx.theme, self.ctx.lang, self.overlay)
            self.box.addWidget(self.keyboard, 0, Qt.AlignmentFlag.AlignHCenter)
        kind = new.property("keyboard")
        layout = Layout(kind) if isinstance(kind, str) else Layout.EN
        self.keyboard.set_layout(layout, self.ctx.lang)
        self.keyboard.attach(new)
        self.keyboard.show()
