"""The idle warning: a panel over the screen with a countdown and one "More time" button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QWidget

from kiosk.wording import Idle
from ui.context import UiContext
from ui.theme import Role, set_boxed
from ui.widgets.common import CENTER, button, hbox, label, vbox

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent


class TimeoutOverlay(QWidget):
    """Covers its parent; the countdown itself lives in :class:`ui.idle.IdleWatcher`."""

    more_time = Signal()
    end_now = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("timeout-overlay")
        self.setStyleSheet(ctx.style_sheet)  # a part of the window: see ui.mainwindow
        m = ctx.theme.metrics
        outer = vbox(self)
        outer.addStretch(1)
        self.panel = QFrame()
        set_boxed(self.panel, Role.OVERLAY)
        self.panel.setMinimumWidth(m.target * 9)
        self.panel.setMaximumWidth(m.target * 12)
        inner = vbox(self.panel, margin=m.gap * 6, spacing=m.gap * 4)
        self.title = label(role=Role.OVERLAY, kind="title", align=CENTER)
        self.countdown = label(role=Role.OVERLAY, align=CENTER)
        self.countdown.setObjectName("countdown")
        inner.addWidget(self.title)
        inner.addWidget(self.countdown)
        row = hbox(spacing=m.gap * 4)
        self.end = button(role=Role.SECONDARY, on_click=self.end_now.emit, name="end-now")
        self.more = button(role=Role.PRIMARY, on_click=self.more_time.emit, name="more-time")
        row.addWidget(self.end)
        row.addWidget(self.more)
        inner.addLayout(row)
        middle = hbox()
        middle.addStretch(1)
        middle.addWidget(self.panel)
        middle.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(1)
        self.seconds = 0
        self.hide()

    def show_countdown(self, seconds: int) -> None:
        self.seconds = seconds
        if self.styleSheet() != self.ctx.style_sheet:  # hidden during a theme switch
            self.setStyleSheet(self.ctx.style_sheet)
        parent = self.parentWidget()
        assert parent is not None
        self.setGeometry(parent.rect())
        self.retranslate()
        self.show()
        self.raise_()

    def retranslate(self) -> None:
        tr = self.ctx.t
        self.title.setText(tr(Idle.TITLE))
        self.countdown.setText(
            tr(
                Idle.COUNTDOWN,
                seconds=self.seconds,
            )
        )
        self.more.setText(tr(Idle.MORE_TIME))
        self.end.setText(tr(Idle.FINISH_NOW))

    def paintEvent(self, event: QPaintEvent) -> None:
        # Imported here: setting up QPainter's Python class takes ~2 ms of the kiosk's start,
        # and the warning paints only when it shows.
        from PySide6.QtGui import QColor, QPainter

        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 160))
        painter.end()
        super().paintEvent(event)

    def mousePressEvent(self, event: object) -> None:
        pass


__all__ = ["TimeoutOverlay"]
