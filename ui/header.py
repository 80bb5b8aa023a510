"""The top bar: kiosk name, Home, the connectivity/queue badge, text size, contrast, language.

The kiosk's name is in the session's language (``[station] name`` / ``name_en``) and, like the
screens' contents, inside the page margin. The badge takes two short lines rather than one long
one, so that the bar fits the screen at every text size and no button is squeezed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QWidget

from kiosk.i18n import N_
from kiosk.text import isolate_numbers
from ui.context import UiContext
from ui.status import SyncStatus, status_lines
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
        row = hbox(self, spacing=m.gap * 2)
        # The screens' margin at the sides (the home page's), a small one above and below.
        row.setContentsMargins(m.gap * 4, max(2, m.gap // 2), m.gap * 4, max(2, m.gap // 2))
        self.name = label(role=Role.HEADER, kind="heading", wrap=False)
        self.name.setObjectName("kiosk-name")
        self.home_button = button(role=Role.SECONDARY, on_click=self.home.emit, name="home")
        self.badge = label(role=Role.BADGE_OFFLINE, kind="small", wrap=False)
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
        name = self.ctx.settings.station.name_in(self.ctx.lang)
        self.name.setText(isolate_numbers(name) if self.ctx.lang == "fa" else name)
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
        lang = self.ctx.lang
        self.badge.setText("\n".join(status_lines(status, lang)))
        set_role(self.badge, Role.BADGE_ONLINE if status.online else Role.BADGE_OFFLINE)
        m = self.ctx.theme.metrics
        self.badge.setContentsMargins(m.gap * 2, m.gap // 2, m.gap * 2, m.gap // 2)
