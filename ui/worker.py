"""One small helper for background work (after Anki's ``CollectionOp``).

The work runs on a thread of a pool, never on the UI thread; its result or exception comes back to
the UI thread through a queued signal, where the callbacks run. A failure nobody handles is
reported through :attr:`BackgroundRunner.failed`, which the main window shows; it is never lost
and never raised into Qt's event loop.

    runner.run(lambda: queue.submit(code, answers), on_success=self.on_submitted)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger("ui.worker")

T = TypeVar("T")


class _Relay(QObject):
    """Lives on the UI thread; the pool thread emits, the UI thread receives."""

    succeeded = Signal(object)
    raised = Signal(object)


class _Job(QRunnable, Generic[T]):
    def __init__(self, work: Callable[[], T], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:
            self._relay.raised.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class BackgroundRunner(QObject):
    """Runs callables off the UI thread and calls back on it."""

    failed = Signal(object)  # an exception that no on_failure handled
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._pending: set[_Relay] = set()

    def run(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], Any] | None = None,
        on_failure: Callable[[BaseException], Any] | None = None,
    ) -> None:
        relay = _Relay()  # created here, so it belongs to the calling (UI) thread
        self._pending.add(relay)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)

        def done(result: object) -> None:
            self._finish(relay)
            if on_success is not None:
                on_success(result)  # type: ignore[arg-type]

        def raised(exc: object) -> None:
            self._finish(relay)
            assert isinstance(exc, BaseException)
            log.error("background operation failed: %s", type(exc).__name__, exc_info=exc)
            if on_failure is not None:
                on_failure(exc)
            else:
                self.failed.emit(exc)

        relay.succeeded.connect(done)
        relay.raised.connect(raised)
        self._pool.start(_Job(work, relay))

    def _finish(self, relay: _Relay) -> None:
        self._pending.discard(relay)
        relay.deleteLater()
        if not self._pending:
            self.busy_changed.emit(False)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    @Slot()
    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (tests and shutdown only; callbacks run afterwards)."""
        return self._pool.waitForDone(msecs)
