"""The UI's only door to the sync engine: start, stop, "sync now", and reports back by signal.

The engine runs on its own thread (``sync.runner``); its reports and new catalogs arrive here as
Qt signals, which Qt delivers on the UI thread. The UI never calls the network itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Signal

from kiosk.config import Settings
from kiosk.core import Core


class SyncBridge(QObject):
    reported = Signal(object)  # sync.engine.CycleReport
    catalog_arrived = Signal(object)  # kiosk.catalog.Catalog, already validated and saved

    def __init__(
        self,
        settings: Settings,
        core: Core,
        *,
        printer_state: Callable[[], str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        from sync.engine import SyncEngine
        from sync.runner import SyncRunner
        from ui.printing import printer_state as printer_state_of

        self.engine = SyncEngine(
            core.queue,
            catalog_dir=settings.catalog_dir,
            data_dir=settings.data_dir,
            batch_size=settings.sync.batch_size,
            on_catalog=self.catalog_arrived.emit,
            printer_state=printer_state or partial(printer_state_of, settings),
        )
        self.runner = SyncRunner(
            self.engine, interval_s=settings.sync.interval, on_report=self.reported.emit
        )

    def start(self) -> None:
        self.runner.start()

    def trigger(self) -> None:
        self.runner.trigger()

    def stop(self) -> None:
        self.runner.stop()
