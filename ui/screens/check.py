"""Check your answers, each with Change, then send: the core validates again and commits.

"Submitted" is shown only after :meth:`kiosk.queue.Queue.submit` has returned, that is, after the
row is durable on disk. The submit runs on the background runner, never on the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from kiosk.catalog import Field, FieldType, Service
from kiosk.forms import Answer, ValidationFailed, visible_fields
from kiosk.jalali import JalaliDate, format_jalali
from kiosk.text import in_paragraph, isolate, localize_digits
from kiosk.wording import Check, Common
from ui.context import UiContext
from ui.screens.base import Screen, ScreenId
from ui.theme import Role
from ui.widgets.common import button, hbox, ink_width, label, scrub, vbox
from ui.widgets.error_summary import ErrorSummary

if TYPE_CHECKING:
    from kiosk.core import Core
    from kiosk.queue import QueuedTransaction

IDENTIFIERS = frozenset(
    {
        FieldType.NATIONAL_CODE,
        FieldType.MOBILE,
        FieldType.POSTAL_CODE,
        FieldType.BILL_ID,
        FieldType.PAYMENT_ID,
        FieldType.SHEBA,
        FieldType.NUMBER,
        FieldType.AMOUNT,
    }
)


def display_answer(ctx: UiContext, field: Field, value: Answer | None) -> str:
    """An answer as the citizen should read it back, in the session's language."""
    lang = ctx.lang
    if value is None or value in ([], ""):
        return ctx.t(Check.NOT_ANSWERED)
    if field.type is FieldType.YES_NO:
        return ctx.t(Common.YES) if value else ctx.t(Common.NO)
    if field.type is FieldType.DISTRICT:
        district = ctx.catalog.district(str(value))
        return district.label.get(lang) if district else str(value)
    if field.type in (FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE):
        values = value if isinstance(value, list) else [str(value)]
        labels = []
        for v in values:
            choice = field.choice(v)
            labels.append(choice.label.get(lang) if choice is not None else v)
        return ("، " if lang == "fa" else ", ").join(labels)
    if field.type is FieldType.JALALI_DATE:
        return format_jalali(JalaliDate.parse(str(value)), lang)
    if field.type is FieldType.AMOUNT and isinstance(value, int):
        return isolate(
            localize_digits(f"{value:,}", lang).replace(",", "٬" if lang == "fa" else ",")
        )
    if field.type in IDENTIFIERS:
        return isolate(localize_digits(str(value), lang))
    return str(value)


@dataclass(eq=False)
class AnswerRow:
    """One question, its answer and its Change button: made once, refilled for each check
    page (and blanked when a session ends), so entering the page makes no new widgets."""

    widget: QWidget  # the question and the answer, one above the other
    question: QLabel
    answer: QLabel
    change: QPushButton
    key: str = ""
    place: tuple[int, int] | None = None  # (row, column) in the grid

    def parts(self) -> tuple[QWidget, QWidget]:
        return self.widget, self.change


