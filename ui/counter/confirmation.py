"""After filing at the counter: the tracking code, a Print button and "file another"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.i18n import N_
from kiosk.text import in_paragraph
from ui.counter import ops
from ui.counter.labels import code_text
from ui.counter.widgets import Message, action, text_label

if TYPE_CHECKING:
    from kiosk.queue import QueuedTransaction
    from kiosk.staff import StaffMember
    from ui.admin.desk import StaffDesk

FILED = N_("The request is filed")
CORRECTED = N_("The corrected request is filed")
CODE = N_("Tracking code")
REPLACES = N_("It replaces {code}, which is now voided.")
PRINT = N_("Print receipt")
ANOTHER = N_("File another request")
RECEIPT_LANG = N_("The receipt prints in the citizen's language ({language}).")
LANGUAGES = {"fa": "فارسی", "en": "English"}


class Confirmation(QWidget):
    another = Signal()

    def __init__(self, desk: StaffDesk, member: StaffMember) -> None:
        super().__init__()
        self.desk = desk
        self.member = member
        self.tx: QueuedTransaction | None = None
        self.replaced: QueuedTransaction | None = None
        box = QVBoxLayout(self)
        self.title = text_label(kind="title", name="confirmation-title")
        panel = QFrame()
        panel.setProperty("boxed", True)
        inner = QVBoxLayout(panel)
        self.code_caption = text_label()
        self.code = text_label(kind="code", name="tracking-code")
        self.service = text_label(kind="heading")
        for widget in (self.code_caption, self.code, self.service):
            inner.addWidget(widget)
        self.replaces = text_label(name="replaces")
        self.receipt_lang = text_label()
        self.message = text_label(name="print-message")
        self.message.hide()
        self.said = Message(self.message)
        row = QHBoxLayout()
        self.print_button = action(on_click=self.on_print, name="print")
        self.another_button = action(on_click=self.another.emit, name="another")
        row.addWidget(self.print_button)
        row.addWidget(self.another_button)
        row.addStretch(1)
        parts: tuple[QWidget, ...] = (self.title, panel, self.replaces, self.receipt_lang)
        for part in (*parts, self.message):
            box.addWidget(part)
        box.addLayout(row)
        box.addStretch(1)

    def show_filed(self, tx: QueuedTransaction, replaced: QueuedTransaction | None = None) -> None:
        self.tx, self.replaced = tx, replaced
        self.said.say(None)
        self.retranslate()
        self.print_button.setEnabled(True)
        self.print_button.setFocus()

    def retranslate(self) -> None:
        t, lang = self.desk.t, self.desk.lang
        self.print_button.setText(t(PRINT))
        self.another_button.setText(t(ANOTHER))
        self.code_caption.setText(t(CODE))
        self.said.retranslate()
        tx = self.tx
        if tx is None:
            return
        self.title.setText(t(CORRECTED if self.replaced else FILED))
        self.code.setText(in_paragraph(code_text(tx.display_code, lang), lang))
        try:
            self.service.setText(self.desk.queue.catalog.service(tx.service_code).title.get(lang))
        except KeyError:
            self.service.setText(tx.service_code)
        old = self.replaced
        self.replaces.setVisible(old is not None)
        if old is not None:
            code = code_text(old.display_code, lang)
            self.replaces.setText(in_paragraph(t(REPLACES, code=code), lang))
        self.receipt_lang.setText(t(RECEIPT_LANG, language=LANGUAGES[tx.lang]))

    @Slot()
    def on_print(self) -> None:
        tx = self.tx
        if tx is None:
            return
        self.print_button.setEnabled(False)
        desk = self.desk

        def done(_where: str) -> None:
            self.print_button.setEnabled(True)
            self.said.say(lambda: desk.t(ops.PRINTED))

        def failed(exc: BaseException) -> None:
            self.print_button.setEnabled(True)
            self.said.say(lambda: ops.printer_problem(desk.lang, exc), error=True)

        member = self.member
        desk.runner.run(lambda: ops.print_receipt(desk, member, tx), done, failed)


__all__ = ["Confirmation"]
