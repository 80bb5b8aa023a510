"""Building blocks of the staff screens: desktop sizes, keyboard first (not the touch metrics).

The counter window and the admin panel carry :func:`desk_sheet`; inside the touch kiosk the admin
panel takes the kiosk's sheet from the window around it instead. Colours are the theme's roles,
so contrast is the same as on the citizens' screens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import N_
from ui.theme import FONT_FAMILY, NORMAL, Role, set_property, set_role

PROBLEM = N_("There is a problem")
FONT_PX = 15


def desk_sheet() -> str:
    """The style sheet of the staff screens at desktop sizes."""
    c = NORMAL
    rules = [
        f"""
        QWidget {{ font-family: "{FONT_FAMILY}"; font-size: {FONT_PX}px; }}
        QLabel[title="true"] {{ font-size: {FONT_PX + 9}px; font-weight: bold; }}
        QLabel[heading="true"] {{ font-size: {FONT_PX + 3}px; font-weight: bold; }}
        QLabel[small="true"] {{ font-size: {FONT_PX - 2}px; }}
        QLabel[code="true"] {{ font-size: {FONT_PX + 17}px; font-weight: bold; }}
        QLabel[bold="true"] {{ font-weight: bold; }}
        QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {{
            border: 3px solid {c.error_border}; }}
        QFrame#error-summary {{ border: 4px solid {c.error_border}; background: #ffffff; }}
        QFrame[boxed="true"] {{ border: 2px solid {c.border}; background: {c.bg(Role.PANEL)}; }}
        QPushButton[link="true"] {{ border: none; text-decoration: underline;
            color: {c.fg(Role.ERROR)}; text-align: left; padding: 2px; background: transparent; }}
        QPushButton[link="true"]:focus {{ background: {c.focus}; color: #0b0c0c; }}
        QPushButton {{ padding: 4px 14px; }}
        """
    ]
    for role in (Role.ERROR, Role.MUTED):
        rules.append(f'QLabel[role="{role.value}"] {{ color: {c.fg(role)}; }}')
    rules.append(f'QLabel[role="error"] {{ font-weight: bold; color: {c.fg(Role.ERROR)}; }}')
    rules.append(f'QLabel[role="ok"] {{ font-weight: bold; color: {c.bg(Role.PRIMARY)}; }}')
    return "\n".join(rules)


def text_label(
    text: str = "", *, kind: str | None = None, role: Role | None = None, name: str | None = None
) -> QLabel:
    """A plain-text label, aligned to the reading start (Leading, never Left)."""
    widget = QLabel(text)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setWordWrap(True)
    widget.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
    if kind is not None:
        widget.setProperty(kind, True)
    if role is not None:
        set_role(widget, role)
    if name is not None:
        widget.setObjectName(name)
    return widget


def action(
    text: str = "", on_click: Callable[[], object] | None = None, *, name: str | None = None
) -> QPushButton:
    """A push button that takes focus (Tab) and runs ``on_click``."""
    widget = QPushButton(text)
    widget.setAutoDefault(True)
    if name is not None:
        widget.setObjectName(name)
    if on_click is not None:
        widget.clicked.connect(lambda _checked=False: on_click())
    return widget


def show_message(widget: QLabel, text: str, *, error: bool = False) -> None:
    """Show a status line: an error in the error colour, else in the "done" colour."""
    widget.setText(text)
    set_property(widget, "role", Role.ERROR.value if error else "ok")
    widget.setVisible(bool(text))


class Message:
    """A status line that says its words again in the new language on a language switch
    (``show_message`` with the words to render rather than rendered words)."""

    def __init__(self, widget: QLabel) -> None:
        self.widget = widget
        self._words: Callable[[], str] | None = None
        self._error = False

    def say(self, words: Callable[[], str] | None, *, error: bool = False) -> None:
        """Show ``words()`` (rendered now and after each language switch); None clears it."""
        self._words, self._error = words, error
        self.retranslate()

    def retranslate(self) -> None:
        show_message(self.widget, self._words() if self._words else "", error=self._error)


def table(headers: Sequence[str], *, name: str) -> QTableWidget:
    """A read-only table that selects whole rows, one at a time."""
    widget = QTableWidget(0, len(headers))
    widget.setObjectName(name)
    widget.setHorizontalHeaderLabels(list(headers))
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    widget.verticalHeader().setVisible(False)
    widget.setAlternatingRowColors(True)
    header = widget.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return widget


def fill_table(widget: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    widget.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
            widget.setItem(r, c, item)


def set_headers(widget: QTableWidget, headers: Sequence[str]) -> None:
    widget.setHorizontalHeaderLabels(list(headers))


class ErrorSummary(QFrame):
    """The GOV.UK error summary at desktop sizes: it takes focus, and each problem is a link
    (a focusable button: Tab reaches it, Enter follows it) to its field."""

    def __init__(self, t: Callable[[str], str], on_select: Callable[[str], None]) -> None:
        super().__init__()
        self.setObjectName("error-summary")
        self._t = t
        self._on_select = on_select
        self._errors: list[tuple[str, str]] = []
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._box = QVBoxLayout(self)
        self._title = text_label(kind="heading", name="error-summary-title")
        self._box.addWidget(self._title)
        self._links: list[QPushButton] = []
        self.hide()

    def show_errors(self, errors: Sequence[tuple[str, str]]) -> None:
        """(field key, message) pairs; an empty list hides the summary."""
        self._errors = list(errors)
        for link in self._links:
            self._box.removeWidget(link)
            link.deleteLater()
        self._links = []
        self._title.setText(self._t(PROBLEM))
        self.setAccessibleName(self._t(PROBLEM))
        for key, message in self._errors:
            link = QPushButton(message)
            link.setObjectName(f"error-link-{key}")
            link.setProperty("link", True)
            link.setCursor(Qt.CursorShape.PointingHandCursor)
            link.clicked.connect(partial(self._on_select, key))
            self._box.addWidget(link)
            self._links.append(link)
        self.setVisible(bool(self._errors))
        if self._errors:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def errors(self) -> list[tuple[str, str]]:
        return list(self._errors)

    def links(self) -> list[QPushButton]:
        return list(self._links)


def hline() -> QWidget:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
