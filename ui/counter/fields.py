"""One desktop input per catalog field type, keyboard first: the counter's form is all of a
service's questions at once, so each field is a small block (label, hint, error, input).

``value()`` is the raw answer (the core cleans and checks it, as on the kiosk); ``set_value``
shows a stored (cleaned) answer again, for "correct and resubmit".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalog import Catalog, Choice, Field, FieldType
from kiosk.date_rules import example_date
from kiosk.i18n import N_, translate
from ui.counter.widgets import text_label
from ui.theme import Role, set_property
from ui.widgets.text_boxes import LineBox, TextArea

OPTIONAL = N_("(optional)")
SELECT = N_("Select…")
YES, NO = N_("Yes"), N_("No")
DATE_HINT = N_("Year/month/day in the Persian calendar, for example {example}")
LTR_TYPES = frozenset(
    {
        FieldType.NUMBER,
        FieldType.AMOUNT,
        FieldType.NATIONAL_CODE,
        FieldType.MOBILE,
        FieldType.POSTAL_CODE,
        FieldType.BILL_ID,
        FieldType.PAYMENT_ID,
        FieldType.SHEBA,
        FieldType.JALALI_DATE,
    }
)


class FieldBlock(QWidget):
    """Label, help, inline error and the input of one question."""

    changed = Signal()

    def __init__(self, catalog: Catalog, field: Field, lang: str) -> None:
        super().__init__()
        self.field = field
        self.catalog = catalog
        self.lang = lang
        self.setObjectName(f"block-{field.key}")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 6, 0, 6)
        box.setSpacing(3)
        self.caption = text_label(kind="bold")
        self.hint = text_label(role=Role.MUTED, kind="small")
        self.error = text_label(role=Role.ERROR, name=f"error-{field.key}")
        self.error.hide()
        box.addWidget(self.caption)
        box.addWidget(self.hint)
        box.addWidget(self.error)
        self.input = self._make_input()
        box.addWidget(self.input)
        self.retranslate(lang)

    # -- the input ---------------------------------------------------------------------------

    def _make_input(self) -> QWidget:
        f = self.field
        name = f"field-{f.key}"
        if f.type is FieldType.LONG_TEXT:
            edit = TextArea()  # laid out from the reading side of the language
            edit.setTabChangesFocus(True)  # keyboard first: Tab moves on, as in every field
            edit.setFixedHeight(90)
            edit.textChanged.connect(self.changed.emit)
            edit.setObjectName(name)
            self.caption.setBuddy(edit)
            return edit
        if f.type in (FieldType.SINGLE_CHOICE, FieldType.DISTRICT):
            combo = QComboBox()
            combo.setObjectName(name)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.caption.setBuddy(combo)
            return combo
        if f.type in (FieldType.MULTI_CHOICE, FieldType.YES_NO):
            holder = QWidget()
            holder.setObjectName(name)
            row = QHBoxLayout(holder) if f.type is FieldType.YES_NO else QVBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            self.group = QButtonGroup(holder)
            self.group.setExclusive(f.type is FieldType.YES_NO)
            values: list[tuple[str, str]] = (
                [("yes", YES), ("no", NO)]
                if f.type is FieldType.YES_NO
                else [(c.value, "") for c in f.choices]
            )
            for value, _msgid in values:
                box: QCheckBox | QRadioButton = (
                    QRadioButton() if f.type is FieldType.YES_NO else QCheckBox()
                )
                box.setObjectName(f"{name}-{value}")
                box.setProperty("value", value)
                box.toggled.connect(lambda _on: self.changed.emit())
                self.group.addButton(box)
                row.addWidget(box)
            if isinstance(row, QHBoxLayout):
                row.addStretch(1)
            return holder
        edit_ = LineBox()  # text and caret at the reading side, even when empty
        edit_.setObjectName(name)
        if f.type in LTR_TYPES:
            edit_.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        if f.max_length:
            edit_.setMaxLength(f.max_length)
        edit_.textChanged.connect(lambda _text: self.changed.emit())
        self.caption.setBuddy(edit_)
        return edit_

    def _choices(self) -> tuple[Choice, ...]:
        f = self.field
        return self.catalog.districts if f.type is FieldType.DISTRICT else f.choices

    def value(self) -> Any:
        widget = self.input
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QComboBox):
            data = widget.currentData()
            return data if isinstance(data, str) else ""
        chosen = [str(b.property("value")) for b in self.group.buttons() if b.isChecked()]
        if self.field.type is FieldType.YES_NO:
            return chosen[0] if chosen else ""
        return chosen

    def set_value(self, value: Any) -> None:
        widget = self.input
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText("" if value is None else str(value))
        elif isinstance(widget, QLineEdit):
            text = "" if value is None else str(value)
            if self.field.type is FieldType.JALALI_DATE:
                text = text.replace("-", "/")
            widget.setText(text)
        elif isinstance(widget, QComboBox):
            index = widget.findData(str(value)) if value not in (None, "") else 0
            widget.setCurrentIndex(max(0, index))
        else:
            if isinstance(value, bool):
                wanted = {"yes" if value else "no"}
            elif isinstance(value, list | tuple):
                wanted = {str(v) for v in value}
            else:
                wanted = {str(value)} if value not in (None, "") else set()
            for b in self.group.buttons():
                b.setChecked(str(b.property("value")) in wanted)

    def focus_input(self) -> None:
        if isinstance(self.input, QLineEdit | QPlainTextEdit | QComboBox):
            self.input.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.group.buttons():
            self.group.buttons()[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_widget(self) -> QWidget:
        """The first widget Tab reaches in this block."""
        if isinstance(self.input, QLineEdit | QPlainTextEdit | QComboBox):
            return self.input
        buttons = self.group.buttons()
        return buttons[0] if buttons else self.input

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        widget = self.input
        set_property(widget, "invalid", bool(message))

    # -- language ------------------------------------------------------------------------------

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        f = self.field
        caption = f.label.get(lang)
        if not f.required:
            caption += " " + translate(lang, OPTIONAL)
        self.caption.setText(caption)
        hint = f.help.get(lang) if f.help else ""
        if f.type is FieldType.JALALI_DATE:  # a date the field accepts, from its rules
            example = example_date(f, dt.date.today()).isoformat().replace("-", "/")
            hint = (hint + " " if hint else "") + translate(lang, DATE_HINT, example=example)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.input.setAccessibleName(f.label.get(lang))
        widget = self.input
        if isinstance(widget, QComboBox):
            current = widget.currentData()
            widget.blockSignals(True)
            widget.clear()
            widget.addItem(translate(lang, SELECT), "")
            for choice in self._choices():
                widget.addItem(choice.label.get(lang), choice.value)
            widget.setCurrentIndex(max(0, widget.findData(current)) if current else 0)
            widget.blockSignals(False)
        elif f.type is FieldType.YES_NO:
            for b in self.group.buttons():
                word = YES if b.property("value") == "yes" else NO
                b.setText(translate(lang, word))
        elif f.type is FieldType.MULTI_CHOICE:
            labels = {c.value: c.label.get(lang) for c in f.choices}
            for b in self.group.buttons():
                b.setText(labels.get(str(b.property("value")), ""))
