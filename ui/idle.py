"""Idle handling: after a period without input, warn with a countdown; then end the session.

Any touch, click or key restarts the idle period (except while the warning shows: then only its
"More time" button does, so a stray touch cannot hide it). The main window decides what idle
means on each screen (the home screen goes to the attract screen; a journey warns first).

The watcher filters the events of the kiosk's window (its ``QWindow``), where every touch,
click and key arrives before Qt hands it to a widget, and not those of the whole application:
an application-wide filter would run Python for every event of every widget (each paint,
layout and style change), which slows every screen change.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
    }
)


class IdleWatcher(QObject):
    idle = Signal()  # the idle period passed without input
    tick = Signal(int)  # seconds left in the warning
    expired = Signal()  # the warning ran out

    def __init__(self, idle_ms: int, warning_s: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.warning_s = warning_s
        self.remaining = 0
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_ms)
        self._idle.timeout.connect(self.idle.emit)
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._on_second)

    @property
    def warning(self) -> bool:
        return self._countdown.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and not self.warning:
            self.restart()
        return False  # never swallow input

    def restart(self) -> None:
        """Input happened (or the screen changed): the idle period starts again."""
        self._countdown.stop()
        self._idle.start()

    def stop(self) -> None:
        self._idle.stop()
        self._countdown.stop()

    def start_warning(self) -> None:
        self._idle.stop()
        self.remaining = self.warning_s
        self._countdown.start()
        self.tick.emit(self.remaining)

    def _on_second(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self._countdown.stop()
            self.expired.emit()
        else:
            self.tick.emit(self.remaining)
