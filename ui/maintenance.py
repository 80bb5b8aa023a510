"""Housekeeping the running kiosk does by itself: the privacy purge, at start and every few hours.

Personal answers of delivered requests are removed once the retention period
(``[privacy] retention_days``) has passed (``kiosk.privacy``). The purge runs on the background
runner, never on the UI thread, and writes an audit entry when it removes anything. A purge
whose old content a reader keeps in the file is tried again after a minute, then after longer
waits (up to 15 minutes), until it is gone; the admin panel shows it meanwhile.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from kiosk.core import Core
from kiosk.logs import describe
from kiosk.timeutil import utcnow
from ui.worker import BackgroundRunner

if TYPE_CHECKING:
    from kiosk.privacy import PurgeResult

log = logging.getLogger("ui")

PURGE_EVERY_MS = 6 * 3600 * 1000
RETRY_FIRST_MS = 60 * 1000
RETRY_MAX_MS = 15 * 60 * 1000


class Maintenance(QObject):
    def __init__(self, core: Core, runner: BackgroundRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.runner = runner
        self.timer = QTimer(self)
        self.timer.setInterval(PURGE_EVERY_MS)
        self.timer.timeout.connect(self.purge)
        self.retry = QTimer(self)  # while a purge's old content is still in the file
        self.retry.setSingleShot(True)
        self.retry.timeout.connect(self.purge)
        self.retry_ms = RETRY_FIRST_MS

    def start(self) -> None:
        self.timer.start()
        self.purge()

    def stop(self) -> None:
        self.timer.stop()
        self.retry.stop()

    def purge(self) -> None:
        core = self.core

        def work() -> PurgeResult:
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

    def _done(self, result: PurgeResult) -> None:
        if result.purged:
            log.info("privacy purge: personal answers removed from %d transactions", result.purged)
        if result.complete:
            self.retry.stop()
            self.retry_ms = RETRY_FIRST_MS
            return
        log.warning("privacy purge incomplete: trying again in %d s", self.retry_ms // 1000)
        self.retry.start(self.retry_ms)
        self.retry_ms = min(self.retry_ms * 2, RETRY_MAX_MS)
