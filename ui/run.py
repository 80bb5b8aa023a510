"""Start the kiosk: application, window, core; and tear it all down again.

``run`` (the ``kiosk run`` command) paints the home screen first and opens the core just after,
on the background runner: the home screen needs only the catalog, while the core (SQLAlchemy,
the migrations, the database) takes longer to load than everything the first paint needs. Until
the core is open, work that needs it waits for it (``UiContext.when_core``); a citizen can already
start a journey. ``build`` (tests, benches, screenshots) opens the core before it returns.
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.catalog import Catalog
from kiosk.catalog_source import load_kiosk_catalog as load_first_catalog
from kiosk.config import Settings
from ui import appsetup
from ui.context import UiContext
from ui.mainwindow import MainWindow
from ui.window_probe import check_display
from ui.worker import BackgroundRunner

if TYPE_CHECKING:  # kiosk.core loads SQLAlchemy: imported when the core is opened
    from kiosk.core import Core
    from ui.maintenance import Maintenance
    from ui.printing import ReceiptPrinter
    from ui.staff_entry import StaffEntry
    from ui.sync_bridge import SyncBridge

log = logging.getLogger("ui")


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    return QApplication(sys.argv[:1])


@dataclass
class Kiosk:
    app: QApplication
    ctx: UiContext
    window: MainWindow
    sync: SyncBridge | None = None
    staff: StaffEntry | None = None
    maintenance: Maintenance | None = None
    start_error: BaseException | None = None  # opening the core failed (see open_core_later)
    _opened: list[Core] = field(default_factory=list)  # every core opened for this kiosk

    @property
    def core(self) -> Core:
        return self.ctx.core

    def attach(self, core: Core, *, with_sync: bool = True, enrolled: bool | None = None) -> None:
        """Hand the open core to the screens, start the sync engine if this kiosk is enrolled
        with a city server, and build what the first journey needs."""
        self.ctx.attach_core(core)
        self.window.prepare()
        if enrolled is None:
            enrolled = core.state.enrollment() is not None
        if with_sync and enrolled:
            self.start_sync(core)
        from ui.maintenance import Maintenance
        from ui.staff_entry import StaffEntry

        self.maintenance = Maintenance(core, self.ctx.runner, self.window)
        self.maintenance.start()
        self.staff = StaffEntry(
            self.window,
            self.ctx,
            on_enrolled=lambda _enrollment: self.start_sync(core) if with_sync else None,
            on_closed=self.window.end_session,
        )
        self.staff.leave_requested.connect(self.app.quit)  # audited by the panel
        self.window.staff_entry = self.staff

    def start_sync(self, core: Core) -> None:
        """Run the sync engine on its own thread (once; after enrollment too)."""
        if self.sync is not None:
            return
        from ui.sync_bridge import SyncBridge

        ctx = self.ctx
        printer = ctx.printer  # made here, on the UI thread; its state() runs on the engine's
        bridge = SyncBridge(ctx.settings, core, printer_state=printer.state)
        bridge.reported.connect(self.window.on_sync_report)
        bridge.catalog_arrived.connect(self.window.on_catalog)
        ctx.sync_now = bridge.trigger
        self.sync = bridge
        bridge.start()

    def open_core_later(
        self,
        then: Callable[[], object] = lambda: None,
        on_error: Callable[[BaseException], object] = lambda _exc: None,
    ) -> None:
        """Open the core on the background runner, then attach it and call ``then``.

        A failure (a database from a newer kiosk, a bad setting) is kept in
        :attr:`start_error` and passed to ``on_error`` (``run`` ends the application and
        raises it, as ``kiosk run`` always has).
        """
        settings = self.ctx.settings

        def work() -> tuple[Core, bool]:
            from kiosk.core import open_core

            core = open_core(settings)
            self._opened.append(core)  # closed by close() even if never attached
            enrolled = core.state.enrollment() is not None
            if enrolled:  # load the engine's modules here, off the UI thread
                import sync.engine
                import sync.runner  # noqa: F401
            return core, enrolled

        def opened(result: tuple[Core, bool]) -> None:
            core, enrolled = result
            self.attach(core, enrolled=enrolled)
            then()

        def failed(exc: BaseException) -> None:
            self.start_error = exc
            on_error(exc)

        self.ctx.runner.run(work, on_success=opened, on_failure=failed)

    def close(self) -> None:
        if self.maintenance is not None:
            self.maintenance.stop()
        if self.staff is not None:
            self.staff.gesture.uninstall()
        if self.sync is not None:
            self.sync.stop()
        self.window.shutdown()  # waits for the runner: a core being opened is open now
        self.window.close()
        self.window.deleteLater()
        for core in self._opened:
            core.close()
        self._opened.clear()


def start(
    settings: Settings,
    *,
    printer: ReceiptPrinter | None = None,
    idle_ms: int | None = None,
    warning_s: int | None = None,
    catalog: tuple[Catalog, Path] | None = None,
) -> Kiosk:
    """The application and the window, on the catalog alone (no core yet)."""
    app = application()
    first, path = catalog or load_first_catalog(settings)
    if printer is None and settings.printer.kind == "escpos":
        from ui.printing import printer_from_settings  # a wrong device setting fails the start

        printer = printer_from_settings(settings)
    ctx = UiContext(settings, first, path, BackgroundRunner(), printer)
    appsetup.setup(ctx.lang, ctx.theme)
    window = MainWindow(ctx, idle_ms=idle_ms, warning_s=warning_s)
    return Kiosk(app, ctx, window)


def build(
    settings: Settings,
    *,
    core: Core | None = None,
    printer: ReceiptPrinter | None = None,
    idle_ms: int | None = None,
    warning_s: int | None = None,
    with_sync: bool = True,
) -> Kiosk:
    """The whole kiosk with its core open (``core``, or one opened from ``settings``)."""
    opened = None
    if core is None:
        from kiosk.core import open_core

        core = opened = open_core(settings)
    kiosk = start(
        settings,
        printer=printer,
        idle_ms=idle_ms,
        warning_s=warning_s,
        catalog=(core.catalog, core.catalog_path),
    )
    if opened is not None:
        kiosk._opened.append(opened)
    kiosk.attach(core, with_sync=with_sync)
    return kiosk


def run(
    settings: Settings,
    *,
    windowed: bool,
    quit_after_paint: bool = False,
    open_log: Callable[[], None] = lambda: None,
) -> int:
    """Show the kiosk and run it until it quits (the window is closed, the staff leave kiosk
    mode, or SIGINT, SIGTERM or SIGHUP: then 128 + the signal's number). ``open_log`` opens the
    log file (``kiosk run`` leaves that until the first screen is painted; records are held
    until then)."""
    started = time.perf_counter()
    check_display()
    kiosk = start(settings)
    window = kiosk.window
    if windowed:
        width, height = settings.ui.screen_resolution
        window.resize(min(width, 1920), min(height, 1080))
        window.show()
    else:
        from PySide6.QtCore import Qt

        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.showFullScreen()

    def painted() -> None:  # the whole first frame is drawn and flushed
        gc.enable()  # if ``kiosk run`` turned the collector off for the start
        if quit_after_paint:  # the start-up bench: report it; quit once the start is complete
            print(f"first paint after {time.perf_counter() - started:.3f} s", flush=True)
        open_log()
        log.info("kiosk window open")
        kiosk.open_core_later(
            then=kiosk.app.quit if quit_after_paint else lambda: None,
            on_error=lambda _exc: kiosk.app.exit(1),
        )

    window.first_painted.connect(lambda: QTimer.singleShot(0, painted))
    from ui.stop_signals import quit_on_signals

    with quit_on_signals(kiosk.app) as stopped_by:
        code = kiosk.app.exec()
    kiosk.close()
    if kiosk.start_error is not None:
        raise kiosk.start_error
    signum = stopped_by()
    if signum is not None:  # Ctrl+C, SIGTERM: closed as a window is, and said so
        log.info("kiosk stopped by signal %d", signum)
        return 128 + signum
    return code
