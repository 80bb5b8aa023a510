"""Track a request by its tracking code: its status as of the last sync, or "not yet sent"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QLineEdit, QWidget

from kiosk.catalog import UnknownService
from kiosk.queue import QueuedTransaction
from kiosk.receipt import format_date
from kiosk.request_status import status_words
from kiosk.text import isolate, localize_digits
from kiosk.tracking import InvalidTrackingCode, parse_tracking_code
from kiosk.wording import Common, Track
from ui.context import UiContext
from ui.screens.base import Screen, ScreenId
from ui.theme import Role, set_boxed, set_property, set_role
from ui.widgets.common import button, hbox, label, nav_row, vbox
from ui.widgets.error_summary import ErrorSummary
from ui.widgets.keyboard import Layout
from ui.widgets.text_boxes import LineBox


class TrackScreen(Screen):
    screen_id = ScreenId.TRACK

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        m = ctx.theme.metrics
        self.box = vbox(self, margin=m.gap * 2, spacing=m.gap)
        self.summary = ErrorSummary(ctx, lambda _k: self.input.setFocus())
        self.title = label(kind="title")
        self.hint = label(role=Role.MUTED)
        self.error = label(role=Role.ERROR)
        self.error.hide()
        self.input: QLineEdit = LineBox()
        self.input.setObjectName("tracking-input")
        self.input.setMaxLength(24)
        self.input.setProperty("keyboard", Layout.NUMERIC.value)
        self.input.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        set_role(self.input, Role.INPUT)
        row = hbox(spacing=m.gap * 3)
        row.addWidget(self.input, 1)
        self.find_button = button(role=Role.PRIMARY, on_click=self.on_find, name="find")
        row.addWidget(self.find_button)
        self.result = QFrame()
        self.result.setObjectName("track-result")
        set_boxed(self.result, Role.PANEL)
        inner = vbox(self.result, margin=m.gap * 2, spacing=m.gap)
        self.result_service = label(role=Role.PANEL, kind="heading")
        self.result_status = label(role=Role.PANEL, bold=True)
        self.result_status.setObjectName("track-status")
        self.result_note = label(role=Role.PANEL)
        for widget in (self.result_service, self.result_status, self.result_note):
            inner.addWidget(widget)
        self.result.hide()
        for part in (self.summary, self.title, self.hint, self.error):
            self.box.addWidget(part)
        self.box.addLayout(row)
        self.box.addWidget(self.result)
        self.box.addStretch(1)

        self.back = button(role=Role.SECONDARY, on_click=self.finish.emit, name="back")
        self.kb_slot = hbox()
        self.box.addLayout(nav_row(self.back, self.kb_slot, spacing=m.gap * 3))
        self.found: QueuedTransaction | None = None
        self._error_reason: str | None = None

    def enter(self, **params: Any) -> None:
        self.retranslate()
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)

    def wipe(self) -> None:
        self.input.clear()
        self.found = None
        self._error_reason = None
        self.result.hide()
        self.error.hide()
        self.summary.show_errors([])

    def on_enter_key(self) -> None:
        self.on_find()

    def keyboard_slot(self) -> QBoxLayout:
        return self.kb_slot

    def on_find(self) -> None:
        self.found = None
        self.result.hide()
        try:
            code = parse_tracking_code(self.input.text())
        except InvalidTrackingCode as exc:
            self.show_error(exc.reason)
            return
        scope = self.scope
        self.ctx.when_core(
            lambda core: self.ctx.runner.run(
                lambda: core.queue.get(code.code), on_success=self.on_found, owner=scope
            )
        )

    def on_synced(self) -> None:
        """Read the request shown again: a sync may have brought a newer status for it."""
        shown = self.found
        if shown is None:
            return
        scope = self.scope  # this citizen's visit: another's search never gets it
        self.ctx.when_core(
            lambda core: self.ctx.runner.run(
                lambda: core.queue.get(shown.id), on_success=self._on_refreshed, owner=scope
            )
        )

    def _on_refreshed(self, tx: QueuedTransaction | None) -> None:
        shown = self.found  # None after a wipe, or another request after a new search
        if tx is None or shown is None or shown.id != tx.id or tx == shown:
            return
        self.found = tx
        self.retranslate()

    def on_found(self, tx: QueuedTransaction | None) -> None:
        if tx is None:
            self.show_error("not_found")
            return
        self.show_error(None)
        self.found = tx
        self.retranslate()

    def show_error(self, reason: str | None) -> None:
        self._error_reason = reason
        set_property(self.input, "invalid", reason is not None)
        self._show_error_texts()

    def _show_error_texts(self) -> None:
        if self._error_reason is None:
            self.error.hide()
            self.summary.show_errors([])
            return
        errors = Track.LOOKUP_ERRORS
        message = self.ctx.t(errors.get(self._error_reason, errors["checksum"]))
        self.error.setText(message)
        self.error.show()
        self.summary.show_errors([("tracking", message)])

    def status_text(self, tx: QueuedTransaction) -> tuple[str, str]:
        return status_words(tx, self.ctx.lang)

    def retranslate(self) -> None:
        lang, tr = self.ctx.lang, self.ctx.t
        self.title.setText(tr(Track.TITLE))
        self.hint.setText(tr(Track.HINT))
        self.find_button.setText(tr(Track.FIND))
        self.back.setText(tr(Common.BACK))
        self.input.setText(localize_digits(self.input.text(), lang))
        self.summary.retranslate()
        self._show_error_texts()
        tx = self.found
        if tx is None:
            self.result.hide()
            return
        try:
            service = self.ctx.catalog.service(tx.service_code).title.get(lang)
        except UnknownService:
            service = tx.service_code
        status, note = self.status_text(tx)
        filed = tr(
            Track.FILED,
            date=format_date(tx.created_at, lang),
            code=isolate(localize_digits(tx.display_code, lang)),
        )
        self.result_service.setText(service)
        self.result_status.setText(status)
        self.result_note.setText(f"{filed}\n{note}")
        self.result.show()
