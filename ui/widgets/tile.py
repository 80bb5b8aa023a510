"""A large tile button with a title and an optional line of description."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

from ui.theme import Role, set_role
from ui.widgets.common import CENTER, ink_width, label, vbox

MARGIN = 8  # px between the tile's border and its words


class Tile(QPushButton):
    def __init__(
        self, on_click: Callable[[], object], *, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        set_role(self, Role.TILE)
        self._box = vbox(self, margin=MARGIN, spacing=4)
        self._floor = 0  # the smallest width the page asks for (set_floor)
        # Both lines are transparent over the tile (the style sheet's QLabel[role="tile"]).
        self.title = self._label(label(role=Role.TILE, bold=True, align=CENTER, parent=self))
        self.detail: QLabel | None = None  # made for the first description (most have none)
        self._box.addStretch(1)
        self._box.addWidget(self.title)
        self._box.addStretch(1)
        self.clicked.connect(lambda _checked=False: on_click())

    @staticmethod
    def _label(widget: QLabel) -> QLabel:
        widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        return widget

    def set_floor(self, width: int) -> None:
        """The tile is at least ``width`` wide, and wide enough for its longest word."""
        self._floor = width
        self._fit_words()

    def _fit_words(self) -> None:
        """Lines break between words, never inside one: the longest word must fit."""
        widest = 0
        for line in (self.title, self.detail):
            if line is not None and line.text():
                line.ensurePolished()  # the style sheet's font, not the default one
                widest = max(widest, *(ink_width(line.font(), w) for w in line.text().split()))
        self.setMinimumWidth(max(self._floor, widest + 2 * MARGIN + 8))  # and the border

    def set_texts(self, title: str, detail: str = "") -> None:
        self.title.setText(title)
        if detail and self.detail is None:
            self.detail = self._label(
                label(role=Role.TILE, kind="small", align=CENTER, parent=self)
            )
            self._box.insertWidget(self._box.indexOf(self.title) + 1, self.detail)
        if self.detail is not None:
            self.detail.setText(detail)
            self.detail.setVisible(bool(detail))
        self.setAccessibleName(title)
        self._fit_words()

    def text(self) -> str:
        return self.title.text()
