"""The kiosk window: header, the screens, the on-screen keyboard and the idle warning.

All wiring between them is in :meth:`MainWindow._connect_signals`; screens never reach each
other, they ask the window to move (``Screen.navigate``) or to end the session
(``Screen.finish``).
"""

from __future__ import annotations

import logging
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer, Slot
from PySide6.QtGui import QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QWidget,
)

from kiosk.i18n import N_, is_rtl
from kiosk.models import TxState
from ui import appsetup
from ui.context import UiContext
from ui.header import Header
from ui.idle import IdleWatcher
from ui.screens.announcements import AnnouncementsScreen
from ui.screens.attract import AttractScreen
from ui.screens.base import Screen, ScreenId
from ui.screens.bill_result import BillResultScreen
from ui.screens.check import CheckScreen
from ui.screens.confirmation import ConfirmationScreen
from ui.screens.home import HomeScreen
from ui.screens.question import QuestionScreen
from ui.screens.track import TrackScreen
from ui.status import SyncStatus
from ui.theme import Role, ThemeName
from ui.widgets.common import label, vbox
from ui.widgets.keyboard import Layout, OnScreenKeyboard
from ui.widgets.timeout import TimeoutOverlay

log = logging.getLogger("ui")

SCREENS: tuple[type[Screen], ...] = (
    AttractScreen, HomeScreen, QuestionScreen, CheckScreen, ConfirmationScreen,
    BillResultScreen, TrackScreen, AnnouncementsScreen,
)  # fmt: skip
STATUS_REFRESH_MS = 15_000


class ScreenStack(QStackedWidget):
    """Sized by the current screen only (QStackedWidget asks for the largest of all)."""

    def sizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.sizeHint() if current is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.minimumSizeHint() if current is not None else super().minimumSizeHint()


