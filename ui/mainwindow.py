"""The kiosk window: header, the screens, the on-screen keyboard and the idle warning.

All wiring between them is in :meth:`MainWindow._connect_signals` (and
:meth:`MainWindow._connect_screen` for each screen, built the first time it is needed); screens
never reach each other, they ask the window to move (``Screen.navigate``) or to end the session
(``Screen.finish``).

There is no application-wide style sheet: each part of the window (header, failure line, idle
warning, each screen) carries the theme's sheet, so a theme switch re-styles what shows now and a
hidden screen is re-styled when it is next entered, instead of every widget of every screen at
once. The home screen is never re-styled: a switch shows its copy in the new theme
(``ui.home_copies``). Likewise a language switch retranslates what shows; a screen's ``enter``
does the rest.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QClipboard, QKeyEvent, QPaintEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QStackedWidget, QWidget

from kiosk.i18n import N_, is_rtl
from ui import appsetup
from ui.context import UiContext
from ui.header import Header
from ui.home_copies import HomeCopies
from ui.idle import IdleWatcher
from ui.keyboard_dock import KeyboardDock
from ui.screens.base import Screen, ScreenId
from ui.screens.registry import screen_class
from ui.status import SyncStatus
from ui.theme import Role, ThemeName
from ui.widgets.common import label, vbox
from ui.widgets.timeout import TimeoutOverlay
from ui.worker import Scope

if TYPE_CHECKING:
    from ui.widgets.keyboard import OnScreenKeyboard

log = logging.getLogger("ui")

STATUS_REFRESH_MS = 15_000


class ScreenStack(QStackedWidget):
    """Sized by the current screen only (QStackedWidget asks for the largest of all)."""

    def sizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.sizeHint() if current is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.minimumSizeHint() if current is not None else super().minimumSizeHint()


def clear_clipboard() -> None:
    """Empty the clipboard (and the X11 selection): the next citizen must not paste what the
    previous one copied."""
    clipboard = QApplication.clipboard()
    clipboard.clear(QClipboard.Mode.Clipboard)
    if clipboard.supportsSelection():
        clipboard.clear(QClipboard.Mode.Selection)


class MainWindow(QWidget):
    first_painted = Signal()  # once, when the window has painted for the first time

    def __init__(
        self, ctx: UiContext, *, idle_ms: int | None = None, warning_s: int | None = None
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("main")
        self.setWindowTitle(ctx.settings.station.name_in(ctx.lang))
        ui = ctx.settings.ui
        self.header = Header(ctx)
        self.stack = ScreenStack()
        self.failure = label(role=Role.ERROR)
        self.failure.setStyleSheet(ctx.style_sheet)
        self.failure.hide()
        box = self.window_box = vbox(self)
        box.addWidget(self.header)
        box.addWidget(self.failure)
        box.addWidget(self.stack, 1)
        self.dock = KeyboardDock(ctx, self, box)  # the keyboard: made when first needed
        self.screens: dict[ScreenId, Screen] = {}  # built on first use (screen_for)
        self.homes = HomeCopies(lambda: self._new_screen(ScreenId.HOME))
        # Home tiles have the style sheet's min-height until the theme is first switched, then
        # HomeScreen.apply_theme's (1.35 or 1.6 targets): as the kiosk always looked (see move_to).
        self._theme_switched = False
        self.current: Screen = self.screen_for(ScreenId.HOME)
        self.overlay = TimeoutOverlay(ctx, self)
        self.idle = IdleWatcher(
            idle_ms or ui.idle_timeout * 1000, warning_s or ui.idle_warning, self
        )
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(STATUS_REFRESH_MS)
        self.painted = False
        self._pending_catalog: Any = None
        self.staff_entry: Any = None  # ui.staff_entry.StaffEntry, once the core is open
        self._connect_signals()
        self.move_to(ScreenId.HOME)
        self.refresh_status()

    # -- wiring --------------------------------------------------------------------------

    def _connect_signals(self) -> None:
        # Each screen is wired as it is built (screen_for() calls _connect_screen).
        self.header.home.connect(self.end_session)
        self.header.language.connect(self.on_language_button)
        self.header.large_text.connect(self.on_large_text_button)
        self.header.contrast.connect(self.on_contrast_button)
        self.ctx.language_changed.connect(self.on_language_changed)
        self.ctx.theme_changed.connect(self.on_theme_changed)
        self.ctx.status_changed.connect(self.header.show_status)
        self.ctx.runner.failed.connect(self.on_background_failure)
        self.dock.enter_pressed.connect(self.on_enter)
        self.idle.idle.connect(self.on_idle)
        self.idle.tick.connect(self.overlay.show_countdown)
        self.idle.expired.connect(self.on_idle_expired)
        self.overlay.more_time.connect(self.on_more_time)
        self.overlay.end_now.connect(self.on_idle_expired)
        self.status_timer.timeout.connect(self.refresh_status)
        self.status_timer.start()
        self.ctx.core_opened.connect(self.on_core_opened)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self.on_focus_changed)
        # The idle watcher filters the window's QWindow (showEvent), not the application.

    def _connect_screen(self, screen: Screen) -> None:
        screen.navigate.connect(self.on_navigate)
        screen.finish.connect(self.end_session)

    # -- navigation ----------------------------------------------------------------------

    def screen_for(self, screen_id: ScreenId) -> Screen:
        """The screen ``screen_id``, built (and wired) the first time it is needed."""
        if screen_id is ScreenId.HOME:
            self.screens[screen_id] = self.homes.get(self.ctx.style_sheet)
        screen = self.screens.get(screen_id)
        if screen is None:
            screen = self.screens[screen_id] = self._new_screen(screen_id)
        return screen

    def _new_screen(self, screen_id: ScreenId) -> Screen:
        screen = screen_class(screen_id)(self.ctx, self.stack)  # no re-parenting later
        self._connect_screen(screen)
        self.stack.addWidget(screen)
        return screen

    @Slot(object, dict)
    def on_navigate(self, target: ScreenId, params: dict[str, Any]) -> None:
        self.move_to(target, **params)

    def move_to(self, target: ScreenId, **params: Any) -> None:
        self.current.leave()
        self.current.scope.end()  # its results, if any come back, are nobody's now
        screen = self.screen_for(target)
        if screen.styleSheet() != self.ctx.style_sheet:  # hidden during a theme switch
            screen.before_restyle()
            self._style(screen)
            screen.apply_theme()
        self.current = screen
        self.stack.setCurrentWidget(screen)  # shown: polished by now
        if target is ScreenId.HOME and self._theme_switched:
            screen.apply_theme()  # the tile heights, over the style sheet's (see __init__)
        self.stack.updateGeometry()
        self.header.set_home_visible(target not in (ScreenId.HOME, ScreenId.ATTRACT))
        self.header.setVisible(target is not ScreenId.ATTRACT)
        self.failure.hide()
        screen.scope = Scope(self.ctx.session.scope)
        screen.enter(**params)
        self.update_keyboard(self.focusWidget())
        self.idle.restart()
        if target is ScreenId.CONFIRMATION:  # one more waiting: after the page is painted
            QTimer.singleShot(1, self.refresh_status)

    @Slot()
    def end_session(self) -> None:
        """Wipe everything of this citizen and go home: answers, screens, keyboard, overlay,
        the clipboard, and any background result (a late submit, a receipt not yet printed)
        still to come back for them."""
        self.overlay.hide()
        if self.staff_entry is not None and self.staff_entry.is_open:
            self.staff_entry.close()  # an idle admin panel ends too
        self.idle.restart()
        self.ctx.session.scope.end()  # first: nothing that comes back now reaches anyone
        self.dock.clear(self.ctx.settings.ui.language)
        clear_clipboard()
        focused = self.focusWidget()
        if focused is not None:  # no text box keeps (and re-shows) the keyboard meanwhile
            focused.clearFocus()
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
        if self.current.screen_id is ScreenId.QUESTION:
            from ui.screens.question import QuestionScreen

            assert isinstance(self.current, QuestionScreen)
            self.current.store_raw()
        self.header.retranslate()
        self.overlay.retranslate()
        self.current.retranslate()  # the others when they are entered
        self.update_keyboard(self.focusWidget())

    @Slot(object)
    def on_theme_changed(self, _theme: object) -> None:
        self._theme_switched = True
        appsetup.apply_theme(self.ctx.theme)
        self._style(self.header)  # the failure line and the warning when they show
        if self.current.screen_id is ScreenId.HOME:
            self.move_to(ScreenId.HOME)  # its copy in this theme
        else:  # hidden screens when they are entered (move_to)
            self.current.before_restyle()
            self._style(self.current)
            self.current.apply_theme()
        self.dock.set_theme()
        self.header.retranslate()
        self.update_keyboard(self.focusWidget())

    def _style(self, part: QWidget) -> bool:
        """Give a part of the window the theme's style sheet unless it has it; whether it had
        to (the failure line and the idle warning get it when they show)."""
        if part.styleSheet() == self.ctx.style_sheet:
            return False
        part.setStyleSheet(self.ctx.style_sheet)
        return True

    # -- keyboard ------------------------------------------------------------------------

    @Slot(QWidget, QWidget)
    def on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self.update_keyboard(new)

    def prepare(self) -> None:
        """Build what a first journey needs (the question screen, the keyboard, the home screen
        in the other colours), in idle time after start-up rather than at a citizen's tap."""
        self.screen_for(ScreenId.QUESTION)
        self.dock.prepare()
        normal = self.ctx.theme_name is ThemeName.NORMAL
        other = ThemeName.CONTRAST if normal else ThemeName.NORMAL  # same sizes: same layout
        self.homes.get(self.ctx.style_sheet_for(other, self.ctx.large_text))

    def update_keyboard(self, widget: QWidget | None) -> None:
        self.dock.update(widget, self.current)

    @property
    def keyboard(self) -> OnScreenKeyboard:
        return self.dock.keyboard

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
        if self.ctx.core_is_open:  # else on_core_opened does it
            queue = self.ctx.core.queue
            self.ctx.runner.run(queue.counts, on_success=self.on_counts)

    @Slot(object)
    def on_core_opened(self, _core: object) -> None:
        self.refresh_status()

    def on_counts(self, counts: dict[Any, int]) -> None:
        from kiosk.models import TxState

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
        self.current.on_synced()  # e.g. a newer status of the request on the Track screen

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
        self.ctx.use_catalog(catalog, settings.catalog_dir / "current.json")
        old = self.homes.drop_all()
        self._theme_switched = False  # a new home screen, as at start (see __init__)
        home = self.screen_for(ScreenId.HOME)
        if self.current in old:
            self.current = home
            self.stack.setCurrentWidget(home)
            home.enter()
        for copy in old:
            self.stack.removeWidget(copy)
            copy.deleteLater()
        self.prepare()
        log.info("now using catalog %s", catalog.version)

    @Slot(object)
    def on_background_failure(self, exc: object) -> None:
        self._style(self.failure)
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
        if self.staff_entry is not None:
            self.staff_entry.resize()
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.rect())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        handle = self.windowHandle()  # exists once shown; installing twice is harmless
        if handle is not None:
            handle.installEventFilter(self.idle)  # every touch and key reaches it first

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            self.first_painted.emit()

    def shutdown(self) -> None:
        self.status_timer.stop()
        self.idle.stop()
        handle = self.windowHandle()
        if handle is not None:
            handle.removeEventFilter(self.idle)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.disconnect(self.on_focus_changed)
        self.ctx.runner.wait_for_done()
