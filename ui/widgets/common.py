"""Small building blocks: labels and buttons that carry a colour role and align by direction.

Alignment is always Leading/Trailing, never Left/Right: in Persian (right-to-left) Qt mirrors
Leading to the right, which is what a reader expects.

Qt sizes a label or a button by the advance of its text, but the first and last glyphs may ink
beyond it: the tail of a final «ی» or «ن» sweeps past the left end of a Persian word. A widget
sized to the advance then cuts that ink off; :class:`Label` and :class:`Button` ask for that
much more room (on both sides, as a centred text shares the extra room between them).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
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


def ink_overshoot(font: QFont, text: str) -> int:
    """The pixels ``text``'s ink reaches beyond its advance at either end, for both ends."""
    fm = QFontMetricsF(font)
    over = 0.0
    for line in text.split("\n"):
        if line:
            ink = fm.boundingRect(line)
            over = max(over, -ink.left(), ink.right() - fm.horizontalAdvance(line))
    return math.ceil(2 * over)


def ink_width(font: QFont, text: str) -> int:
    """The width ``text`` inks in ``font``: its advance and what its ends reach beyond it."""
    fm = QFontMetricsF(font)
    ink = fm.boundingRect(text)
    return math.ceil(max(fm.horizontalAdvance(text), ink.right()) - min(0.0, ink.left()))


class _InkRoom:
    """The extra width a text's ink needs, computed once per text and font."""

    def __init__(self) -> None:
        self._key: tuple[str, str] | None = None
        self._extra = 0

    def extra(self, font: QFont, text: str) -> int:
        key = (text, font.key())
        if key != self._key:
            self._key, self._extra = key, ink_overshoot(font, text)
        return self._extra


class Label(QLabel):
    """A label whose size hint holds its text's ink (one line, or lines broken by hand)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._ink = _InkRoom()

    def _widened(self, size: QSize) -> QSize:
        if not self.wordWrap() and size.isValid():
            size.setWidth(size.width() + self._ink.extra(self.font(), self.text()))
        return size

    def sizeHint(self) -> QSize:
        return self._widened(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        return self._widened(super().minimumSizeHint())


class Button(QPushButton):
    """A push button whose size hint holds its text's ink."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._ink = _InkRoom()

    def _widened(self, size: QSize) -> QSize:
        text = QPushButton.text(self)
        if text and size.isValid():
            size.setWidth(size.width() + self._ink.extra(self.font(), text))
        return size

    def sizeHint(self) -> QSize:
        return self._widened(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        return self._widened(super().minimumSizeHint())


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
    widget = Label(text, parent)
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
    widget = Button(text, parent)
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


class NavRow(QGridLayout):
    """Back at the reading start, Continue (if any) at the end, and the middle cell (where the
    keyboard goes) in the middle of the row whatever the buttons' widths: the two side columns
    are kept equally wide (each as wide as the wider button, and the gap, need), so the
    keyboard is centred on the screen. (The gaps are part of the side columns: a grid leaves
    out the spacing next to an empty column, which would push the middle off centre.)"""

    def __init__(
        self, back: QWidget, middle: QLayout, forward: QWidget | None, spacing: int
    ) -> None:
        super().__init__()
        self.setContentsMargins(0, 0, 0, 0)
        self.setHorizontalSpacing(0)
        self._gap = spacing
        bottom = Qt.AlignmentFlag.AlignBottom
        self.addWidget(back, 0, 0, bottom | Qt.AlignmentFlag.AlignLeading)
        self.addLayout(middle, 0, 1)
        if forward is not None:
            self.addWidget(forward, 0, 2, bottom | Qt.AlignmentFlag.AlignTrailing)
        self.setColumnStretch(0, 1)
        self.setColumnStretch(2, 1)
        self._sides = [w for w in (back, forward) if w is not None]

    def setGeometry(self, rect: QRect) -> None:
        side = self._gap + max((w.sizeHint().width() for w in self._sides), default=0)
        if self.columnMinimumWidth(0) != side:  # once per change of the buttons' size
            self.setColumnMinimumWidth(0, side)
            self.setColumnMinimumWidth(2, side)
        super().setGeometry(rect)


def nav_row(
    back: QWidget, middle: QLayout, forward: QWidget | None = None, *, spacing: int = 0
) -> QGridLayout:
    """Back, the keyboard's place in the middle of the screen, Continue (:class:`NavRow`)."""
    return NavRow(back, middle, forward, spacing)


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
