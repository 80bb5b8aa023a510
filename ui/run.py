"""Start the kiosk: application, core, window; and tear it all down again."""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.config import Settings
from kiosk.core import Core, open_core
from ui import appsetup
from ui.context import UiContext
from ui.mainwindow import MainWindow
from ui.printing import ReceiptPrinter, printer_from_settings
from ui.sync_bridge import SyncBridge
from ui.worker import BackgroundRunner

log = logging.getLogger("ui")


class NoDisplay(RuntimeError):
    pass


def check_display() -> None:
    """Fail with a sentence, not a Qt abort, when there is no screen to show the kiosk on."""
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise NoDisplay(
            "no display: run the kiosk in a graphical session (DISPLAY or WAYLAND_DISPLAY), "
            "or set QT_QPA_PLATFORM=offscreen to run it without one"
        )


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    return QApplication(sys.argv[:1])


@dataclass
class Kiosk:
    app: QApplication
    core: Core
    ctx: UiContext
    window: MainWindow
    sync: SyncBridge | None = None

    def close(self) -> None:
        if self.sync is not None:
            self.sync.stop()
        self.window.shutdown()
        self.window.close()
        self.window.deleteLater()
        self.core.close()


def build(
    settings: Settings,
    *,
    core: Core | None = None,
    printer: ReceiptPrinter | None = None,
    idle_ms: int | None = None,
    warning_s: int | None = None,
    with_sync: bool = True,
) -> Kiosk:
    app = application()
    core = core or open_core(settings)
    runner = BackgroundRunner()
    ctx = UiContext(settings, core, runner, printer or printer_from_settings(settings))
    appsetup.setup(ctx.lang, ctx.theme)
    window = MainWindow(ctx, idle_ms=idle_ms, warning_s=warning_s)
    bridge = None
    if with_sync and core.state.enrollment() is not None:
        bridge = SyncBridge(settings, core, printer_state=lambda: ctx.printer.name)
        bridge.reported.connect(window.on_sync_report)
        bridge.catalog_arrived.connect(window.on_catalog)
        ctx.sync_now = bridge.trigger
        bridge.start()
    return Kiosk(app, core, ctx, window, bridge)


def run(settings: Settings, *, windowed: bool, quit_after_paint: bool = False) -> int:
    started = time.perf_counter()
    check_display()
    kiosk = build(settings)
    window = kiosk.window
    if windowed:
        width, height = settings.ui.screen_resolution
        window.resize(min(width, 1920), min(height, 1080))
        window.show()
    else:
        from PySide6.QtCore import Qt

        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.showFullScreen()
    if quit_after_paint:

        def poll() -> None:
            if window.painted:
                print(f"first paint after {time.perf_counter() - started:.3f} s", flush=True)
                kiosk.app.quit()
            else:
                QTimer.singleShot(1, poll)

        QTimer.singleShot(0, poll)
    log.info("kiosk window open")
    code = kiosk.app.exec()
    kiosk.close()
    return code