class MainWindow(QWidget):
    def __init__(
        self, ctx: UiContext, *, idle_ms: int | None = None, warning_s: int | None = None
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("main")
        self.setWindowTitle(ctx.settings.station.name)
        ui = ctx.settings.ui
        self.header = Header(ctx)
        self.stack = ScreenStack()
        self.keyboard = OnScreenKeyboard(ctx.theme, ctx.lang)
        self.keyboard.hide()
        self.failure = label(role=Role.ERROR)
        self.failure.hide()
        box = vbox(self)
        self.window_box = box
        box.addWidget(self.header)
        box.addWidget(self.failure)
        box.addWidget(self.stack, 1)
        box.addWidget(self.keyboard)
        self.screens: dict[ScreenId, Screen] = {}
        for cls in SCREENS:
            screen = cls(ctx)
            self.screens[cls.screen_id] = screen
            self.stack.addWidget(screen)
        self.current: Screen = self.screens[ScreenId.HOME]
        self.overlay = TimeoutOverlay(ctx, self)
        self.idle = IdleWatcher(
            idle_ms or ui.idle_timeout * 1000, warning_s or ui.idle_warning, self
        )
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(STATUS_REFRESH_MS)
        self.painted = False
        self._keyboard_target: QWidget | None = None
        self._pending_catalog: Any = None
        self._connect_signals()
        self.move_to(ScreenId.HOME)
        self.refresh_status()

    # -- wiring --------------------------------------------------------------------------

    def _connect_signals(self) -> None:
        for screen in self.screens.values():
            screen.navigate.connect(self.on_navigate)
            screen.finish.connect(self.end_session)
        self.header.home.connect(self.end_session)
        self.header.language.connect(self.on_language_button)
        self.header.large_text.connect(self.on_large_text_button)
        self.header.contrast.connect(self.on_contrast_button)
        self.ctx.language_changed.connect(self.on_language_changed)
        self.ctx.theme_changed.connect(self.on_theme_changed)
        self.ctx.status_changed.connect(self.header.show_status)
        self.ctx.runner.failed.connect(self.on_background_failure)
        self.keyboard.enter_pressed.connect(self.on_enter)
        self.idle.idle.connect(self.on_idle)
        self.idle.tick.connect(self.overlay.show_countdown)
        self.idle.expired.connect(self.on_idle_expired)
        self.overlay.more_time.connect(self.on_more_time)
        self.overlay.end_now.connect(self.on_idle_expired)
        self.status_timer.timeout.connect(self.refresh_status)
        self.status_timer.start()
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self.on_focus_changed)
        app.installEventFilter(self.idle)

    # -- navigation ----------------------------------------------------------------------

    @Slot(object, dict)
    def on_navigate(self, target: ScreenId, params: dict[str, Any]) -> None:
        self.move_to(target, **params)

    def move_to(self, target: ScreenId, **params: Any) -> None:
        self.current.leave()
        screen = self.screens[target]
        self.current = screen
        self.stack.setCurrentWidget(screen)
        self.stack.updateGeometry()
        self.header.set_home_visible(target not in (ScreenId.HOME, ScreenId.ATTRACT))
        self.header.setVisible(target is not ScreenId.ATTRACT)
        self.failure.hide()
        screen.enter(**params)
        self.update_keyboard(self.focusWidget())
        self.idle.restart()
        if target is ScreenId.CONFIRMATION:
            self.refresh_status()

    @Slot()
    def end_session(self) -> None:
        """Wipe everything of this citizen and go home: answers, screens, keyboard, overlay."""
        self.overlay.hide()
        self.idle.restart()
        self.keyboard.clear()
        self.keyboard.hide()
        self._keyboard_target = None
        for screen in self.screens.values():
            screen.wipe()
        default = self.ctx.settings.ui.language
        self.ctx.session.wipe(self.ctx.lang)
        self.ctx.set_language(default)
        self.ctx.set_theme(ThemeName.NORMAL, False)
        self._apply_pending_catalog()
        self.move_to(ScreenId.HOME)
        log.info("session ended")

    # -- idle ----------------------------------------------------------------------------

    @Slot()
    def on_idle(self) -> None:
        if self.current.screen_id is ScreenId.ATTRACT:
            return
        if self.current.screen_id is ScreenId.HOME and not self.ctx.session.service_code:
            self.end_session()
            self.move_to(ScreenId.ATTRACT)
            self.idle.stop()
            return
        self.idle.start_warning()

    @Slot()
    def on_more_time(self) -> None:
        self.overlay.hide()
        self.idle.restart()

    @Slot()
    def on_idle_expired(self) -> None:
        self.idle.stop()
        self.end_session()

    # -- language and theme --------------------------------------------------------------

    @Slot()
    def on_language_button(self) -> None:
        self.ctx.set_language("en" if self.ctx.lang == "fa" else "fa")

    @Slot()
    def on_large_text_button(self) -> None:
        self.ctx.set_theme(self.ctx.theme_name, not self.ctx.large_text)

    @Slot()
    def on_contrast_button(self) -> None:
        other = (
            ThemeName.NORMAL if self.ctx.theme_name is ThemeName.CONTRAST else ThemeName.CONTRAST
        )
        self.ctx.set_theme(other, self.ctx.large_text)

    @Slot(str)
    def on_language_changed(self, lang: str) -> None:
        appsetup.apply_language(lang)
        self.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if is_rtl(lang) else Qt.LayoutDirection.LeftToRight
        )
        if isinstance(self.current, QuestionScreen):
            self.current.store_raw()
        self.keyboard.set_language(lang)
        self.header.retranslate()
        self.overlay.retranslate()
        for screen in self.screens.values():
            screen.retranslate()
        self.update_keyboard(self.focusWidget())

    @Slot(object)
    def on_theme_changed(self, _theme: object) -> None:
        appsetup.apply_theme(self.ctx.theme)
        self.keyboard.set_theme(self.ctx.theme)
        self.header.retranslate()
        for screen in self.screens.values():
            screen.apply_theme()
        self.update_keyboard(self.focusWidget())

    # -- keyboard ------------------------------------------------------------------------

    @Slot(QWidget, QWidget)
    def on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self.update_keyboard(new)

    def update_keyboard(self, widget: QWidget | None) -> None:
        """Show the keyboard the focused text box asks for, attached to it.

        Focus moving elsewhere on the same screen (the error summary takes it) keeps the
        keyboard on its text box; it hides when no text box of the current screen is left.
        """
        if isinstance(widget, QLineEdit | QPlainTextEdit) and self.current.isAncestorOf(widget):
            kind = widget.property("keyboard")
            layout = (
                Layout(kind)
                if isinstance(kind, str)
                else (Layout.FA if self.ctx.lang == "fa" else Layout.EN)
            )
            if layout is not self.keyboard.layout_kind():
                self.keyboard.set_layout(layout)
            self._place_keyboard(self.current.keyboard_slot())
            self.keyboard.attach(widget)
            self._keyboard_target = widget
            self.keyboard.show()
            return
        target = self._keyboard_target
        if (
            target is not None
            and shiboken6.isValid(target)
            and target.isVisible()
            and self.current.isAncestorOf(target)
        ):
            return
        self._keyboard_target = None
        self.keyboard.attach(None)
        self.keyboard.hide()

    def _place_keyboard(self, slot: QBoxLayout | None) -> None:
        """Move the keyboard into the screen's slot, or to the bottom of the window."""
        layout = slot if slot is not None else self.window_box
        if layout.indexOf(self.keyboard) < 0:
            layout.addWidget(self.keyboard, 0, Qt.AlignmentFlag.AlignBottom)

    @Slot()
    def on_enter(self) -> None:
        self.current.on_enter_key()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.current.on_enter_key()  # a hardware keyboard or a barcode scanner's Enter
            return
        super().keyPressEvent(event)

    # -- status and failures -------------------------------------------------------------

    @Slot()
    def refresh_status(self) -> None:
        queue = self.ctx.core.queue
        self.ctx.runner.run(queue.counts, on_success=self.on_counts)

    def on_counts(self, counts: dict[TxState, int]) -> None:
        depth = counts[TxState.PENDING] + counts[TxState.IN_FLIGHT]
        status = self.ctx.status
        self.ctx.set_status(
            SyncStatus(status.online, depth, status.last_sync, status.needs_enrollment)
        )

    @Slot(object)
    def on_sync_report(self, report: Any) -> None:
        """A sync cycle ended (on the engine's thread; this runs on the UI thread)."""
        status = self.ctx.status
        last = (
            status.last_sync if report.error else self.ctx.core.state.sync_record().last_success_at
        )
        self.ctx.set_status(
            SyncStatus(report.online, status.queue_depth, last, report.needs_enrollment)
        )
        self.refresh_status()

    @Slot(object)
    def on_catalog(self, catalog: Any) -> None:
        """A new catalog arrived: use it now if nobody is mid-journey, else after the session."""
        self._pending_catalog = catalog
        if self.ctx.session.service_code is None and self.current.screen_id in (
            ScreenId.HOME,
            ScreenId.ATTRACT,
        ):
            self._apply_pending_catalog()

    def _apply_pending_catalog(self) -> None:
        catalog = self._pending_catalog
        if catalog is None:
            return
        self._pending_catalog = None
        settings = self.ctx.settings
        self.ctx.core.use_catalog(catalog, settings.catalog_dir / "current.json")
        old = self.screens[ScreenId.HOME]
        home = HomeScreen(self.ctx)
        home.navigate.connect(self.on_navigate)
        home.finish.connect(self.end_session)
        self.screens[ScreenId.HOME] = home
        self.stack.insertWidget(self.stack.indexOf(old), home)
        self.stack.removeWidget(old)
        old.deleteLater()
        if self.current is old:
            self.current = home
            self.stack.setCurrentWidget(home)
            home.enter()
        log.info("now using catalog %s", catalog.version)

    @Slot(object)
    def on_background_failure(self, exc: object) -> None:
        self.failure.setText(
            self.ctx.t(
                N_(
                    "Something went wrong on this kiosk. Please try again, "
                    "or ask a member of staff."
                )
            )
        )
        self.failure.show()

    # -- geometry and first paint ----------------------------------------------------------

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.rect())

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted = True

    def shutdown(self) -> None:
        self.status_timer.stop()
        self.idle.stop()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.removeEventFilter(self.idle)
            app.focusChanged.disconnect(self.on_focus_changed)
        self.ctx.runner.wait_for_done()
