"""Start counter mode: the application at desktop sizes, the core, the sync engine, the window.

``kiosk run --counter`` calls :func:`run_counter`; tests and screenshots use
:func:`build_counter`, which returns the window with its desk (and closes nothing).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.config import Settings
from ui import appsetup
from ui.admin.desk import StaffDesk
from ui.context import UiContext
from ui.counter.widgets import FONT_PX
from ui.counter.window import CounterWindow
from ui.fonts import load_fonts
from ui.theme import ThemeName, make_theme, palette
from ui.worker import BackgroundRunner

if TYPE_CHECKING:
    from kiosk.core import Core
    from ui.printing import ReceiptPrinter


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    return QApplication(sys.argv[:1])


def setup_desktop(lang: str) -> None:
    """Font (Vazirmatn at desktop size), palette, locale and direction of the application."""
    app = application()
    font = QFont(load_fonts())
    font.setPixelSize(FONT_PX)
    app.setFont(font)
    ui = make_theme(ThemeName.NORMAL, 21.5, (1920, 1080), large_text=False)
    app.setPalette(palette(ui))
    appsetup.apply_language(lang)


def build_counter(
    settings: Settings,
    core: Core,
    *,
    printer: ReceiptPrinter | None = None,
    sync_now: object = None,
) -> CounterWindow:
    """The counter window on the open ``core`` (not shown)."""
    application()
    setup_desktop(settings.ui.language)
    ctx = UiContext(settings, core.catalog, core.catalog_path, BackgroundRunner(), printer)
    ctx.attach_core(core)
    trigger = sync_now if callable(sync_now) else None
    return CounterWindow(StaffDesk.open(ctx, core), sync_now=trigger)


def run_counter(settings: Settings) -> int:
    """Run counter mode until the window closes; the exit code."""
    from kiosk.core import open_core
    from ui.printing import printer_from_settings

    app = application()
    core = open_core(settings)
    bridge = None
    try:
        printer = printer_from_settings(settings)  # one printer: its prints and its state
        if core.state.enrollment() is not None:
            from ui.sync_bridge import SyncBridge

            bridge = SyncBridge(settings, core, printer_state=printer.state)
            bridge.start()
        window = build_counter(
            settings, core, printer=printer, sync_now=bridge.trigger if bridge else None
        )
        from ui.maintenance import Maintenance

        Maintenance(core, window.desk.runner, window).start()  # the privacy purge, as on kiosks
        window.resize(1280, 860)
        window.show()
        from ui.stop_signals import quit_on_signals

        with quit_on_signals(app) as stopped_by:
            code = app.exec()
        signum = stopped_by()
        return code if signum is None else 128 + signum
    finally:
        if bridge is not None:
            bridge.stop()
        core.close()
