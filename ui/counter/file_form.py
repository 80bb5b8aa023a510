"""File for a citizen at the counter: a service's questions all on one scrollable form.

The same catalog fields and rules as the kiosk (``kiosk.forms``): conditional questions appear
and disappear as answers change, and :meth:`kiosk.queue.Queue.submit` checks everything again.
Problems show inline and in an error summary at the top that takes focus and links to each
field. A submission carries channel ``counter`` and the clerk's staff id; a correction of a
rejected item goes through :func:`kiosk.counter.resubmit`, linking the new one to the old.
"""

from __future__ import annotations

import logging
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalog import Service
from kiosk.forms import FieldError, clean_field
from kiosk.i18n import N_
from kiosk.text import in_paragraph
from ui.counter.confirmation import LANGUAGES
from ui.counter.fields import FieldBlock
from ui.counter.labels import code_text
from ui.counter.widgets import ErrorSummary, action, show_message, text_label

if TYPE_CHECKING:
    from kiosk.queue import QueuedTransaction
    from kiosk.staff import StaffMember
    from ui.admin.desk import StaffDesk

log = logging.getLogger("ui.counter")

TITLE = N_("File a request for a citizen")
CORRECT_TITLE = N_("Correct and resubmit {code}")
CORRECT_WHY = N_("The city rejected it: {reason}")
SERVICE = N_("Service")
CITIZEN_LANG = N_("Citizen's language (receipt)")
SUBMIT = N_("Submit")
CLEAR = N_("Clear the form")
CANCEL_CORRECTION = N_("Cancel the correction")
SENDING = N_("Saving…")
FAILED = N_("The request could not be saved: {error}")


