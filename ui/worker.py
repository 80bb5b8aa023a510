"""One small helper for background work (after Anki's ``CollectionOp``).

The work runs on a thread of a pool, never on the UI thread; its result or exception comes back to
the UI thread through a queued signal, where the callbacks run. A failure nobody handles is
reported through :attr:`BackgroundRunner.failed`, which the main window shows; it is never lost
and never raised into Qt's event loop.

    runner.run(lambda: queue.submit(code, answers), on_success=self.on_submitted)

Every operation can name its owner (as Anki's ``CollectionOp`` has a parent): a :class:`Scope`
(a citizen's session, a screen's visit) or a widget. A result that arrives after its owner is
gone (the scope ended, the widget deleted) is dropped: no callback runs, so the previous
citizen's confirmation never shows for the next one and a deleted panel is never touched. An
operation whose scope ended before a pool thread picked it up does not run at all (a receipt
still waiting to print when the session ends is never printed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger("ui.worker")

T = TypeVar("T")


class Scope:
    """What background results belong to, until :meth:`end`; a scope inside a ``parent``
    ends with it too (a screen's visit inside the citizen's session)."""

    def __init__(self, parent: Scope | None = None) -> None:
        self._parent = parent
        self._ended = False

    @property
    def alive(self) -> bool:
        return not self._ended and (self._parent is None or self._parent.alive)

    def end(self) -> None:
        self._ended = True


Owner = Scope | QObject


def _alive(owner: Owner | None) -> bool:
    if owner is None:
        return True
    if isinstance(owner, Scope):
        return owner.alive
    return shiboken6.isValid(owner)


class _Relay(QObject):
    """Lives on the UI thread; the pool thread emits, the UI thread receives."""

    succeeded = Signal(object)
    raised = Signal(object)


class _Skipped:
    """The job's scope ended before it started: it did not run."""


class _Job(QRunnable, Generic[T]):
    def __init__(self, work: Callable[[], T], relay: _Relay, scope: Scope | None) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._relay = relay
        self._scope = scope  # read on the pool thread: a flag, set once on the UI thread

    def run(self) -> None:
        if self._scope is not None and not self._scope.alive:
            self._relay.succeeded.emit(_Skipped())
            return
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
        *,
        owner: Owner | None = None,
    ) -> None:
        """Run ``work`` on the pool; then ``on_success(result)`` or ``on_failure(exc)`` on the
        UI thread, unless ``owner`` is gone by then (see the module's docstring)."""
        if not _alive(owner):
            log.debug("background operation not started: its owner is gone")
            return
        relay = _Relay()  # created here, so it belongs to the calling (UI) thread
        self._pending.add(relay)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)

        def done(result: object) -> None:
            self._finish(relay)
            if isinstance(result, _Skipped):
                log.debug("background operation skipped: its owner ended before it started")
            elif not _alive(owner):
                log.debug("background result dropped: its owner is gone")
            elif on_success is not None:
                on_success(result)  # type: ignore[arg-type]

        def raised(exc: object) -> None:
            self._finish(relay)
            assert isinstance(exc, BaseException)
            log.error("background operation failed: %s", type(exc).__name__, exc_info=exc)
            if not _alive(owner):
                log.debug("background failure dropped: its owner is gone")
            elif on_failure is not None:
                on_failure(exc)
            else:
                self.failed.emit(exc)

        relay.succeeded.connect(done)
        relay.raised.connect(raised)
        self._pool.start(_Job(work, relay, owner if isinstance(owner, Scope) else None))

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
