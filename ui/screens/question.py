"""A question page: one question of the service, with Back and Continue (GOV.UK pattern).

Continue checks the answer with the core's own rules (``kiosk.forms.clean_field``); a problem
shows in the error summary at the top, which takes focus, and the same words above the input.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QBoxLayout, QWidget

from kiosk.catalog import Field, Service, ServiceKind
from kiosk.forms import FieldError, clean_field, visible_fields
from kiosk.guidance import progress
from kiosk.wording import Common, Question
from ui.context import UiContext
from ui.screens.base import Screen, ScreenId
from ui.theme import Role
from ui.widgets.common import button, discard, hbox, label, nav_row, vbox
from ui.widgets.error_summary import ErrorSummary
from ui.widgets.inputs import FieldInput, make_input


class QuestionScreen(Screen):
    screen_id = ScreenId.QUESTION

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        m = ctx.theme.metrics
        self.box = vbox(self, margin=m.gap * 2, spacing=m.gap)
        self.summary = ErrorSummary(ctx, self.on_error_link)
        self.service_title = label(role=Role.MUTED)
        self.question = label(kind="title")
        self.help = label(role=Role.MUTED)
        self.optional = label(role=Role.MUTED, kind="small")
        self.error = label(role=Role.ERROR)
        self.error.setObjectName("inline-error")
        self.input_area = vbox()
        for widget in (
            self.summary,
            self.service_title,
            self.question,
            self.help,
            self.optional,
            self.error,
        ):
            self.box.addWidget(widget)
        self.box.addLayout(self.input_area)
        self.box.addStretch(1)

        self.back = button(role=Role.SECONDARY, on_click=self.on_back, name="back")
        self.next = button(role=Role.PRIMARY, on_click=self.on_continue, name="continue")
        self.kb_slot = hbox()  # the keyboard sits between Back and Continue when shown
        self.box.addLayout(nav_row(self.back, self.kb_slot, self.next, spacing=m.gap * 3))
        self.input: FieldInput | None = None
        self.field: Field | None = None
        self._error: FieldError | None = None
        # The input made for each question, kept for the next time it is asked (emptied when
        # the session ends, dropped when the theme changes): most journeys start with the same
        # few questions, and making an input (22 district buttons) is not free.
        self._inputs: dict[tuple[str, str], FieldInput] = {}

    # -- state ---------------------------------------------------------------------------

    @property
    def service(self) -> Service:
        code = self.ctx.session.service_code
        assert code is not None, "a question page needs a service"
        return self.ctx.catalog.service(code)

    def visible(self) -> list[Field]:
        return visible_fields(self.service, self.ctx.session.cleaned)

    def enter(self, **params: Any) -> None:
        fields = self.visible()
        session = self.ctx.session
        session.page = max(0, min(session.page, len(fields) - 1))
        self.field = fields[session.page]
        self._error = None
        previous, self.input = self.input, self._input_for(self.field)
        if previous is not None and previous is not self.input:
            previous.hide()
        self.input.set_invalid(False)
        self.input.set_value(session.raw.get(self.field.key))
        self.input.show()  # now, not at the next event loop turn: focus needs it visible
        self.retranslate()
        self.input.focus_input()

    def _input_for(self, field: Field) -> FieldInput:
        key = (self.service.code, field.key)
        kept = self._inputs.pop(key, None)
        if kept is not None and kept.field is not field:  # from an older catalog
            discard(kept)
            kept = None
        if kept is None:
            kept = make_input(self.ctx, field, self.ctx.catalog)
            kept.setObjectName(f"input-{field.key}")
            self.input_area.addWidget(kept)
        self._inputs[key] = kept
        return kept

    def before_restyle(self) -> None:
        """Inputs are made again, in the new theme, when next asked (all but the one shown,
        which keeps its answer)."""
        for key, kept in list(self._inputs.items()):
            if kept is not self.input:
                del self._inputs[key]
                discard(kept)

    def leave(self) -> None:
        self.store_raw()

    def store_raw(self) -> None:
        if self.input is not None and self.field is not None:
            self.ctx.session.raw[self.field.key] = self.input.value()

    def wipe(self) -> None:
        for kept in self._inputs.values():  # nothing of this citizen stays in them
            kept.set_value(None)
            kept.set_invalid(False)
            kept.hide()
        self.input = None
        self.field = None
        self._error = None
        self.summary.show_errors([])

    # -- actions -------------------------------------------------------------------------

    def on_continue(self) -> None:
        assert self.input is not None
        assert self.field is not None
        session = self.ctx.session
        field = self.field
        raw = self.input.value()
        session.raw[field.key] = raw
        try:
            value = clean_field(self.ctx.catalog, self.service, field, raw, context=session.cleaned)
        except FieldError as exc:
            self.show_error(exc)
            return
        if value is None:
            session.cleaned.pop(field.key, None)
        else:
            session.cleaned[field.key] = value
        self._prune()
        self.show_error(None)
        self.advance(field)

    def _prune(self) -> None:
        """Drop answers to questions that an answer just hid."""
        session = self.ctx.session
        shown = {f.key for f in self.visible()}
        for key in list(session.cleaned):
            if key not in shown:
                del session.cleaned[key]
                session.raw.pop(key, None)

    def advance(self, field: Field) -> None:
        session = self.ctx.session
        fields = self.visible()
        index = [f.key for f in fields].index(field.key)
        if session.changing:
            missing = next(
                (
                    i
                    for i, f in enumerate(fields)
                    if i > index and f.required and f.key not in session.cleaned
                ),
                None,
            )
            if missing is None:
                self.go(ScreenId.CHECK)
                return
            session.page = missing
            self.go(ScreenId.QUESTION)
            return
        if index + 1 < len(fields):
            session.page = index + 1
            self.go(ScreenId.QUESTION)
        elif self.service.kind is ServiceKind.BILL_INQUIRY:
            self.go(ScreenId.BILL_RESULT)
        else:
            self.go(ScreenId.CHECK)

    def on_back(self) -> None:
        session = self.ctx.session
        self.store_raw()
        if session.changing:
            self.go(ScreenId.CHECK)
        elif session.page > 0:
            session.page -= 1
            self.go(ScreenId.QUESTION)
        else:
            self.finish.emit()

    def on_enter_key(self) -> None:
        self.on_continue()

    def keyboard_slot(self) -> QBoxLayout:
        return self.kb_slot

    def on_error_link(self, key: str) -> None:
        if self.input is not None:
            self.input.focus_input()

    def show_error(self, error: FieldError | None) -> None:
        self._error = error
        if self.input is not None:
            self.input.set_invalid(error is not None)
        self._show_error_texts()
        if error is not None and self.input is not None:
            self.summary.setFocus()

    def _show_error_texts(self) -> None:
        if self._error is None:
            self.error.hide()
            self.summary.show_errors([])
            return
        message = self._error.render(self.ctx.lang)
        self.error.setText(message)
        self.error.show()
        self.summary.show_errors([(self._error.key, message)])

    def retranslate(self) -> None:
        lang = self.ctx.lang
        self.back.setText(self.ctx.t(Common.BACK))
        self.next.setText(self.ctx.t(Common.CONTINUE))
        if self.field is None:
            return
        service = self.service
        # "Question 6", and "of 9" only once no answer to come can change the 9 (a count
        # that grows as answers open questions reads as if the end moved away).
        where = progress(service, self.ctx.session.cleaned, self.field.key)
        title = service.title.get(lang)
        self.service_title.setText(
            self.ctx.t(Question.WHERE, service=title, n=where.number)
            if where.total is None
            else self.ctx.t(
                Question.WHERE_OF,
                service=title,
                n=where.number,
                total=where.total,
            )
        )
        self.question.setText(self.field.label.get(lang))
        help_text = self.field.help.get(lang) if self.field.help else ""
        self.help.setText(help_text)
        self.help.setVisible(bool(help_text))
        self.optional.setText("" if self.field.required else self.ctx.t(Question.SKIP))
        self.optional.setVisible(not self.field.required)
        if self.input is not None:
            self.input.retranslate()
        self.summary.retranslate()
        self._show_error_texts()
