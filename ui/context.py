"""What every screen needs, in one object handed to each: core, session, theme, runner, printer.

Not a global: the main window makes one and passes it on. Changes of language and theme are
signals, wired to every screen in ``MainWindow._connect_signals``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.announcements import AnnouncementStore
from kiosk.config import Settings
from kiosk.core import Core
from kiosk.i18n import translate
from ui.printing import ReceiptPrinter
from ui.session import Session
from ui.status import SyncStatus
from ui.theme import Theme, ThemeName, make_theme
from ui.worker import BackgroundRunner


class UiContext(QObject):
    language_changed = Signal(str)
    theme_changed = Signal(object)
    status_changed = Signal(object)

    def __init__(
        self,
        settings: Settings,
        core: Core,
        runner: BackgroundRunner,
        printer: ReceiptPrinter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.core = core
        self.runner = runner
        self.printer = printer
        self.announcements = AnnouncementStore(core.db)
        self.session = Session(lang=settings.ui.language)
        self.theme_name = ThemeName.NORMAL
        self.large_text = False
        self.theme: Theme = self._make_theme()
        self.status = SyncStatus()
        self.sync_now: Callable[[], None] = lambda: None  # set when a sync engine runs

    @property
    def lang(self) -> str:
        return self.session.lang

    def t(self, msgid: str, /, **params: object) -> str:
        """``msgid`` in the session's language."""
        return translate(self.session.lang, msgid, **params)

    def set_language(self, lang: str) -> None:
        if lang != self.session.lang:
            self.session.lang = lang
            self.language_changed.emit(lang)

    def set_theme(self, name: ThemeName, large_text: bool) -> None:
        if (name, large_text) != (self.theme_name, self.large_text):
            self.theme_name, self.large_text = name, large_text
            self.theme = self._make_theme()
            self.theme_changed.emit(self.theme)

    def set_status(self, status: SyncStatus) -> None:
        self.status = status
        self.status_changed.emit(status)

    def _make_theme(self) -> Theme:
        ui = self.settings.ui
        return make_theme(
            self.theme_name, ui.screen_diagonal, ui.screen_resolution, self.large_text
        )
