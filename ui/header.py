"""The top bar: kiosk name, Home, the connectivity/queue badge, text size, contrast, language."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QWidget

from kiosk.i18n import N_
from kiosk.text import localize_digits
from ui.context import UiContext
from ui.status import SyncStatus
from ui.theme import Role, set_role
from ui.widgets.common import button, hbox, label


class Header(QFrame):
    home = Signal()
    language = Signal()
    large_text = Signal()
    contrast = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("header")
        self.setStyleSheet(ctx.style_sheet)  # a part of the window: see ui.mainwindow
        set_role(self, Role.HEADER)
        m = ctx.theme.metrics
        row = hbox(self, margin=max(2, m.gap // 2), spacing=m.gap * 2)
        self.name = label(ctx.settings.station.name, role=Role.HEADER, kind="heading", wrap=False)
        self.home_button = button(role=Role.SECONDARY, on_click=self.home.emit, name="home")
        self.badge = label(role=Role.BADGE_OFFLINE, wrap=False)
        self.badge.setObjectName("badge")
        self.text_button = button(
            role=Role.SECONDARY, on_click=self.large_text.emit, name="large-text"
        )
        self.contrast_button = button(
            role=Role.SECONDARY, on_click=self.contrast.emit, name="contrast"
        )
        self.lang_button = button(role=Role.SECONDARY, on_click=self.language.emit, name="language")
        row.addWidget(self.name)
        row.addWidget(self.home_button)
        row.addStretch(1)
        for widget in (self.badge, self.text_button, self.contrast_button, self.lang_button):
            row.addWidget(widget)
        self.retranslate()

    def set_home_visible(self, visible: bool) -> None:
        self.home_button.setVisible(visible)

    def retranslate(self) -> None:
        tr = self.ctx.t
        self.home_button.setText(tr(N_("Home")))
        self.text_button.setText(
            tr(N_("Normal text") if self.ctx.large_text else N_("Larger text"))
        )
        contrast = self.ctx.theme_name.value == "contrast"
        self.contrast_button.setText(tr(N_("Normal colours") if contrast else N_("High contrast")))
        # The button names the other language, in that language.
        self.lang_button.setText("English" if self.ctx.lang == "fa" else "فارسی")
        self.lang_button.setAccessibleName("English" if self.ctx.lang == "fa" else "فارسی")
        self.show_status(self.ctx.status)

    def show_status(self, status: SyncStatus) -> None:
        tr, lang = self.ctx.t, self.ctx.lang
        state = tr(N_("Online")) if status.online else tr(N_("Offline"))
        waiting = tr(N_("{count} waiting to send"), count=status.queue_depth)
        parts = [state, waiting]
        if status.last_sync is not None:
            from kiosk.receipt import format_date, format_time  # loads the queue: not at start

            parts.append(
                tr(
                    N_("last sync {date} {time}"),
                    date=format_date(status.last_sync, lang),
                    time=format_time(status.last_sync, lang),
                )
            )
        self.badge.setText(localize_digits(" · ".join(parts), lang))
        set_role(self.badge, Role.BADGE_ONLINE if status.online else Role.BADGE_OFFLINE)
        m = self.ctx.theme.metrics
        self.badge.setContentsMargins(m.gap * 2, m.gap, m.gap * 2, m.gap)
