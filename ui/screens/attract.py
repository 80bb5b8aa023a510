"""The attract screen shown when the kiosk is idle: silent, bilingual, touch anywhere to start."""

from __future__ import annotations

from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QWidget

from kiosk.i18n import N_, translate
from ui.context import UiContext
from ui.screens.base import Screen, ScreenId
from ui.theme import Role
from ui.widgets.common import CENTER, label, vbox

INVITE = N_("Touch the screen to start")
WHAT = N_("Report a city problem, check a bill, apply for a certificate, track a request")


class AttractScreen(Screen):
    screen_id = ScreenId.ATTRACT

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        m = ctx.theme.metrics
        box = vbox(self, margin=m.gap * 8, spacing=m.gap * 4)
        box.addStretch(2)
        station = ctx.settings.station
        self.name = label(station.name_in(ctx.settings.ui.language), kind="title", align=CENTER)
        box.addWidget(self.name)
        self.lines = []
        # Both languages at once: the next citizen may read either.
        for lang in ("fa", "en"):
            invite = label(translate(lang, INVITE), kind="heading", align=CENTER)
            what = label(translate(lang, WHAT), role=Role.MUTED, align=CENTER)
            self.lines += [invite, what]
            box.addWidget(invite)
            box.addWidget(what)
            box.addSpacing(m.gap * 4)
        box.addStretch(3)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()
        self.go(ScreenId.HOME)
