"""The queue as a clerk needs it: what waits, what is being sent, what the city rejected and why;
and for a rejected (or still pending) item, "correct and resubmit" or "void" with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.i18n import N_
from kiosk.text import in_paragraph
from ui.counter.labels import (
    COL_CODE,
    COL_DATE,
    COL_REASON,
    COL_SERVICE,
    COL_STATE,
    code_text,
    state_label,
    when_text,
)
from ui.counter.widgets import action, fill_table, set_headers, show_message, table, text_label
from ui.widgets.text_boxes import LineBox

if TYPE_CHECKING:
    from kiosk.queue import QueuedTransaction
    from kiosk.staff import StaffMember
    from ui.admin.desk import StaffDesk

TITLE = N_("Queue")
COUNTS = N_("Waiting to send: {pending} · Being sent: {in_flight} · Rejected: {rejected}")
REFRESH = N_("Refresh")
CORRECT = N_("Correct and resubmit")
VOID = N_("Void…")
VOID_REASON = N_("Why is it voided? (required; the citizen's numbers are not kept)")
VOID_CONFIRM = N_("Void this request")
CANCEL = N_("Cancel")
NEED_REASON = N_("Give a reason for voiding it.")
VOIDED = N_("{code} is voided.")
CANNOT = N_("This cannot be done now: {why}")
SHOWN = ("rejected", "pending", "in_flight")  # rejected first: they need a clerk
ACTIONABLE = frozenset({"pending", "rejected"})
LIMIT = 500


class QueuePage(QWidget):
    correct_requested = Signal(object)  # the QueuedTransaction to correct

    def __init__(self, desk: StaffDesk, member: StaffMember) -> None:
        super().__init__()
        self.desk = desk
        self.member = member
        self.items: list[QueuedTransaction] = []
        self._counts: dict[str, int] = dict.fromkeys(SHOWN, 0)
        box = QVBoxLayout(self)
        self.title = text_label(kind="title")
        self.counts = text_label(name="queue-counts")
        self.message = text_label(name="queue-message")
        self.message.hide()
        self.table = table([""] * 5, name="queue-table")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        row = QHBoxLayout()
        self.refresh_button = action(on_click=self.refresh, name="refresh")
        self.correct_button = action(on_click=self.on_correct, name="correct")
        self.void_button = action(on_click=self.on_void, name="void")
        for button in (self.refresh_button, self.correct_button, self.void_button):
            row.addWidget(button)
        row.addStretch(1)
        self.void_panel = QFrame()
        self.void_panel.setProperty("boxed", True)
        panel = QVBoxLayout(self.void_panel)
        self.reason_caption = text_label()
        self.reason: QLineEdit = LineBox()
        self.reason.setObjectName("void-reason")
        self.reason.setMaxLength(200)
        self.reason.returnPressed.connect(self.on_void_confirm)
        self.reason_caption.setBuddy(self.reason)
        self.reason_error = text_label(name="void-error")
        self.reason_error.hide()
        buttons = QHBoxLayout()
        self.void_confirm = action(on_click=self.on_void_confirm, name="void-confirm")
        self.void_cancel = action(on_click=self.void_panel.hide, name="void-cancel")
        buttons.addWidget(self.void_confirm)
        buttons.addWidget(self.void_cancel)
        buttons.addStretch(1)
        for widget in (self.reason_caption, self.reason_error, self.reason):
            panel.addWidget(widget)
        panel.addLayout(buttons)
        self.void_panel.hide()
        for widget in (self.title, self.counts, self.message):
            box.addWidget(widget)
        box.addWidget(self.table, 1)
        box.addLayout(row)
        box.addWidget(self.void_panel)
        self.retranslate()
        self._update_buttons()

    # -- reading -------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        from kiosk.models import TxState

        queue = self.desk.queue

        def work() -> list[QueuedTransaction]:
            return [tx for state in SHOWN for tx in queue.list(TxState(state), limit=LIMIT)]

        self.refresh_button.setEnabled(False)
        self.desk.runner.run(work, self._on_loaded)

    def _on_loaded(self, items: list[QueuedTransaction]) -> None:
        self.refresh_button.setEnabled(True)
        keep = self.selected()
        self.items = items
        self._counts = {s: sum(1 for tx in items if tx.state.value == s) for s in SHOWN}
        self._fill()
        if keep is not None:
            for row, tx in enumerate(items):
                if tx.id == keep.id:
                    self.table.selectRow(row)
        self._update_buttons()

    def _fill(self) -> None:
        lang = self.desk.lang
        catalog = self.desk.queue.catalog

        def service(tx: QueuedTransaction) -> str:
            try:
                return catalog.service(tx.service_code).title.get(lang)
            except KeyError:
                return tx.service_code

        rows = [
            [
                code_text(tx.display_code, lang),
                service(tx),
                when_text(tx.created_at, lang),
                state_label(lang, tx.state.value),
                tx.last_error or "",
            ]
            for tx in self.items
        ]
        fill_table(self.table, rows)
        self.counts.setText(self.desk.t(COUNTS, **self._counts))

    def selected(self) -> QueuedTransaction | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.items):
            return None
        return self.items[rows[0].row()]

    def select(self, tx_id: str) -> bool:
        for row, tx in enumerate(self.items):
            if tx.id == tx_id:
                self.table.selectRow(row)
                return True
        return False

    @Slot()
    def _update_buttons(self) -> None:
        tx = self.selected()
        ok = tx is not None and tx.state.value in ACTIONABLE
        self.correct_button.setEnabled(ok)
        self.void_button.setEnabled(ok)
        if not ok:
            self.void_panel.hide()

    # -- acting --------------------------------------------------------------------------------

    @Slot()
    def on_correct(self) -> None:
        tx = self.selected()
        if tx is not None:
            self.correct_requested.emit(tx)

    @Slot()
    def on_void(self) -> None:
        if self.selected() is None:
            return
        self.reason.clear()
        show_message(self.reason_error, "")
        self.void_panel.show()
        self.reason.setFocus()

    @Slot()
    def on_void_confirm(self) -> None:
        from kiosk import counter

        tx = self.selected()
        reason = self.reason.text().strip()
        desk, member = self.desk, self.member
        if tx is None:
            return
        if not reason:
            show_message(self.reason_error, desk.t(NEED_REASON), error=True)
            self.reason.setFocus()
            return
        self.void_confirm.setEnabled(False)

        def done(voided: QueuedTransaction) -> None:
            self.void_confirm.setEnabled(True)
            self.void_panel.hide()
            code = code_text(voided.display_code, desk.lang)
            show_message(self.message, in_paragraph(desk.t(VOIDED, code=code), desk.lang))
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.void_confirm.setEnabled(True)
            if not isinstance(exc, ValueError):  # CounterError, StaffError
                raise exc
            show_message(self.reason_error, desk.t(CANNOT, why=str(exc)), error=True)

        desk.runner.run(
            lambda: counter.void(desk.queue, tx.id, reason, member, desk.audit), done, failed
        )

    def retranslate(self) -> None:
        t = self.desk.t
        self.title.setText(t(TITLE))
        self.refresh_button.setText(t(REFRESH))
        self.correct_button.setText(t(CORRECT))
        self.void_button.setText(t(VOID))
        self.reason_caption.setText(t(VOID_REASON))
        self.void_confirm.setText(t(VOID_CONFIRM))
        self.void_cancel.setText(t(CANCEL))
        set_headers(
            self.table, [t(c) for c in (COL_CODE, COL_SERVICE, COL_DATE, COL_STATE, COL_REASON)]
        )
        self._fill()
