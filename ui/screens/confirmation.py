"""Confirmation: the tracking code (isolated), a QR code, what happens next, Print, Finish.

The receipt prints by itself on arrival, on the background runner; a printer failure is shown
here and never touches the submission, which is already on disk. Print prints it again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QWidget

from kiosk.catalog import ServiceKind, UnknownService
from kiosk.receipt import Receipt, build_receipt
from kiosk.text import isolate, localize_digits
from kiosk.wording import Common, Confirmation
from ui.context import UiContext
from ui.printing import PrinterError
from ui.screens.base import Screen, ScreenId
from ui.theme import Role, set_boxed, set_role
from ui.widgets.common import CENTER, button, hbox, label, vbox
from ui.widgets.qr import qr_image


class ConfirmationScreen(Screen):
    screen_id = ScreenId.CONFIRMATION

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        m = ctx.theme.metrics
        self.box = vbox(self, margin=m.gap * 4, spacing=m.gap * 3)
        self.panel = QFrame()
        set_boxed(self.panel, Role.PANEL)
        inner = hbox(self.panel, margin=m.gap * 4, spacing=m.gap * 6)
        texts = vbox(spacing=m.gap * 2)
        self.title = label(role=Role.PANEL, kind="title")
        self.code_label = label(role=Role.PANEL)
        self.code = label(role=Role.PANEL, align=CENTER)
        self.code.setObjectName("tracking-code")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        texts.addWidget(self.title)
        texts.addWidget(self.code_label)
        texts.addWidget(self.code)
        inner.addLayout(texts, 1)
        self.qr = QLabel()
        self.qr.setObjectName("qr")
        inner.addWidget(self.qr)
        self.box.addWidget(self.panel)
        self.next_heading = label(kind="heading")
        self.next_steps = label()
        self.follow_up = label(role=Role.MUTED)
        self.printer_status = label()
        self.printer_status.setObjectName("printer-status")
        for widget in (self.next_heading, self.next_steps, self.follow_up, self.printer_status):
            self.box.addWidget(widget)
        self.box.addStretch(1)
        nav = hbox(spacing=m.gap * 3)
        self.print_button = button(role=Role.SECONDARY, on_click=self.on_print, name="print")
        self.done = button(role=Role.PRIMARY, on_click=self.finish.emit, name="finish")
        nav.addWidget(self.print_button)
        nav.addStretch(1)
        nav.addWidget(self.done)
        self.box.addLayout(nav)
        self._printer_message: tuple[str, bool] | None = None  # (msgid, is a failure)
        self.printing = False

    def enter(self, **params: Any) -> None:
        self._printer_message = None
        self.printing = False  # a print of an earlier visit, if any, came back to nobody
        self.retranslate()
        if params.get("print", True):
            self.on_print(reprint=False)

    def wipe(self) -> None:
        for widget in (self.code, self.next_steps, self.printer_status):
            widget.clear()
        self.qr.clear()
        self._printer_message = None
        self.printing = False

    def receipt(self, reprint: bool) -> Receipt | None:
        tx = self.ctx.session.submitted
        if tx is None:
            return None
        station = self.ctx.settings.station
        return build_receipt(
            tx,
            self.ctx.catalog,
            lang=self.ctx.lang,
            city=station.city_in(self.ctx.lang),
            kiosk_name=station.name_in(self.ctx.lang),
            reprint=reprint,
        )

    def on_print(self, reprint: bool = True) -> None:
        receipt = self.receipt(reprint)
        if receipt is None or self.printing:
            return
        self.printing = True
        self._set_printer_message(Confirmation.PRINTING)
        printer = self.ctx.printer
        scope = self.scope  # ended when the citizen leaves: a print still waiting never starts

        def start() -> None:
            self.ctx.runner.run(
                lambda: printer.print_receipt(receipt),
                on_success=self.on_printed,
                on_failure=self.on_print_failed,
                owner=scope,
            )

        # Drawing the receipt on the runner's thread holds Python's lock most of the time: it
        # starts once this page is painted (a timer fires after the pending paint), not during.
        QTimer.singleShot(1, start)

    def on_printed(self, _where: str) -> None:
        self.printing = False
        self._set_printer_message(Confirmation.PRINTED)

    def on_print_failed(self, exc: BaseException) -> None:
        self.printing = False
        reason = exc.reason if isinstance(exc, PrinterError) else "io"
        if reason == "not_configured":
            msgid = Confirmation.NO_PRINTER
        else:
            msgid = Confirmation.PRINTER_FAILED
        self._set_printer_message(msgid, failed=True)

    def _set_printer_message(self, msgid: str, *, failed: bool = False) -> None:
        self._printer_message = (msgid, failed)
        self.printer_status.setText(self.ctx.t(msgid))
        set_role(self.printer_status, Role.ERROR if failed else Role.PAGE)

    def retranslate(self) -> None:
        lang = self.ctx.lang
        tx = self.ctx.session.submitted
        self.print_button.setText(self.ctx.t(Confirmation.PRINT))
        self.done.setText(self.ctx.t(Common.FINISH))
        self.next_heading.setText(self.ctx.t(Confirmation.NEXT))
        if tx is None:
            return
        try:
            service = self.ctx.catalog.service(tx.service_code)
            survey = service.kind is ServiceKind.SURVEY
            steps = service.next_steps.get(lang) if service.next_steps else ""
        except UnknownService:
            survey, steps = False, ""
        self.title.setText(self.ctx.t(Confirmation.RECORDED if survey else Confirmation.REGISTERED))
        self.code_label.setText(self.ctx.t(Confirmation.CODE))
        self.code.setText(isolate(localize_digits(tx.display_code, lang)))
        self.code.setStyleSheet(
            f"font-size: {self.ctx.theme.metrics.code}px; font-weight: bold; letter-spacing: 2px;"
        )
        self.code.setAccessibleName(" ".join(tx.tracking_code))  # read digit by digit
        self.next_steps.setText(steps)
        self.follow_up.setText(self.ctx.t(Confirmation.FOLLOW_UP))
        size = self.ctx.theme.metrics.target * 3
        self.qr.setPixmap(QPixmap.fromImage(qr_image(tx.tracking_code, size)))
        if self._printer_message is not None:
            self._set_printer_message(*self._printer_message[:1], failed=self._printer_message[1])
