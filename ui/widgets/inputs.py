"""One input widget per catalog field type, all with the same small interface.

``value()`` returns what the citizen entered, raw (the core cleans and checks it); ``set_value``
shows a previous answer again (Back, Change, a language switch). Text boxes declare the keyboard
layout they want in the dynamic property ``keyboard``; the main window attaches the on-screen
keyboard to whichever box has focus.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from kiosk.catalog import Catalog, Choice, Field, FieldType, LocalText
from kiosk.date_rules import example_date
from kiosk.i18n import translate
from kiosk.jalali import format_jalali
from kiosk.text import localize_digits, to_ascii_digits
from kiosk.wording import Common, Question
from ui.context import UiContext
from ui.theme import Role, set_property, set_role
from ui.widgets.common import button, hbox, label, vbox
from ui.widgets.keyboard import Layout
from ui.widgets.text_boxes import LineBox, TextArea

NUMERIC_TYPES = frozenset(
    {
        FieldType.NUMBER,
        FieldType.AMOUNT,
        FieldType.NATIONAL_CODE,
        FieldType.MOBILE,
        FieldType.POSTAL_CODE,
        FieldType.BILL_ID,
        FieldType.PAYMENT_ID,
        FieldType.SHEBA,
    }
)
MAX_LENGTH = {
    FieldType.NUMBER: 20,
    FieldType.AMOUNT: 24,
    FieldType.NATIONAL_CODE: 12,
    FieldType.MOBILE: 16,
    FieldType.POSTAL_CODE: 12,
    FieldType.BILL_ID: 16,
    FieldType.PAYMENT_ID: 16,
    FieldType.SHEBA: 32,
}
YES, NO = Common.YES, Common.NO


class FieldInput(QWidget):
    changed = Signal()

    def __init__(self, ctx: UiContext, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.field = field

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_invalid(self, invalid: bool) -> None:
        for box in self.findChildren(QLineEdit) + self.findChildren(QPlainTextEdit):
            set_property(box, "invalid", invalid)

    def focus_input(self) -> None:
        """Put focus in the input (a text box) or on the first choice."""

    def retranslate(self) -> None:
        """Relabel for ``ctx.lang`` keeping the value."""


def keyboard_for(field_type: FieldType, lang: str) -> Layout:
    if field_type in NUMERIC_TYPES or field_type is FieldType.JALALI_DATE:
        return Layout.NUMERIC
    return Layout.FA if lang == "fa" else Layout.EN


def _line_edit(ctx: UiContext, layout: Layout, max_length: int, ltr: bool) -> QLineEdit:
    """A one-line box at the reading side of the session's language (``LineBox``)."""
    box = LineBox()
    box.setMaxLength(max_length)
    box.setProperty("keyboard", layout.value)
    set_role(box, Role.INPUT)
    if ltr:  # digits and codes read left to right in both languages
        box.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    return box


