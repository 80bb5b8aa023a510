"""Housekeeping the running kiosk does by itself: the privacy purge, at start and every few hours.

Personal answers of delivered requests are removed once the retention period
(``[privacy] retention_days``) has passed (``kiosk.privacy``). The purge runs on the background
runner, never on the UI thread, and writes an audit entry when it removes anything.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from kiosk.core import Core
from kiosk.logs import describe
from kiosk.timeutil import utcnow
from ui.worker import BackgroundRunner

log = logging.getLogger("ui")

PURGE_EVERY_MS = 6 * 3600 * 1000


class Maintenance(QObject):
    def __init__(self, core: Core, runner: BackgroundRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.runner = runner
        self.timer = QTimer(self)
        self.timer.setInterval(PURGE_EVERY_MS)
        self.timer.timeout.connect(self.purge)

    def start(self) -> None:
        self.timer.start()
        self.purge()

    def stop(self) -> None:
        self.timer.stop()

    def purge(self) -> None:
        core = self.core

        def work() -> int:
            from kiosk.audit import AuditLog
            from kiosk.privacy import purge

            return purge(
                core.db,
                core.catalog,
                core.settings.privacy.retention_days,
                utcnow(),
                AuditLog(core.db),
            )

        self.runner.run(
            work,
            on_success=self._done,
            on_failure=lambda exc: log.error("privacy purge failed: %s", describe(exc)),
        )

    def _done(self, count: int) -> None:
        if count:
            log.info("privacy purge: personal answers removed from %d transactions", count)
