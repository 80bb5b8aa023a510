"""Look a request up by tracking code, national code or mobile number; see it; reprint it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.i18n import N_
from ui.counter import ops
from ui.counter.labels import (
    COL_CITY,
    COL_CODE,
    COL_DATE,
    COL_SERVICE,
    COL_STATE,
    channel_label,
    city_label,
    code_text,
    state_label,
    when_text,
)
from ui.counter.widgets import (
    Message,
    action,
    fill_table,
    set_headers,
    show_message,
    table,
    text_label,
)
from ui.widgets.text_boxes import LineBox

if TYPE_CHECKING:
    from kiosk.queue import QueuedTransaction
    from kiosk.staff import StaffMember
    from ui.admin.desk import StaffDesk

TITLE = N_("Look up a request")
SEARCH = N_("Tracking code, national code or mobile number")
FIND = N_("Find")
NOTHING = N_("Nothing was found. Check the number, or ask the citizen for the tracking code.")
FOUND = N_("{count} found")
BAD = N_("This is not a tracking code, a national code or a mobile number. Check the digits.")
EMPTY = N_("Type a tracking code, a national code or a mobile number.")
REPRINT = N_("Reprint receipt")
FILED = N_("Filed")
FILED_BY = N_("Filed at")
STATE_NOTE = N_("Problem or reason")
CITY_NOTE = N_("City's note")


class LookupPage(QWidget):
    def __init__(self, desk: StaffDesk, member: StaffMember) -> None:
        super().__init__()
        self.desk = desk
        self.member = member
        self.results: list[QueuedTransaction] = []
        box = QVBoxLayout(self)
        self.title = text_label(kind="title")
        self.search_caption = text_label()
        self.search: QLineEdit = LineBox()  # digits: left to right (below), empty or not
        self.search.setObjectName("lookup-input")
        self.search.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.search.setMaxLength(40)
        self.search.returnPressed.connect(self.on_find)
        self.search_caption.setBuddy(self.search)
        self.find_button = action(on_click=self.on_find, name="find")
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.find_button)
        self.message = text_label(name="lookup-message")
        self.message.hide()
        self.table = table([""] * 5, name="lookup-results")
        self.table.itemSelectionChanged.connect(self._on_selected)
        self.details = QFrame()
        self.details.setObjectName("lookup-details")
        self.details.setProperty("boxed", True)
        form = QFormLayout(self.details)
        self.captions = {k: text_label() for k in ("code", "service", "filed", "by", "state")}
        self.captions |= {"note": text_label(), "city": text_label()}
        self.values = {k: text_label(name=f"detail-{k}") for k in self.captions}
        for key, caption in self.captions.items():
            form.addRow(caption, self.values[key])
        self.reprint_button = action(on_click=self.on_reprint, name="reprint")
        form.addRow(self.reprint_button)
        self.reprint_message = text_label(name="reprint-message")
        self.reprint_message.hide()
        self.reprinted = Message(self.reprint_message)
        self._reprinted_id: str | None = None  # the request the message is about
        form.addRow(self.reprint_message)
        self.details.hide()
        for widget in (self.title, self.search_caption):
            box.addWidget(widget)
        box.addLayout(row)
        box.addWidget(self.message)
        box.addWidget(self.table, 2)
        box.addWidget(self.details, 1)
        self.retranslate()

    @Slot()
    def on_find(self) -> None:
        from kiosk import counter

        text = self.search.text()
        desk = self.desk
        if not text.strip():
            show_message(self.message, desk.t(EMPTY), error=True)
            return
        self.find_button.setEnabled(False)
        queue = desk.queue

        def failed(exc: BaseException) -> None:
            self.find_button.setEnabled(True)
            if not isinstance(exc, counter.CounterError):
                raise exc
            show_message(self.message, desk.t(BAD), error=True)
            self._show([])

        member, audit = self.member, desk.audit
        desk.runner.run(lambda: counter.lookup(queue, text, member, audit), self._on_found, failed)

    def _on_found(self, found: list[QueuedTransaction]) -> None:
        self.find_button.setEnabled(True)
        t = self.desk.t
        if found:
            show_message(self.message, t(FOUND, count=len(found)))
        else:
            show_message(self.message, t(NOTHING), error=True)
        self._show(found)
        if found:
            self.table.selectRow(0)
            self.table.setFocus()

    def _show(self, found: list[QueuedTransaction]) -> None:
        self.results = found
        lang = self.desk.lang
        fill_table(
            self.table,
            [
                [
                    code_text(tx.display_code, lang),
                    self._service(tx),
                    when_text(tx.created_at, lang),
                    state_label(lang, tx.state.value),
                    city_label(lang, tx.server_status),
                ]
                for tx in found
            ],
        )
        if not found:
            self.details.hide()

    def _service(self, tx: QueuedTransaction) -> str:
        try:
            return self.desk.queue.catalog.service(tx.service_code).title.get(self.desk.lang)
        except KeyError:
            return tx.service_code

    def selected(self) -> QueuedTransaction | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.results):
            return None
        return self.results[rows[0].row()]

    @Slot()
    def _on_selected(self) -> None:
        tx = self.selected()
        if tx is None or tx.id != self._reprinted_id:  # the same one again: keep the message
            self.reprinted.say(None)
        if tx is None:
            self.details.hide()
            return
        lang = self.desk.lang
        by = channel_label(lang, tx.channel.value)
        if tx.staff_id:
            by += f" ({tx.staff_id})"
        city = city_label(lang, tx.server_status)
        if tx.server_status_at is not None:
            city += f" — {when_text(tx.server_status_at, lang)}"
        values = {
            "code": code_text(tx.display_code, lang),
            "service": self._service(tx),
            "filed": when_text(tx.created_at, lang),
            "by": by,
            "state": state_label(lang, tx.state.value),
            "note": tx.last_error or tx.void_reason or "–",
            "city": city + (f": {tx.server_status_note}" if tx.server_status_note else ""),
        }
        for key, value in values.items():
            self.values[key].setText(value)
        self.details.show()

    @Slot()
    def on_reprint(self) -> None:
        tx = self.selected()
        if tx is None:
            return
        desk, member = self.desk, self.member
        self.reprint_button.setEnabled(False)

        def done(_where: str) -> None:
            self.reprint_button.setEnabled(True)
            self._reprinted_id = tx.id
            self.reprinted.say(lambda: desk.t(ops.PRINTED))

        def failed(exc: BaseException) -> None:
            self.reprint_button.setEnabled(True)
            self._reprinted_id = tx.id
            self.reprinted.say(lambda: ops.printer_problem(desk.lang, exc), error=True)

        desk.runner.run(lambda: ops.reprint_receipt(desk, member, tx), done, failed)

    def retranslate(self) -> None:
        t = self.desk.t
        self.title.setText(t(TITLE))
        self.search_caption.setText(t(SEARCH))
        self.search.setAccessibleName(t(SEARCH))
        self.find_button.setText(t(FIND))
        self.reprint_button.setText(t(REPRINT))
        self.reprinted.retranslate()
        set_headers(
            self.table, [t(c) for c in (COL_CODE, COL_SERVICE, COL_DATE, COL_STATE, COL_CITY)]
        )
        words = {
            "code": COL_CODE,
            "service": COL_SERVICE,
            "filed": FILED,
            "by": FILED_BY,
            "state": COL_STATE,
            "note": STATE_NOTE,
            "city": CITY_NOTE,
        }
        for key, msgid in words.items():
            self.captions[key].setText(t(msgid))
        if self.results:
            selected = self.selected()
            self._show(self.results)
            if selected is not None:
                self.table.selectRow(self.results.index(selected))
