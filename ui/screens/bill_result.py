"""Bill inquiry result, decoded offline from the bill and payment IDs: type, amount, period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QFrame, QGridLayout, QWidget

from kiosk import identifiers
from kiosk.catalog import FieldType, Service
from kiosk.identifiers import Bill
from kiosk.jalali import JalaliDate
from kiosk.text import in_paragraph, isolate, localize_digits
from kiosk.wording import BillResult, Common
from ui.context import UiContext
from ui.screens.base import Screen, ScreenId
from ui.theme import Role, set_boxed
from ui.widgets.common import button, hbox, label, vbox


def format_rials(amount: int, lang: str) -> str:
    grouped = f"{amount:,}"
    if lang == "fa":
        grouped = localize_digits(grouped, "fa").replace(",", "٬")
    return grouped


class BillResultScreen(Screen):
    screen_id = ScreenId.BILL_RESULT

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        m = ctx.theme.metrics
        self.box = vbox(self, margin=m.gap * 4, spacing=m.gap * 3)
        self.title = label(kind="title")
        self.box.addWidget(self.title)
        self.panel = QFrame()
        set_boxed(self.panel, Role.PANEL)
        self.grid = QGridLayout(self.panel)
        self.grid.setContentsMargins(m.gap * 4, m.gap * 4, m.gap * 4, m.gap * 4)
        self.grid.setHorizontalSpacing(m.gap * 6)
        self.grid.setVerticalSpacing(m.gap * 2)
        self.names: list[Any] = []
        self.values: dict[str, Any] = {}
        for row, key in enumerate(("type", "amount", "period", "bill_id", "payment_id")):
            name = label(role=Role.PANEL, bold=True)
            value = label(role=Role.PANEL)
            value.setObjectName(f"bill-{key}")
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(value, row, 1)
            self.names.append((key, name))
            self.values[key] = value
        self.grid.setColumnStretch(1, 1)
        self.box.addWidget(self.panel)
        self.note = label(role=Role.MUTED)
        self.box.addWidget(self.note)
        self.box.addStretch(1)
        nav = hbox(spacing=m.gap * 3)
        self.again = button(role=Role.SECONDARY, on_click=self.on_again, name="again")
        self.done = button(role=Role.PRIMARY, on_click=self.finish.emit, name="finish")
        nav.addWidget(self.again)
        nav.addStretch(1)
        nav.addWidget(self.done)
        self.box.addLayout(nav)
        self.bill: Bill | None = None

    def service(self) -> Service | None:
        code = self.ctx.session.service_code
        return self.ctx.catalog.service(code) if code else None

    def enter(self, **params: Any) -> None:
        service = self.service()
        self.bill = None
        if service is not None:
            answers = self.ctx.session.cleaned
            bill_key = next(f.key for f in service.fields if f.type is FieldType.BILL_ID)
            pay_key = next((f.key for f in service.fields if f.type is FieldType.PAYMENT_ID), None)
            payment = answers.get(pay_key) if pay_key else None
            self.bill = identifiers.bill(str(answers[bill_key]), str(payment) if payment else None)
        self.retranslate()

    def on_again(self) -> None:
        code = self.ctx.session.service_code
        if code is not None:
            self.ctx.session.start(code)
            self.go(ScreenId.QUESTION)

    def wipe(self) -> None:
        self.bill = None
        for value in self.values.values():
            value.clear()

    def retranslate(self) -> None:
        lang, tr = self.ctx.lang, self.ctx.t
        self.title.setText(tr(BillResult.TITLE))
        self.again.setText(tr(BillResult.AGAIN))
        self.done.setText(tr(Common.FINISH))
        for key, name in self.names:
            name.setText(tr(BillResult.NAMES[key]))
        bill = self.bill
        if bill is None:
            return
        self.values["type"].setText(tr(BillResult.TYPES[bill.service_type]))
        self.values["bill_id"].setText(
            in_paragraph(isolate(localize_digits(bill.bill_id, lang)), lang)
        )
        has_payment = bill.payment_id is not None and bill.amount_rials is not None
        for key in ("amount", "period", "payment_id"):
            self.values[key].setVisible(has_payment)
            dict(self.names)[key].setVisible(has_payment)
        if has_payment:
            assert bill.amount_rials is not None
            assert bill.payment_id is not None
            self.values["amount"].setText(
                tr(BillResult.AMOUNT, amount=isolate(format_rials(bill.amount_rials, lang)))
            )
            this_year = JalaliDate.from_gregorian(dt.date.today()).year
            self.values["period"].setText(
                tr(BillResult.PERIOD, period=bill.period, year=bill.year(this_year))
            )
            self.values["payment_id"].setText(
                in_paragraph(isolate(localize_digits(bill.payment_id, lang)), lang)
            )
            self.note.setText(tr(BillResult.VALID))
        else:
            self.note.setText(tr(BillResult.VALID_NO_PAYMENT))
