"""Settings staff may change on the kiosk, checked with the config's own parsers and saved to
the overrides file in the data dir (``kiosk.config.write_overrides``); audited by key."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.config import SECTIONS, env_name
from kiosk.i18n import N_
from ui.counter.widgets import action, show_message, text_label
from ui.widgets.text_boxes import LineBox

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.staff import StaffMember
    from ui.admin.desk import StaffDesk

TITLE = N_("Settings")
INTRO = N_("Saved on this kiosk (settings.toml in the data dir). They take effect on restart.")
SAVE = N_("Save")
SAVED = N_("Saved: {keys}. The changes take effect when the kiosk restarts.")
NOTHING = N_("Nothing was changed.")
FIX = N_("Check the values marked below.")
FROM_ENV = N_("{variable} is set for this kiosk and wins over this value.")
NEED_DEVICE = N_("A receipt printer needs a device, such as usb:0x04b8:0x0202 or tcp:10.0.0.5:9100")

# (section.key, label, what the value must be)
FIELDS: Final = (
    ("station.name", N_("Kiosk display name"), N_("Up to 80 characters")),
    ("station.name_en", N_("Kiosk display name in English"), N_("Up to 80 characters")),
    ("ui.language", N_("Default language"), ""),
    ("ui.idle_timeout", N_("Idle timeout (seconds)"), N_("A whole number from 30 to 3600")),
    ("ui.idle_warning", N_("Idle warning (seconds)"), N_("A whole number from 20 to 300")),
    ("ui.screen_diagonal", N_("Screen diagonal (inches)"), N_("A number from 7 to 100")),
    ("ui.screen_resolution", N_("Screen resolution"), N_("Width x height, like 1920x1080")),
    ("printer.kind", N_("Receipt printer"), ""),
    ("printer.device", N_("Printer device"), N_("usb:VENDOR:PRODUCT, tcp:HOST:PORT, ...")),
)
CHOICES: Final = {
    "ui.language": (("fa", "فارسی"), ("en", "English")),
    "printer.kind": (
        ("pdf", N_("PDF files in the data dir")),
        ("escpos", N_("ESC/POS receipt printer")),
        ("none", N_("No printer")),
    ),
}


def parser(dotted: str) -> Callable[[object], Any]:
    """The config's own parser of ``section.key``."""
    section, key = dotted.split(".")
    fields = {f.name: f for f in dataclasses.fields(SECTIONS[section])}
    parse: Callable[[object], Any] = fields[key].metadata["parse"]
    return parse


def shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return str(value)


def current_values(settings: Settings) -> dict[str, str]:
    """Every field's value as the kiosk will start with it (the overrides read again)."""
    from kiosk.config import load_settings

    fresh = load_settings(data_dir=settings.data_dir, config_file=settings.config_file)
    values = {}
    for dotted, _label, _hint in FIELDS:
        section, key = dotted.split(".")
        values[dotted] = shown(getattr(getattr(fresh, section), key))
    return values


def save(desk: StaffDesk, member: StaffMember, changes: dict[str, object]) -> list[str]:
    """Write ``changes`` to the overrides file; audit the keys (never the values)."""
    from kiosk.audit import AuditAction
    from kiosk.config import OVERRIDES_FILENAME, write_overrides

    write_overrides(desk.settings.data_dir, changes)
    keys = sorted(changes)
    details = {"keys": keys, "file": OVERRIDES_FILENAME}
    desk.audit.append(member.staff_id, AuditAction.SETTINGS_CHANGED, details)
    return keys


