"""Quit the application cleanly on SIGINT (Ctrl+C in a terminal), SIGTERM and SIGHUP.

Python runs a signal handler only between bytecodes of the main thread, and while Qt's event
loop waits in C++ no bytecode runs: Ctrl+C would be noticed only at the next event, if ever.
So the handler's wake-up byte goes to a pipe (``signal.set_wakeup_fd``) that a
``QSocketNotifier`` watches; the event loop wakes up, the Python handler runs, and it asks the
application to close its windows and quit. ``kiosk run`` then closes the core as when the
window is closed, and the demo stops its city server. On Windows, where the wake-up descriptor
must be a socket, a short timer gives the interpreter a chance to run the handler instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from types import FrameType

from PySide6.QtCore import QCoreApplication, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def quit_on_signals(app: QCoreApplication) -> Iterator[Callable[[], int | None]]:
    """While inside, SIGINT, SIGTERM and SIGHUP make ``app`` quit; yields a function that returns
    the signal that did (or None). The previous handlers are restored on leaving."""
    received: list[int] = []

    def stop() -> None:  # as if the windows were closed (a counter signs out), then quit
        if isinstance(app, QApplication):
            app.closeAllWindows()
        app.quit()

    def handler(signum: int, _frame: FrameType | None) -> None:
        if not received:
            received.append(signum)
        QTimer.singleShot(0, stop)

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    read_fd = write_fd = -1
    notifier: QSocketNotifier | None = None
    timer: QTimer | None = None
    old_wakeup = -1
    try:
        if sys.platform == "win32":  # pragma: no cover - the kiosk's tests run on Linux
            timer = QTimer()
            timer.timeout.connect(lambda: None)  # back to Python now and then
            timer.start(200)
        else:
            read_fd, write_fd = os.pipe()
            os.set_blocking(read_fd, False)
            os.set_blocking(write_fd, False)
            old_wakeup = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
            notifier = QSocketNotifier(read_fd, QSocketNotifier.Type.Read)
            notifier.activated.connect(lambda *_: _drain(read_fd))
        yield lambda: received[0] if received else None
    finally:
        if notifier is not None:
            notifier.setEnabled(False)
            notifier.deleteLater()
        if timer is not None:  # pragma: no cover
            timer.stop()
        if write_fd >= 0:
            signal.set_wakeup_fd(old_wakeup)
            os.close(write_fd)
            os.close(read_fd)
        for sig, old in previous.items():
            signal.signal(sig, old)


def _drain(fd: int) -> None:
    with contextlib.suppress(BlockingIOError, OSError):
        while os.read(fd, 64):
            pass