class FileForm(QWidget):
    filed = Signal(object, object)  # the new QueuedTransaction, the replaced one (or None)

    def __init__(self, desk: StaffDesk, member: StaffMember) -> None:
        super().__init__()
        self.desk = desk
        self.member = member
        self.correcting: QueuedTransaction | None = None
        self.blocks: dict[str, FieldBlock] = {}
        self.service: Service | None = None
        self._busy = False
        box = QVBoxLayout(self)
        self.title = text_label(kind="title")
        self.why = text_label(name="correction-reason")
        self.why.hide()
        self.summary = ErrorSummary(desk.t, self.on_error_link)
        form = QFormLayout()
        self.service_box = QComboBox()
        self.service_box.setObjectName("service")
        self.service_box.currentIndexChanged.connect(self._on_service_index)
        self.lang_box = QComboBox()
        self.lang_box.setObjectName("citizen-lang")
        for code, name in LANGUAGES.items():
            self.lang_box.addItem(name, code)
        self.service_caption = text_label()
        self.lang_caption = text_label()
        self.service_caption.setBuddy(self.service_box)
        self.lang_caption.setBuddy(self.lang_box)
        form.addRow(self.service_caption, self.service_box)
        form.addRow(self.lang_caption, self.lang_box)
        self.fields_widget = QWidget()
        self.fields_box = QVBoxLayout(self.fields_widget)
        self.fields_box.addStretch(1)
        self.scroller = QScrollArea()
        self.scroller.setObjectName("form-scroll")
        self.scroller.setWidgetResizable(True)
        self.scroller.setWidget(self.fields_widget)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.message = text_label(name="file-message")
        self.message.hide()
        row = QHBoxLayout()
        self.submit_button = action(on_click=self.on_submit, name="submit")
        self.clear_button = action(on_click=self.on_clear, name="clear")
        row.addWidget(self.submit_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        for widget in (self.title, self.why, self.summary):
            box.addWidget(widget)
        box.addLayout(form)
        box.addWidget(self.scroller, 1)
        box.addWidget(self.message)
        box.addLayout(row)
        self._fill_services()
        self.retranslate()

    # -- services and fields -----------------------------------------------------------------

    def _fill_services(self) -> None:
        lang = self.desk.lang
        current = self.service_box.currentData()
        self.service_box.blockSignals(True)
        self.service_box.clear()
        for service in self.desk.queue.catalog.services:
            if service.queued:
                self.service_box.addItem(service.title.get(lang), service.code)
        index = self.service_box.findData(current) if current else 0
        self.service_box.setCurrentIndex(max(0, index))
        self.service_box.blockSignals(False)
        if self.service is None and self.service_box.count():
            self.set_service(str(self.service_box.currentData()))

    def _on_service_index(self, _index: int) -> None:
        code = self.service_box.currentData()
        if isinstance(code, str) and (self.service is None or code != self.service.code):
            self.set_service(code)

    def set_service(self, code: str) -> None:
        """Show ``code``'s questions, empty."""
        service = self.desk.queue.catalog.service(code)
        self.service = service
        index = self.service_box.findData(code)
        if index >= 0 and index != self.service_box.currentIndex():
            self.service_box.blockSignals(True)
            self.service_box.setCurrentIndex(index)
            self.service_box.blockSignals(False)
        for block in self.blocks.values():
            self.fields_box.removeWidget(block)
            block.deleteLater()
        self.blocks = {}
        for f in service.fields:
            block = FieldBlock(self.desk.queue.catalog, f, self.desk.lang)
            block.changed.connect(self._update_visible)
            self.fields_box.insertWidget(self.fields_box.count() - 1, block)
            self.blocks[f.key] = block
        self.summary.show_errors([])
        show_message(self.message, "")
        self._update_visible()
        self._chain_tabs()

    def _chain_tabs(self) -> None:
        chain: list[QWidget] = [self.service_box, self.lang_box]
        for block in self.blocks.values():
            if hasattr(block, "group"):
                chain += block.group.buttons()
            else:
                chain.append(block.input)
        chain += [self.submit_button, self.clear_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def raw_answers(self, *, visible_only: bool = True) -> dict[str, Any]:
        return {
            key: block.value()
            for key, block in self.blocks.items()
            if block.isVisibleTo(self) or not visible_only
        }

    @Slot()
    def _update_visible(self) -> None:
        """Show the questions whose conditions hold for the answers so far (as the kiosk asks
        them: an answer counts once it is valid)."""
        service = self.service
        if service is None:
            return
        catalog = self.desk.queue.catalog
        cleaned: dict[str, Any] = {}
        shown: set[str] = set()
        for f in service.fields:
            cond = f.visible_when
            visible = cond is None or (cond.field in shown and cond.holds(cleaned))
            self.blocks[f.key].setVisible(visible)
            if not visible:
                continue
            shown.add(f.key)
            try:
                raw = self.blocks[f.key].value()
                value = clean_field(catalog, service, f, raw, context=cleaned)
            except FieldError:
                continue
            if value is not None:
                cleaned[f.key] = value

    # -- modes -------------------------------------------------------------------------------

    def start_new(self) -> None:
        """An empty form for the next citizen (the service stays chosen)."""
        self.correcting = None
        self.service_box.setEnabled(True)
        self.lang_box.setEnabled(True)
        self.why.hide()
        if self.service is not None:
            self.set_service(self.service.code)
        self.retranslate()
        self.service_box.setFocus()

    def start_correction(self, tx: QueuedTransaction) -> None:
        """The rejected (or pending) ``tx``'s questions, filled with its answers, to correct."""
        self.set_service(tx.service_code)
        self.correcting = tx
        self.service_box.setEnabled(False)
        self.lang_box.setCurrentIndex(max(0, self.lang_box.findData(tx.lang)))
        self.lang_box.setEnabled(False)  # the new one keeps the citizen's language
        for key, value in tx.answers.items():
            if key in self.blocks:
                self.blocks[key].set_value(value)
        self._update_visible()
        self.retranslate()
        first = next((b for b in self.blocks.values() if b.isVisibleTo(self)), None)
        if first is not None:
            first.focus_input()

    # -- submitting --------------------------------------------------------------------------

    @Slot()
    def on_submit(self) -> None:
        if self._busy or self.service is None:
            return
        from kiosk import counter

        desk, member, code = self.desk, self.member, self.service.code
        answers = self.raw_answers()
        lang = str(self.lang_box.currentData())
        old = self.correcting
        self._busy = True
        self.submit_button.setEnabled(False)
        show_message(self.message, desk.t(SENDING))

        def work() -> tuple[QueuedTransaction, QueuedTransaction | None]:
            if old is not None:
                done = counter.resubmit(desk.queue, old.id, answers, member, desk.audit)
                return done.new, done.old
            tx = counter.file_request(desk.queue, code, answers, member, desk.audit, lang=lang)
            return tx, None

        desk.runner.run(work, self._on_filed, self._on_failed)

    def _on_filed(self, result: tuple[QueuedTransaction, QueuedTransaction | None]) -> None:
        self._busy = False
        self.submit_button.setEnabled(True)
        show_message(self.message, "")
        self.summary.show_errors([])
        new, old = result
        self.filed.emit(new, old)

    def _on_failed(self, exc: BaseException) -> None:
        from kiosk.forms import ValidationFailed

        self._busy = False
        self.submit_button.setEnabled(True)
        lang = self.desk.lang
        for block in self.blocks.values():
            block.set_error("")
        if isinstance(exc, ValidationFailed):
            show_message(self.message, "")
            errors = []
            for error in exc.errors:
                text = error.render(lang)
                errors.append((error.key, text))
                if error.key in self.blocks:
                    self.blocks[error.key].set_error(text)
            self.summary.show_errors(errors)
            self.scroller.ensureVisible(0, 0)
            return
        log.warning("counter submission failed: %s", type(exc).__name__)
        show_message(self.message, self.desk.t(FAILED, error=str(exc)), error=True)

    @Slot(str)
    def on_error_link(self, key: str) -> None:
        block = self.blocks.get(key)
        if block is not None:
            self.scroller.ensureWidgetVisible(block)
            block.focus_input()

    @Slot()
    def on_clear(self) -> None:
        self.start_new()

    # -- language ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        t, lang = self.desk.t, self.desk.lang
        old = self.correcting
        if old is None:
            self.title.setText(t(TITLE))
            self.why.hide()
        else:
            title = t(CORRECT_TITLE, code=code_text(old.display_code, lang))
            self.title.setText(in_paragraph(title, lang))
            self.why.setText(t(CORRECT_WHY, reason=old.last_error or "–"))
            self.why.show()
        self.service_caption.setText(t(SERVICE))
        self.lang_caption.setText(t(CITIZEN_LANG))
        self.submit_button.setText(t(SUBMIT))
        self.clear_button.setText(t(CANCEL_CORRECTION if old else CLEAR))
        self._fill_services()
        for block in self.blocks.values():
            block.retranslate(lang)
