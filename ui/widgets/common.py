"""Small building blocks: labels and buttons that carry a colour role and align by direction.

Alignment is always Leading/Trailing, never Left/Right: in Persian (right-to-left) Qt mirrors
Leading to the right, which is what a reader expects.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.theme import Role, set_role

LEADING = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def label(
    text: str = "",
    *,
    role: Role = Role.PAGE,
    kind: str | None = None,
    bold: bool = False,
    wrap: bool = True,
    align: Qt.AlignmentFlag = LEADING,
    parent: QWidget | None = None,
) -> QLabel:
    """A text label. ``kind`` is "title", "heading" or "small" (sizes from the style sheet);
    ``bold`` makes it bold (through the style sheet too: no sheet of its own to parse)."""
    widget = QLabel(text, parent)
    widget.setWordWrap(wrap)
    widget.setAlignment(align)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if kind is not None:
        widget.setProperty(kind, True)
    if bold:
        widget.setProperty("bold", True)
    set_role(widget, role)
    return widget


def button(
    text: str = "",
    *,
    role: Role = Role.SECONDARY,
    on_click: Callable[[], object] | None = None,
    name: str | None = None,
    parent: QWidget | None = None,
) -> QPushButton:
    widget = QPushButton(text, parent)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the text box keeps focus (and the keyboard)
    widget.setAutoDefault(False)
    if name is not None:
        widget.setObjectName(name)
    if on_click is not None:
        widget.clicked.connect(lambda _checked=False: on_click())
    set_role(widget, role)
    return widget


def vbox(parent: QWidget | None = None, *, margin: int = 0, spacing: int = 0) -> QVBoxLayout:
    box = QVBoxLayout(parent) if parent is not None else QVBoxLayout()
    box.setContentsMargins(margin, margin, margin, margin)
    box.setSpacing(spacing)
    return box


def hbox(parent: QWidget | None = None, *, margin: int = 0, spacing: int = 0) -> QHBoxLayout:
    box = QHBoxLayout(parent) if parent is not None else QHBoxLayout()
    box.setContentsMargins(margin, margin, margin, margin)
    box.setSpacing(spacing)
    return box


def scrub(widget: QWidget) -> None:
    """Blank every text in ``widget`` and its children, now (deletion happens later)."""
    for w in [widget, *widget.findChildren(QWidget)]:
        if isinstance(w, QLabel | QAbstractButton | QLineEdit):
            w.setText("")
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText("")


def discard(widget: QWidget) -> None:
    """Hide, blank and schedule a widget for deletion: nothing of it stays readable."""
    widget.hide()
    scrub(widget)
    widget.deleteLater()


def clear_layout(layout: QLayout) -> None:
    """Remove, blank and delete every widget and sub-layout of ``layout``."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            discard(widget)
        child = item.layout()
        if child is not None:
            clear_layout(child)


def dismantle(layout: QLayout) -> None:
    """Take a layout apart, keeping its widgets (to lay them out again), and delete it."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        child = item.layout()
        if child is not None:
            dismantle(child)
    layout.deleteLater()
