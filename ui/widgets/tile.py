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
        box = vbox(self, margin=8, spacing=4)
        self.title = self._label(label(role=Role.TILE, align=CENTER))
        self.title.setStyleSheet("font-weight: bold;")
        self.detail = self._label(label(role=Role.TILE, kind="small", align=CENTER))
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.detail)
        box.addStretch(1)
        self.clicked.connect(lambda _checked=False: on_click())

    @staticmethod
    def _label(widget: QLabel) -> QLabel:
        widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        widget.setStyleSheet(widget.styleSheet() + "background: transparent;")
        return widget

    def set_texts(self, title: str, detail: str = "") -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setAccessibleName(title)

    def text(self) -> str:
        return self.title.text()
