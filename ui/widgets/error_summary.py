"""The GOV.UK error summary: a box at the top that takes focus and leads to each problem.

Each error is a button with the same words as the inline message; tapping it calls back with the
field key so the screen can focus that field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QSizePolicy, QWidget

from kiosk.wording import Common
from ui.context import UiContext
from ui.theme import Role, set_boxed
from ui.widgets.common import button, clear_layout, hbox, label, vbox

TITLE = Common.PROBLEM


class ErrorSummary(QFrame):
    def __init__(
        self, ctx: UiContext, on_select: Callable[[str], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._on_select = on_select
        self._errors: list[tuple[str, str]] = []
        set_boxed(self, Role.ERROR_BOX)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(ctx.t(TITLE))
        self._box = vbox(self, margin=ctx.theme.metrics.gap * 2, spacing=ctx.theme.metrics.gap)
        self.hide()

    def show_errors(self, errors: Sequence[tuple[str, str]]) -> None:
        """Show ``errors`` as (field key, message) and take focus; hide when empty."""
        self._errors = list(errors)
        self._rebuild()
        if self._errors:
            self.show()
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.hide()

    def errors(self) -> list[tuple[str, str]]:
        return list(self._errors)

    def retranslate(self) -> None:
        self.setAccessibleName(self.ctx.t(TITLE))
        self._rebuild()

    def _rebuild(self) -> None:
        clear_layout(self._box)
        if not self._errors:
            return
        title = label(self.ctx.t(TITLE), role=Role.ERROR_BOX, kind="heading", wrap=False)
        if len(self._errors) > 1:
            self._box.addWidget(title)
        for i, (key, message) in enumerate(self._errors):
            link = button(message, role=Role.ERROR_BOX, on_click=partial(self._on_select, key))
            link.setObjectName(f"error-link-{key}")
            link.setStyleSheet("text-decoration: underline; border: none;")
            link.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            row = hbox(spacing=self.ctx.theme.metrics.gap * 3)  # links start where reading starts
            if i == 0 and len(self._errors) == 1:
                row.addWidget(title)  # one problem: the heading and its link on one line
            row.addWidget(link)
            row.addStretch(1)
            self._box.addLayout(row)