class TextInput(FieldInput):
    """text, number, amount and the identifier types: one line."""

    def __init__(self, ctx: UiContext, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(ctx, field, parent)
        numeric = field.type in NUMERIC_TYPES
        max_length = MAX_LENGTH.get(field.type, field.max_length or 200)
        self.box = _line_edit(ctx, keyboard_for(field.type, ctx.lang), max_length, numeric)
        self.box.textChanged.connect(lambda _t: self.changed.emit())
        row = hbox(self, spacing=ctx.theme.metrics.gap)
        if field.type is FieldType.SHEBA:
            prefix = label("IR", kind="heading", wrap=False)
            prefix.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            row.setDirection(QBoxLayout.Direction.LeftToRight)
            row.addWidget(prefix)
        row.addWidget(self.box, 1)
        self._numeric = numeric

    def value(self) -> Any:
        text = self.box.text()
        if self.field.type is FieldType.SHEBA and text.strip():
            return "IR" + text
        return text

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.field.type is FieldType.SHEBA and text.upper().startswith("IR"):
            text = text[2:]
        if self._numeric:
            text = localize_digits(to_ascii_digits(text), self.ctx.lang)
        self.box.setText(text)

    def focus_input(self) -> None:
        self.box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.box.end(False)

    def retranslate(self) -> None:
        self.box.setProperty("keyboard", keyboard_for(self.field.type, self.ctx.lang).value)
        if self._numeric:
            self.set_value(self.box.text())


class LongTextInput(FieldInput):
    def __init__(self, ctx: UiContext, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(ctx, field, parent)
        self.box: QPlainTextEdit = TextArea()  # Persian laid out from the right
        self.box.setTabChangesFocus(True)
        self.box.setProperty("keyboard", keyboard_for(field.type, ctx.lang).value)
        self.box.setMinimumHeight(ctx.theme.metrics.target * 2)
        self.box.setMaximumHeight(ctx.theme.metrics.target * 3)
        set_role(self.box, Role.INPUT)
        self._limit = field.max_length or 2000
        self.box.textChanged.connect(self._enforce_limit)
        vbox(self).addWidget(self.box)

    def _enforce_limit(self) -> None:
        text = self.box.toPlainText()
        if len(text) > self._limit:
            cursor = self.box.textCursor()
            self.box.setPlainText(text[: self._limit])
            cursor.setPosition(min(cursor.position(), self._limit))
            self.box.setTextCursor(cursor)
        self.changed.emit()

    def value(self) -> Any:
        return self.box.toPlainText()

    def set_value(self, value: Any) -> None:
        self.box.setPlainText("" if value is None else str(value))

    def focus_input(self) -> None:
        self.box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.box.moveCursor(self.box.textCursor().MoveOperation.End)

    def retranslate(self) -> None:
        self.box.setProperty("keyboard", keyboard_for(self.field.type, self.ctx.lang).value)


class ChoiceInput(FieldInput):
    """single choice, district, yes/no (one answer) and multiple choice (several): big buttons."""

    def __init__(
        self, ctx: UiContext, field: Field, catalog: Catalog, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, field, parent)
        self.multi = field.type is FieldType.MULTI_CHOICE
        if field.type is FieldType.YES_NO:
            self.choices: tuple[Choice, ...] = (
                Choice("yes", LocalText(fa=translate("fa", YES), en=translate("en", YES))),
                Choice("no", LocalText(fa=translate("fa", NO), en=translate("en", NO))),
            )
        elif field.type is FieldType.DISTRICT:
            self.choices = catalog.districts
        else:
            self.choices = field.choices
        self.selected: list[str] = []
        self.buttons: dict[str, QPushButton] = {}
        m = ctx.theme.metrics
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(m.gap * 2)
        columns = 6 if len(self.choices) > 12 else (2 if len(self.choices) > 3 else 1)
        if field.type is FieldType.YES_NO:
            columns = 2
        for i, choice in enumerate(self.choices):
            b = button(on_click=partial(self._toggle, choice.value), role=Role.CHOICE)
            b.setObjectName(f"choice-{choice.value}")
            b.setMinimumHeight(m.target)
            self.buttons[choice.value] = b
            grid.addWidget(b, i // columns, i % columns)
        self.retranslate()

    def _toggle(self, value: str) -> None:
        if self.multi:
            if value in self.selected:
                self.selected.remove(value)
            else:
                self.selected.append(value)
        else:
            self.selected = [value]
        self._paint()
        self.changed.emit()

    def _paint(self) -> None:
        for value, b in self.buttons.items():
            on = value in self.selected
            set_role(b, Role.CHOICE_ON if on else Role.CHOICE)
            b.setAccessibleDescription("selected" if on else "")
        self.retranslate()

    def value(self) -> Any:
        if self.multi:
            return list(self.selected)
        if not self.selected:
            return None
        if self.field.type is FieldType.YES_NO:
            return self.selected[0] == "yes"
        return self.selected[0]

    def set_value(self, value: Any) -> None:
        if value is None or value == "":
            self.selected = []
        elif isinstance(value, bool):
            self.selected = ["yes" if value else "no"]
        elif isinstance(value, list | tuple):
            self.selected = [str(v) for v in value if str(v) in self.buttons]
        else:
            self.selected = [str(value)] if str(value) in self.buttons else []
        self._paint()

    def retranslate(self) -> None:
        for choice in self.choices:
            mark = "✓ " if choice.value in self.selected else ""
            self.buttons[choice.value].setText(mark + choice.label.get(self.ctx.lang))

    def focus_input(self) -> None:
        self.setFocus(Qt.FocusReason.OtherFocusReason)


class DateInput(FieldInput):
    """A Jalali date as three boxes: day, month, year (GOV.UK's date input), numeric keypad,
    and under them how to fill them, with an example date the field accepts."""

    LABELS = Question.DATE_PARTS
    HOW = Question.DATE_HOW

    def __init__(self, ctx: UiContext, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(ctx, field, parent)
        outer = vbox(self, spacing=ctx.theme.metrics.gap)
        row = hbox(spacing=ctx.theme.metrics.gap * 3)
        outer.addLayout(row)
        self.how = label(role=Role.MUTED, kind="small")
        self.how.setObjectName("date-how")
        outer.addWidget(self.how)
        self.boxes: list[QLineEdit] = []
        self.labels = []
        for i, width_chars in enumerate((2, 2, 4)):
            column = QWidget()
            col = vbox(column, spacing=ctx.theme.metrics.gap)
            caption = label(kind="small")
            box = _line_edit(ctx, Layout.NUMERIC, width_chars, True)
            box.setObjectName(("day", "month", "year")[i])
            box.setFixedWidth(ctx.theme.metrics.target * (3 if width_chars == 4 else 2))
            box.textChanged.connect(lambda text, i=i: self._advance(i, text))
            col.addWidget(caption)
            col.addWidget(box)
            row.addWidget(column)
            self.boxes.append(box)
            self.labels.append(caption)
        row.addStretch(1)
        self.retranslate()

    def _advance(self, index: int, text: str) -> None:
        """A full day or month box hands focus to the next box, as on paper forms."""
        self.changed.emit()
        box = self.boxes[index]
        if index < 2 and box.hasFocus() and len(text) == box.maxLength():
            self.boxes[index + 1].setFocus(Qt.FocusReason.OtherFocusReason)

    def value(self) -> Any:
        day, month, year = (to_ascii_digits(b.text()).strip() for b in self.boxes)
        if not (day or month or year):
            return ""
        return f"{year}/{month}/{day}"

    def set_value(self, value: Any) -> None:
        parts = ["", "", ""]
        if isinstance(value, str) and value:
            pieces = to_ascii_digits(value).replace("-", "/").split("/")
            if len(pieces) == 3:
                parts = [pieces[2], pieces[1], pieces[0]]
        for box, text in zip(self.boxes, parts, strict=True):
            box.setText(localize_digits(text, self.ctx.lang))

    def focus_input(self) -> None:
        first_empty = next((b for b in self.boxes if not b.text()), self.boxes[0])
        first_empty.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        for caption, msgid in zip(self.labels, self.LABELS, strict=True):
            caption.setText(self.ctx.t(msgid))
        example = example_date(self.field, dt.date.today())  # the day the rules check with
        self.how.setText(
            self.ctx.t(
                self.HOW,
                date=format_jalali(example, self.ctx.lang),
                day=example.day,
                month=example.month,
                year=example.year,
            )
        )
        self.set_value(self.value())


def make_input(ctx: UiContext, field: Field, catalog: Catalog) -> FieldInput:
    if field.type is FieldType.LONG_TEXT:
        return LongTextInput(ctx, field)
    if field.type in (
        FieldType.SINGLE_CHOICE,
        FieldType.MULTI_CHOICE,
        FieldType.DISTRICT,
        FieldType.YES_NO,
    ):
        return ChoiceInput(ctx, field, catalog)
    if field.type is FieldType.JALALI_DATE:
        return DateInput(ctx, field)
    return TextInput(ctx, field)
