"""A large tile button with a title and an optional line of description."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

from ui.theme import Role, set_role
from ui.widgets.common import CENTER, label, vbox


class Tile(QPushButton):
    def __init__(
        self, on_click: Callable[[], object], *, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        set_role(self, Role.TILE)
        self._box = vbox(self, margin=8, spacing=4)
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

    def text(self) -> str:
        return self.title.text()
