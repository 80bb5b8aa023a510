"""Announcements and city information, from the local store (works offline)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QWidget

from kiosk.announcements import AnnouncementItem
from kiosk.i18n import is_rtl
from kiosk.receipt import format_date
from kiosk.text import isolate_numbers
from kiosk.wording import Announcements, Common
from ui.context import UiContext
from ui.screens.base import Screen, ScreenId
from ui.theme import Role, set_boxed
from ui.widgets.common import button, clear_layout, hbox, label, vbox

PAGE_SIZE = 4


class AnnouncementsScreen(Screen):
    screen_id = ScreenId.ANNOUNCEMENTS

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        m = ctx.theme.metrics
        self.box = vbox(self, margin=m.gap * 4, spacing=m.gap * 2)
        self.title = label(kind="title")
        self.empty = label(role=Role.MUTED)
        self.list = vbox(spacing=m.gap * 2)
        self.box.addWidget(self.title)
        self.box.addWidget(self.empty)
        self.box.addLayout(self.list)
        self.box.addStretch(1)
        nav = hbox(spacing=m.gap * 3)
        self.back = button(role=Role.SECONDARY, on_click=self.finish.emit, name="back")
        self.previous = button(role=Role.SECONDARY, on_click=lambda: self.turn(-1), name="previous")
        self.more = button(role=Role.SECONDARY, on_click=lambda: self.turn(1), name="more")
        nav.addWidget(self.back)
        nav.addStretch(1)
        nav.addWidget(self.previous)
        nav.addWidget(self.more)
        self.box.addLayout(nav)
        self.items: list[AnnouncementItem] = []
        self.page = 0
        self.loaded = False

    def enter(self, **params: Any) -> None:
        self.page = 0
        self.loaded = False
        scope = self.scope
        self.ctx.when_core(
            lambda _core: self.ctx.runner.run(
                self.ctx.announcements.current, on_success=self.on_loaded, owner=scope
            )
        )
        self.retranslate()

    def on_loaded(self, items: list[AnnouncementItem]) -> None:
        self.items = items
        self.loaded = True
        self.retranslate()

    def turn(self, step: int) -> None:
        pages = max(1, (len(self.items) + PAGE_SIZE - 1) // PAGE_SIZE)
        self.page = max(0, min(pages - 1, self.page + step))
        self.retranslate()

    def retranslate(self) -> None:
        lang, tr = self.ctx.lang, self.ctx.t
        m = self.ctx.theme.metrics
        self.title.setText(tr(Announcements.TITLE))
        self.back.setText(tr(Common.BACK))
        self.previous.setText(tr(Announcements.PREVIOUS))
        self.more.setText(tr(Announcements.MORE))
        clear_layout(self.list)
        shown = self.items[self.page * PAGE_SIZE : (self.page + 1) * PAGE_SIZE]
        self.empty.setVisible(self.loaded and not self.items)
        self.empty.setText(tr(Announcements.EMPTY))
        self.previous.setVisible(self.page > 0)
        self.more.setVisible((self.page + 1) * PAGE_SIZE < len(self.items))
        for item in shown:
            card = QFrame()
            card.setObjectName(f"announcement-{item.id}")
            set_boxed(card, Role.PANEL)
            inner = vbox(card, margin=m.gap * 3, spacing=m.gap)
            # The city's words, with their numbers isolated as every number in Persian text.
            title, text = item.title.get(lang), item.body.get(lang)
            if is_rtl(lang):
                title, text = isolate_numbers(title), isolate_numbers(text)
            heading = label(title, role=Role.PANEL, kind="heading")
            date = label(format_date(item.published_at, lang), role=Role.PANEL, kind="small")
            body = label(text, role=Role.PANEL)
            for widget in (heading, date, body):
                inner.addWidget(widget)
            self.list.addWidget(card)
