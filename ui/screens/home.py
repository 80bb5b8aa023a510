"""Home: the services as tiles grouped by category, plus Track and Announcements."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from kiosk.catalog import Group, Service
from kiosk.i18n import N_
from kiosk.tracking import NO_KIOSK_NUMBER
from kiosk.wording import Home
from ui.context import UiContext
from ui.screens.base import Screen, ScreenId
from ui.theme import Role
from ui.widgets.common import dismantle, hbox, label, vbox
from ui.widgets.tile import Tile

SECTION_COLUMNS = 2
TILE_COLUMNS = 3


class HomeScreen(Screen):
    screen_id = ScreenId.HOME

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.tiles: dict[str, Tile] = {}
        self.headings: dict[str, tuple[QLabel, Group | None]] = {}
        m = ctx.theme.metrics
        self.box = vbox(self, margin=m.gap * 4, spacing=m.gap * 2)
        self.heading = label(kind="title")
        self.box.addWidget(self.heading)
        # A kiosk without a number (not enrolled, none configured) cannot issue tracking codes:
        # it takes no requests until it has one, and says so.
        self.not_ready = label(role=Role.ERROR, bold=True)
        self.not_ready.setObjectName("not-ready")
        self.not_ready.hide()
        self.box.addWidget(self.not_ready)
        catalog = ctx.catalog
        self.track = Tile(lambda: self.go(ScreenId.TRACK), name="tile-track")
        self.news = Tile(lambda: self.go(ScreenId.ANNOUNCEMENTS), name="tile-announcements")
        sections: list[tuple[str, Group | None, list[Tile]]] = []
        for group in catalog.groups:
            services = catalog.services_in(group.code)
            tiles = []
            for service in services:
                tile = Tile(partial(self.start, service), name=f"tile-{service.code}")
                self.tiles[service.code] = tile
                tiles.append(tile)
            if tiles:
                sections.append((group.code, group, tiles))
        sections.append(("kiosk", None, [self.track, self.news]))
        self.sections = sections
        self.arranged_for: bool | None = None  # the large-text state of the current layout
        self.grid_row: QHBoxLayout | None = None
        self.shown_lang = ""  # the language of the texts
        self.apply_theme()
        self.retranslate()
        ctx.core_opened.connect(self.on_core_opened)

    def on_core_opened(self, _core: object) -> None:
        self.show_readiness()

    def show_readiness(self) -> None:
        """Tiles of services that file a request show only when the kiosk has a number."""
        ready = not self.ctx.core_is_open or self.ctx.core.kiosk_number != NO_KIOSK_NUMBER
        for code, tile in self.tiles.items():
            offered = ready or not self.ctx.catalog.service(code).queued
            tile.setEnabled(offered)
            tile.setVisible(offered)
        for code, _group, tiles in self.sections:
            if code in self.headings:
                self.headings[code][0].setVisible(any(t.isEnabled() for t in tiles))
        self.not_ready.setVisible(not ready)

    def _arrange(self, sections: list[tuple[str, Group | None, list[Tile]]]) -> None:
        """Groups as sections in two columns, each section's tiles in rows of three.

        Sections go, in catalog order, to whichever column is shorter so far (a masonry
        layout), so a city's catalog of a dozen or two services fits one screen.
        """
        m = self.ctx.theme.metrics
        if self.grid_row is not None:  # re-arranging: take the old layouts apart, keep widgets
            self.box.removeItem(self.grid_row)
            dismantle(self.grid_row)
        row = hbox(spacing=m.gap * 6)
        self.grid_row = row
        count = SECTION_COLUMNS + (1 if m.large_text else 0)  # larger text, narrower sections
        columns = [vbox(spacing=m.gap * 2) for _ in range(count)]
        heights = [0] * count
        for code, group, tiles in sections:
            target = heights.index(min(heights))
            if code not in self.headings:
                self.headings[code] = (label(kind="heading"), group)
            heading = self.headings[code][0]
            columns[target].addWidget(heading)
            grid = QGridLayout()
            grid.setSpacing(m.gap * 2)
            for i, tile in enumerate(tiles):
                grid.addWidget(tile, i // TILE_COLUMNS, i % TILE_COLUMNS)
            for column in range(TILE_COLUMNS):
                grid.setColumnStretch(column, 1)
            columns[target].addLayout(grid)
            heights[target] += 1 + 2 * ((len(tiles) + TILE_COLUMNS - 1) // TILE_COLUMNS)
        for stack in columns:
            stack.addStretch(1)
            row.addLayout(stack, 1)
        self.box.addLayout(row, 1)

    def enter(self, **params: Any) -> None:
        if self.shown_lang != self.ctx.lang:  # hidden during a language switch
            self.retranslate()
        self.show_readiness()  # enrolled from the admin panel meanwhile, say

    def start(self, service: Service) -> None:
        self.ctx.session.start(service.code)
        self.go(ScreenId.QUESTION)

    def apply_theme(self) -> None:
        m = self.ctx.theme.metrics
        if self.arranged_for is not m.large_text:
            self._arrange(self.sections)
            self.arranged_for = m.large_text
        for tile in [*self.tiles.values(), self.track, self.news]:
            tile.setMinimumHeight(round(m.target * (1.6 if m.large_text else 1.35)))
            tile.set_floor(m.target * 2)

    def retranslate(self) -> None:
        lang, tr = self.ctx.lang, self.ctx.t
        self.shown_lang = lang
        self.heading.setText(tr(Home.HEADING))
        self.not_ready.setText(
            tr(
                N_(
                    "This kiosk cannot take requests yet: it is not set up with the city. "
                    "Please use another kiosk, or ask a member of staff."
                )
            )
        )
        for heading, group in self.headings.values():
            heading.setText(group.title.get(lang) if group else tr(Home.OWN_GROUP))
        for code, tile in self.tiles.items():
            tile.set_texts(self.ctx.catalog.service(code).title.get(lang))
        self.track.set_texts(tr(Home.TRACK), tr(Home.TRACK_HINT))
        self.news.set_texts(tr(Home.NEWS), tr(Home.NEWS_HINT))
