"""Run the sync engine on its own thread, so the UI never waits on the network.

The runner owns one thread. It runs a cycle, reports it through ``on_report`` (called on the
runner's thread: the UI marshals it to its own thread with a queued signal), then sleeps for the
interval, or for the engine's backoff after a failure. :meth:`SyncRunner.trigger` cuts the sleep
short (a citizen just submitted); :meth:`SyncRunner.stop` ends the thread between cycles.

The thread survives anything a cycle throws (it logs it, backs off and goes on), and never
waits longer than ``sync.client.MAX_SERVER_WAIT_S`` whatever a server or a backoff asked for.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sync.client import bounded_wait
from sync.engine import CycleReport, SyncEngine

log = logging.getLogger("sync")


class SyncRunner:
    def __init__(
        self,
        engine: SyncEngine,
        *,
        interval_s: float,
        on_report: Callable[[CycleReport], None] | None = None,
    ) -> None:
        self.engine = engine
        self.interval_s = interval_s
        self.on_report = on_report
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def trigger(self) -> None:
        """Sync now rather than at the end of the current wait."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self.engine.close()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                delay = self._cycle()
            except Exception:  # a bug must not kill the thread: log it and keep cycling
                log.exception("sync cycle crashed")
                delay = self.interval_s
            self._wake.wait(delay)
            self._wake.clear()

    def _cycle(self) -> float:
        """One cycle, reported; the seconds to wait before the next one (a retry's wait is
        bounded: ``sync.client.bounded_wait``)."""
        try:
            report = self.engine.run_once()
        except Exception:
            log.exception("sync cycle crashed")
            report = CycleReport(
                error="internal error in the sync engine (see the log)",
                retry_in=self.engine.backoff.next(),
            )
        if self.on_report is not None:
            try:
                self.on_report(report)
            except Exception:
                log.exception("sync report callback failed")
        return self.interval_s if report.retry_in is None else bounded_wait(report.retry_in)