class SettingsPage(QWidget):
    saved = Signal(list)  # the keys written

    def __init__(self, desk: StaffDesk, member: StaffMember) -> None:
        super().__init__()
        self.desk = desk
        self.member = member
        self.values: dict[str, str] = {}
        box = QVBoxLayout(self)
        self.title = text_label(kind="heading")
        self.intro = text_label(role=None)
        self.message = text_label(name="settings-message")
        self.message.hide()
        form = QFormLayout()
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.captions: dict[str, Any] = {}
        self.errors: dict[str, Any] = {}
        for dotted, _label, _hint in FIELDS:
            widget: QLineEdit | QComboBox
            if dotted in CHOICES:
                widget = QComboBox()
            else:
                widget = LineBox()
                widget.setProperty("keyboard", "en")
            widget.setObjectName(f"setting-{dotted}")
            caption = text_label()
            caption.setBuddy(widget)
            error = text_label(name=f"setting-error-{dotted}")
            error.hide()
            column = QVBoxLayout()
            column.addWidget(error)
            column.addWidget(widget)
            form.addRow(caption, column)
            self.inputs[dotted], self.captions[dotted], self.errors[dotted] = widget, caption, error
        self.save_button = action(on_click=self.on_save, name="save-settings")
        for widget_ in (self.title, self.intro, self.message):
            box.addWidget(widget_)
        box.addLayout(form)
        box.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeading)
        box.addStretch(1)
        self.retranslate()
        self.load()

    def load(self) -> None:
        settings = self.desk.settings
        self.desk.runner.run(lambda: current_values(settings), self._on_loaded, owner=self)

    def _on_loaded(self, values: dict[str, str]) -> None:
        self.values = values
        for dotted, value in values.items():
            widget = self.inputs[dotted]
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            else:
                widget.setText(value)

    def entered(self) -> dict[str, str]:
        out = {}
        for dotted, widget in self.inputs.items():
            out[dotted] = (
                str(widget.currentData()) if isinstance(widget, QComboBox) else widget.text()
            )
        return out

    @Slot()
    def on_save(self) -> None:
        t = self.desk.t
        entered = self.entered()
        changes: dict[str, object] = {}
        problems: dict[str, str] = {}
        for dotted, _label, hint in FIELDS:
            value = entered[dotted].strip()
            try:
                parsed = parser(dotted)(value)
            except ValueError:
                problems[dotted] = t(hint) if hint else t(FIX)
                continue
            if shown(parsed) != self.values.get(dotted):
                changes[dotted] = value
        if entered["printer.kind"] == "escpos":
            from ui.printing import parse_device

            try:
                parse_device(entered["printer.device"])
            except ValueError:
                problems["printer.device"] = t(NEED_DEVICE)
        for dotted, error in self.errors.items():
            show_message(error, problems.get(dotted, ""), error=True)
        if problems:
            show_message(self.message, t(FIX), error=True)
            self.inputs[next(iter(problems))].setFocus()
            return
        if not changes:
            show_message(self.message, t(NOTHING))
            return
        desk, member = self.desk, self.member
        self.save_button.setEnabled(False)

        def done(keys: list[str]) -> None:
            self.save_button.setEnabled(True)
            self.values.update({k: shown(parser(k)(str(v))) for k, v in changes.items()})
            show_message(self.message, t(SAVED, keys=", ".join(keys)))
            self.saved.emit(keys)

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            show_message(self.message, str(exc), error=True)

        desk.runner.run(lambda: save(desk, member, changes), done, failed, owner=self)

    def retranslate(self) -> None:
        t = self.desk.t
        self.title.setText(t(TITLE))
        self.intro.setText(t(INTRO))
        self.save_button.setText(t(SAVE))
        for dotted, label, hint in FIELDS:
            caption = t(label)
            section, key = dotted.split(".")
            variable = env_name(section, key)
            if variable in os.environ:
                caption += "\n" + t(FROM_ENV, variable=variable)
            self.captions[dotted].setText(caption)
            widget = self.inputs[dotted]
            widget.setAccessibleName(t(label))
            if isinstance(widget, QComboBox):
                current = widget.currentData()
                widget.clear()
                for value, name in CHOICES[dotted]:
                    widget.addItem(name if dotted == "ui.language" else t(name), value)
                widget.setCurrentIndex(max(0, widget.findData(current)))
            elif hint:
                widget.setPlaceholderText(t(hint))
