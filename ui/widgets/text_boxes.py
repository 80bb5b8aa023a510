"""Text boxes that align their text and place their caret by their layout direction.

Qt aligns a box's text by the direction of the text itself, and an empty box has none: an empty
``QLineEdit`` takes the input method's direction (left to right on a kiosk, whose keyboard is on
the screen), so in a Persian field the caret starts at the left and the text jumps to the right
with the first letter; a ``QPlainTextEdit`` lays Persian out from the left. These boxes align to
the reading start of their layout direction instead, which they inherit from the window (Persian:
right to left) unless a field sets its own (digits and codes: left to right). The alignment is
absolute because Qt's Leading/Trailing would again be resolved by the text's own direction.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

__all__ = ["LineBox", "TextArea", "reading_start"]


def reading_start(direction: Qt.LayoutDirection) -> Qt.AlignmentFlag:
    """The visual side where text of ``direction`` starts, as an absolute alignment."""
    side = (
        Qt.AlignmentFlag.AlignRight
        if direction is Qt.LayoutDirection.RightToLeft
        else Qt.AlignmentFlag.AlignLeft
    )
    return side | Qt.AlignmentFlag.AlignAbsolute


class LineBox(QLineEdit):
    """A one-line box: text and caret at the reading start of its layout direction."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._follow_direction()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() is QEvent.Type.LayoutDirectionChange:
            self._follow_direction()

    def _follow_direction(self) -> None:
        self.setAlignment(reading_start(self.layoutDirection()) | Qt.AlignmentFlag.AlignVCenter)


class TextArea(QPlainTextEdit):
    """A multi-line box: paragraphs laid out, and aligned, in its layout direction."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._follow_direction()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() is QEvent.Type.LayoutDirectionChange:
            self._follow_direction()

    def _follow_direction(self) -> None:
        direction = self.layoutDirection()
        option = QTextOption(self.document().defaultTextOption())
        option.setTextDirection(direction)
        option.setAlignment(reading_start(direction))
        self.document().setDefaultTextOption(option)