class CheckScreen(Screen):
    screen_id = ScreenId.CHECK

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        m = ctx.theme.metrics
        self.box = vbox(self, margin=m.gap * 4, spacing=m.gap * 2)
        self.summary = ErrorSummary(ctx, self.on_change)
        self.title = label(kind="title")
        self.service_title = label(role=Role.MUTED)
        # The rows: rebuilt out of sight, then shown in one go. Each column of answers is three
        # grid columns: the texts (as wide as the widest), the Change buttons right after them,
        # and a stretch, so every Change button sits by its own answer and the columns are
        # kept apart by the free space (the grid mirrors in Persian).
        self.answers = QWidget(self)
        self.rows = QGridLayout(self.answers)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setHorizontalSpacing(m.gap * 2)
        self.rows.setVerticalSpacing(m.gap)
        self.failure = label(role=Role.ERROR)
        self.failure.hide()
        for widget in (self.summary, self.title, self.service_title):
            self.box.addWidget(widget)
        self.box.addWidget(self.answers)
        self.box.addStretch(1)
        self.box.addWidget(self.failure)
        nav = hbox(spacing=m.gap * 3)
        self.back = button(role=Role.SECONDARY, on_click=self.on_back, name="back")
        self.send = button(role=Role.PRIMARY, on_click=self.on_send, name="send")
        nav.addWidget(self.back)
        nav.addStretch(1)
        nav.addWidget(self.send)
        self.box.addLayout(nav)
        self._errors: list[tuple[str, Any]] = []
        self._rows: list[AnswerRow] = []
        self.sending = False

    @property
    def service(self) -> Service:
        code = self.ctx.session.service_code
        assert code is not None
        return self.ctx.catalog.service(code)

    def enter(self, **params: Any) -> None:
        self.ctx.session.changing = False
        self._errors = []
        self.failure.hide()
        self._set_sending(False)
        self.retranslate()

    def _set_sending(self, sending: bool) -> None:
        """While the request is being saved the page stays: Send, Back and every Change wait
        (leaving would drop the result, and the citizen might send it twice)."""
        self.sending = sending
        for control in (self.send, self.back, *(row.change for row in self._rows)):
            control.setEnabled(not sending)

    def wipe(self) -> None:
        for row in self._rows:
            for part in row.parts():
                scrub(part)
                part.hide()
        self._errors = []
        self.summary.show_errors([])
        self.failure.hide()
        self._set_sending(False)

    def on_change(self, key: str) -> None:
        session = self.ctx.session
        keys = [f.key for f in visible_fields(self.service, session.cleaned)]
        if key in keys:
            session.page = keys.index(key)
            session.changing = True
            self.go(ScreenId.QUESTION)

    def on_back(self) -> None:
        session = self.ctx.session
        session.page = len(visible_fields(self.service, session.cleaned)) - 1
        self.go(ScreenId.QUESTION)

    def on_send(self) -> None:
        if self.sending:
            return  # one tap, one submission
        self._set_sending(True)
        session = self.ctx.session
        code, answers, lang = self.service.code, dict(session.cleaned), session.lang
        scope = self.scope  # this visit, in this citizen's session: a late result is dropped

        def submit(core: Core) -> None:
            from kiosk.models import Channel

            self.ctx.runner.run(
                lambda: core.queue.submit(code, answers, channel=Channel.KIOSK, lang=lang),
                on_success=self.on_submitted,
                on_failure=self.on_failed,
                owner=scope,
            )

        self.ctx.when_core(submit)  # the database opens just after start-up

    def on_submitted(self, tx: QueuedTransaction) -> None:
        session = self.ctx.session
        session.raw.clear()
        session.cleaned.clear()  # the answers are on disk now; keep none in memory
        session.submitted = tx
        self._set_sending(False)
        self.ctx.sync_now()  # deliver it now if the city server is reachable
        self.go(ScreenId.CONFIRMATION)

    def on_failed(self, exc: BaseException) -> None:
        self._set_sending(False)
        if isinstance(exc, ValidationFailed):
            self._errors = [(e.key, e) for e in exc.errors]
            self.retranslate()
            return
        self.failure.setText(self.ctx.t(Check.NOT_SAVED))
        self.failure.show()

    def retranslate(self) -> None:
        lang = self.ctx.lang
        self.title.setText(self.ctx.t(Check.TITLE))
        self.back.setText(self.ctx.t(Common.BACK))
        self.send.setText(self.ctx.t(Check.SEND))
        if self.ctx.session.service_code is None:
            return
        service = self.service
        self.service_title.setText(service.title.get(lang))
        self.summary.show_errors([(key, e.render(lang)) for key, e in self._errors])
        self._show_rows(visible_fields(service, self.ctx.session.cleaned))

    def _show_rows(self, fields: list[Field]) -> None:
        self.answers.hide()  # one show and one layout pass for all the rows, not one per row
        while len(self._rows) < len(fields):
            self._rows.append(self._new_row())
        columns = 2 if len(fields) > 5 else 1
        per_column = (len(fields) + columns - 1) // columns
        for i, (row, field) in enumerate(zip(self._rows, fields, strict=False)):
            self._fill(row, field)
            place = (i % per_column, i // per_column)
            if row.place != place:
                for part in row.parts():
                    self.rows.removeWidget(part)
                grid_row, column = place
                self.rows.addWidget(row.widget, grid_row, 3 * column)
                self.rows.addWidget(
                    row.change, grid_row, 3 * column + 1, Qt.AlignmentFlag.AlignVCenter
                )
                row.place = place
            for part in row.parts():
                part.show()
        for row in self._rows[len(fields) :]:  # out of the grid, as if there were none
            for part in row.parts():
                scrub(part)
                part.hide()
                self.rows.removeWidget(part)
            row.place = None
        for column in range(2):
            self.rows.setColumnStretch(3 * column, 0)
            self.rows.setColumnStretch(3 * column + 1, 0)
            self.rows.setColumnStretch(3 * column + 2, 1 if column < columns else 0)
            self.rows.setColumnMinimumWidth(3 * column + 2, self.ctx.theme.metrics.gap * 4)
        self._fit_columns()
        self.answers.show()

    def _fit_columns(self) -> None:
        """Each column of texts as wide as its widest question or answer (the Change buttons
        right after it), but no wider than its share of the page: longer texts wrap."""
        m = self.ctx.theme.metrics
        shown = [(r, r.place[1]) for r in self._rows if r.place is not None]
        columns = 1 + max((c for _r, c in shown), default=0)
        page = self.width() - 8 * m.gap  # the screen's margins
        change = max((r.change.sizeHint().width() for r, _c in shown), default=0)
        share = (page - (columns - 1) * 6 * m.gap) // columns - change - 2 * m.gap
        for column in range(2):
            words = [
                ink_width(text.font(), line)
                for r, c in shown
                if c == column
                for text in (r.question, r.answer)
                for line in text.text().split("\n")
            ]
            width = min(max(words, default=0), max(share, m.target * 2))
            self.rows.setColumnMinimumWidth(3 * column, width if column < columns else 0)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _new_row(self) -> AnswerRow:
        widget = QWidget(self.answers)
        texts = vbox(widget, spacing=0)
        question = label(kind="small", bold=True, parent=widget)
        answer = label(parent=widget)
        texts.addWidget(question)
        texts.addWidget(answer)
        change = button(role=Role.SECONDARY, parent=self.answers)
        row = AnswerRow(widget, question, answer, change)
        change.clicked.connect(lambda _checked=False: self.on_change(row.key))
        return row

    def _fill(self, row: AnswerRow, field: Field) -> None:
        lang, tr = self.ctx.lang, self.ctx.t
        row.key = field.key
        row.widget.setObjectName(f"row-{field.key}")
        row.question.setText(field.label.get(lang))
        text = display_answer(self.ctx, field, self.ctx.session.cleaned.get(field.key))
        shown = text if len(text) <= 140 else text[:137] + "…"
        row.answer.setText(in_paragraph(shown, lang))
        row.answer.setObjectName(f"answer-{field.key}")
        row.change.setText(tr(Check.CHANGE))
        row.change.setObjectName(f"change-{field.key}")
        row.change.setAccessibleName(tr(Check.CHANGE) + " " + field.label.get(lang))
