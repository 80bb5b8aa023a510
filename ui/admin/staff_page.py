"""Staff accounts for admins: the list, add (name, role, PIN), disable, set a new PIN.

Every change goes through :class:`kiosk.staff.StaffStore` on the background runner (a PIN is
hashed with scrypt) and is audited there. The PIN boxes are cleared after each attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.i18n import N_
from ui.counter.labels import when_text
from ui.counter.widgets import action, fill_table, set_headers, show_message, table, text_label
from ui.widgets.text_boxes import LineBox

if TYPE_CHECKING:
    from kiosk.staff import StaffMember
    from ui.admin.desk import StaffDesk

TITLE = N_("Staff accounts")
NAME, ROLE, STATE, LAST = N_("Name"), N_("Role"), N_("State"), N_("Last sign-in")
PIN, PIN_AGAIN = N_("PIN (4 to 8 digits)"), N_("PIN again")
ROLES = {"clerk": N_("Clerk"), "admin": N_("Admin")}
ACTIVE, DISABLED = N_("Active"), N_("Disabled")
ADD = N_("Add account")
DISABLE = N_("Disable selected")
SET_PIN = N_("Set PIN of selected")
ADDED = N_("{name} can now sign in.")
DISABLED_DONE = N_("{name} can no longer sign in.")
PIN_SET = N_("The PIN of {name} is changed.")
PINS_DIFFER = N_("The two PINs are not the same.")
BAD_NAME = N_("A name has 2 to 40 letters, digits, spaces and . - _ '")
BAD_PIN = N_("A PIN has 4 to 8 digits, not one digit repeated and not a run like 1234.")
TAKEN = N_("There is already an account with this name.")
SELF = N_("You cannot disable your own account.")
SELECT = N_("Select an account in the list first.")
OTHER = N_("This could not be done: {error}")


class StaffPage(QWidget):
    def __init__(self, desk: StaffDesk, member: StaffMember) -> None:
        super().__init__()
        self.desk = desk
        self.member = member
        self.accounts: list[StaffMember] = []
        box = QVBoxLayout(self)
        self.title = text_label(kind="heading")
        self.message = text_label(name="staff-message")
        self.message.hide()
        self.table = table(["", "", "", ""], name="staff-table")
        form = QFormLayout()
        self.name: QLineEdit = LineBox()
        self.name.setObjectName("new-name")
        self.role = QComboBox()
        self.role.setObjectName("new-role")
        self.pin = QLineEdit()
        self.pin.setObjectName("new-pin")
        self.pin_again = QLineEdit()
        self.pin_again.setObjectName("new-pin-again")
        for edit in (self.pin, self.pin_again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(8)
            edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            edit.setProperty("keyboard", "numeric")
        self.captions = [text_label() for _ in range(4)]
        for caption, widget in zip(
            self.captions, (self.name, self.role, self.pin, self.pin_again), strict=True
        ):
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        row = QHBoxLayout()
        self.add_button = action(on_click=self.on_add, name="add-staff")
        self.disable_button = action(on_click=self.on_disable, name="disable-staff")
        self.pin_button = action(on_click=self.on_set_pin, name="set-pin")
        for button in (self.add_button, self.disable_button, self.pin_button):
            row.addWidget(button)
        row.addStretch(1)
        for widget in (self.title, self.message, self.table):
            box.addWidget(widget)
        box.addLayout(form)
        box.addLayout(row)
        self.retranslate()
        self.load()

    def load(self) -> None:
        self.desk.runner.run(self.desk.staff.list, self._on_loaded, owner=self)

    def _on_loaded(self, accounts: list[StaffMember]) -> None:
        self.accounts = accounts
        t, lang = self.desk.t, self.desk.lang
        rows = [
            [
                m.name,
                t(ROLES[m.role.value]),
                t(ACTIVE if m.active else DISABLED),
                when_text(m.last_sign_in_at, lang),
            ]
            for m in accounts
        ]
        fill_table(self.table, rows)

    def selected(self) -> StaffMember | None:
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows else None

    def _pins(self) -> str | None:
        pin, again = self.pin.text(), self.pin_again.text()
        self.pin.clear()
        self.pin_again.clear()
        if pin != again:
            show_message(self.message, self.desk.t(PINS_DIFFER), error=True)
            self.pin.setFocus()
            return None
        return pin

    def _run(self, work: Callable[[], object], done_msgid: str, name: str) -> None:
        desk = self.desk

        def done(_result: object) -> None:
            show_message(self.message, desk.t(done_msgid, name=name))
            self.load()

        desk.runner.run(work, done, self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        from kiosk.staff import StaffError

        if not isinstance(exc, StaffError):
            raise exc
        text = str(exc)
        known = (
            ("already exists", TAKEN),
            ("your own account", SELF),
            ("PIN", BAD_PIN),
            ("staff name", BAD_NAME),
        )
        msgid = next((m for needle, m in known if needle in text), None)
        words = self.desk.t(msgid) if msgid else self.desk.t(OTHER, error=text)
        show_message(self.message, words, error=True)

    @Slot()
    def on_add(self) -> None:
        name, role = self.name.text().strip(), str(self.role.currentData())
        pin = self._pins()
        if pin is None:
            return
        staff, by = self.desk.staff, self.member.staff_id
        self._run(lambda: staff.add(name, role, pin, by=by), ADDED, name)
        self.name.clear()

    @Slot()
    def on_disable(self) -> None:
        target = self.selected()
        if target is None:
            show_message(self.message, self.desk.t(SELECT), error=True)
            return
        staff, by = self.desk.staff, self.member.staff_id
        self._run(lambda: staff.disable(target.name, by=by), DISABLED_DONE, target.name)

    @Slot()
    def on_set_pin(self) -> None:
        target = self.selected()
        if target is None:
            show_message(self.message, self.desk.t(SELECT), error=True)
            return
        pin = self._pins()
        if pin is None:
            return
        staff, by = self.desk.staff, self.member.staff_id
        self._run(lambda: staff.set_pin(target.name, pin, by=by), PIN_SET, target.name)

    def retranslate(self) -> None:
        t = self.desk.t
        self.title.setText(t(TITLE))
        set_headers(self.table, [t(NAME), t(ROLE), t(STATE), t(LAST)])
        for caption, msgid in zip(self.captions, (NAME, ROLE, PIN, PIN_AGAIN), strict=True):
            caption.setText(t(msgid))
        current = self.role.currentData()
        self.role.clear()
        for value, msgid in ROLES.items():
            self.role.addItem(t(msgid), value)
        self.role.setCurrentIndex(max(0, self.role.findData(current)))
        self.add_button.setText(t(ADD))
        self.disable_button.setText(t(DISABLE))
        self.pin_button.setText(t(SET_PIN))
        if self.accounts:
            self._on_loaded(self.accounts)
