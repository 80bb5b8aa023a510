"""What every screen needs, in one object handed to each: catalog, core, session, theme, runner.

Not a global: the main window makes one and passes it on. Changes of language and theme are
signals, wired to every screen in ``MainWindow._connect_signals``.

The kiosk paints its home screen before it opens the database (``ui.run``): the catalog is here
from the start, the core (database, queue, settings store) arrives a moment later through
:meth:`UiContext.attach_core`. Screens read the catalog from :attr:`UiContext.catalog`; work that
needs the database goes through :meth:`UiContext.when_core`, which runs it at once when the core
is open and otherwise as soon as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from kiosk.catalog import Catalog
from kiosk.config import Settings
from kiosk.i18n import translate
from ui.session import Session
from ui.status import SyncStatus
from ui.theme import Theme, ThemeName, make_theme, stylesheet
from ui.worker import BackgroundRunner

if TYPE_CHECKING:
    from kiosk.announcements import AnnouncementStore
    from kiosk.core import Core
    from ui.printing import ReceiptPrinter


class CoreNotOpen(RuntimeError):
    """The database is not open yet (the kiosk opens it just after its first paint)."""


class UiContext(QObject):
    language_changed = Signal(str)
    theme_changed = Signal(object)
    status_changed = Signal(object)
    core_opened = Signal(object)  # kiosk.core.Core

    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        catalog_path: Path,
        runner: BackgroundRunner,
        printer: ReceiptPrinter | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.catalog = catalog
        self.catalog_path = catalog_path
        self.runner = runner
        self._printer = printer
        self.session = Session(lang=settings.ui.language)
        self.theme_name = ThemeName.NORMAL
        self.large_text = False
        self.theme: Theme = self._make_theme()
        self.style_sheet = stylesheet(self.theme)  # each part of the window carries it
        self.status = SyncStatus()
        self.sync_now: Callable[[], None] = lambda: None  # set when a sync engine runs
        self._core: Core | None = None
        self._announcements: AnnouncementStore | None = None
        self._waiting: list[Callable[[Core], object]] = []

    # -- the core --------------------------------------------------------------------------

    @property
    def core(self) -> Core:
        """The open core; raises :class:`CoreNotOpen` before it is (see :meth:`when_core`)."""
        if self._core is None:
            raise CoreNotOpen("the kiosk's database is not open yet")
        return self._core

    @property
    def core_is_open(self) -> bool:
        return self._core is not None

    def attach_core(self, core: Core) -> None:
        """The core is open: from now on it validates with the catalog the screens show."""
        if self._core is not None:
            raise RuntimeError("the core is attached already")
        core.use_catalog(self.catalog, self.catalog_path)
        self._core = core
        waiting, self._waiting = self._waiting, []
        for use in waiting:
            use(core)
        self.core_opened.emit(core)

    def when_core(self, use: Callable[[Core], object]) -> None:
        """Call ``use(core)`` now if the core is open, else as soon as it opens."""
        if self._core is not None:
            use(self._core)
        else:
            self._waiting.append(use)

    def use_catalog(self, catalog: Catalog, path: Path) -> None:
        """Switch to a new catalog (between sessions, never mid-journey)."""
        self.catalog = catalog
        self.catalog_path = path
        if self._core is not None:
            self._core.use_catalog(catalog, path)

    @property
    def printer(self) -> ReceiptPrinter:
        """The receipt printer: the one given, else the settings' one, made when first needed
        (``ui.run.start`` checks an ESC/POS printer's settings at start)."""
        if self._printer is None:
            from ui.printing import printer_from_settings

            self._printer = printer_from_settings(self.settings)
        return self._printer

    @property
    def announcements(self) -> AnnouncementStore:
        if self._announcements is None:
            from kiosk.announcements import AnnouncementStore

            self._announcements = AnnouncementStore(self.core.db)
        return self._announcements

    # -- language, theme, status -----------------------------------------------------------

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
            self.style_sheet = stylesheet(self.theme)
            self.theme_changed.emit(self.theme)

    def set_status(self, status: SyncStatus) -> None:
        self.status = status
        self.status_changed.emit(status)

    def style_sheet_for(self, name: ThemeName, large_text: bool) -> str:
        """The style sheet of another theme (to make a screen in it ahead of a switch)."""
        return stylesheet(self._make_theme(name, large_text))

    def _make_theme(self, name: ThemeName | None = None, large_text: bool | None = None) -> Theme:
        ui = self.settings.ui
        return make_theme(
            self.theme_name if name is None else name,
            ui.screen_diagonal,
            ui.screen_resolution,
            self.large_text if large_text is None else large_text,
        )
