"""What each screen of a citizen's journey says: home, a question, check answers, the idle
warning. (The results, confirmation, bill, track, announcements and the receipt, are in
``kiosk.speech.results``.)

Each builder takes the same data the screen shows (the catalog's service and field, the answers,
the error) and returns the utterances in reading order: the heading, what to do, the question
and its help, the choices with their numbers, the value so far, errors (the summary first),
then the buttons. The words are the screens' own (``kiosk.wording``) and the catalog's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from kiosk.catalog import Catalog, Choice, Field, FieldType, LocalText, Service
from kiosk.date_rules import example_date
from kiosk.forms import FieldError, visible_fields
from kiosk.guidance import progress
from kiosk.i18n import translate
from kiosk.jalali import format_jalali
from kiosk.speech import phrases
from kiosk.speech.spoken import (
    CHOICE_TYPES,
    answer_pieces,
    buttons,
    label,
    say,
    say_pieces,
    typed_value,
)
from kiosk.speech.utterance import Kind, Priority, Utterance
from kiosk.wording import Check, Common, Home, Idle, Question

__all__ = ["attract", "check", "errors", "home", "idle_warning", "question"]


def attract() -> list[Utterance]:
    """The attract screen is silent: speech starts only once a citizen asks for it."""
    return []


def _numbered(lang: str, n: int, label: str) -> list[Utterance]:
    return say(Kind.CHOICE, lang, translate(lang, phrases.NUMBERED, n=n, label=label))


def home(catalog: Catalog, lang: str) -> list[Utterance]:
    """The heading, then each group and its services with their numbers, then the kiosk's own
    tiles (Track a request, Announcements), as the tiles are laid out."""
    out = say(Kind.HEADING, lang, translate(lang, Home.HEADING))
    out += say(Kind.INSTRUCTION, lang, translate(lang, phrases.TOUCH_SERVICE))
    n = 0
    for group in catalog.groups:
        services = catalog.services_in(group.code)
        if not services:
            continue
        out += say(Kind.HEADING, lang, group.title.get(lang))
        for service in services:
            n += 1
            out += _numbered(lang, n, service.title.get(lang))
    out += say(Kind.HEADING, lang, translate(lang, Home.OWN_GROUP))
    for title, hint in ((Home.TRACK, Home.TRACK_HINT), (Home.NEWS, Home.NEWS_HINT)):
        n += 1
        label = f"{translate(lang, title)}{'، ' if lang == 'fa' else ', '}{translate(lang, hint)}"
        out += _numbered(lang, n, label)
    return out


def errors(lang: str, messages: Sequence[str]) -> list[Utterance]:
    """The error summary: its heading, then each problem, as the screen shows them."""
    if not messages:
        return []
    out = say(Kind.ERROR, lang, translate(lang, Common.PROBLEM))
    for message in messages:
        out += say(Kind.ERROR, lang, message)
    return out


def _choices(catalog: Catalog, field: Field) -> tuple[Choice, ...]:
    if field.type is FieldType.YES_NO:
        return tuple(
            Choice(v, LocalText(fa=translate("fa", m), en=translate("en", m)))
            for v, m in (("yes", Common.YES), ("no", Common.NO))
        )
    if field.type is FieldType.DISTRICT:
        return catalog.districts
    return field.choices


def question(
    catalog: Catalog,
    service: Service,
    field: Field,
    answers: Mapping[str, object],
    raw: object,
    lang: str,
    *,
    error: FieldError | None = None,
    secret: bool = False,
    today: dt.date | None = None,
) -> list[Utterance]:
    """A question page: the error first (if Continue found one), where the citizen is, the
    question, its help, whether it may be left out, the choices or how to type a date, what
    is entered so far, and the buttons. ``secret``: what is typed is never read."""
    out = errors(lang, [error.render(lang)] if error is not None else [])
    where = progress(service, answers, field.key)
    title = service.title.get(lang)
    out += say(
        Kind.HEADING,
        lang,
        translate(lang, Question.WHERE, service=title, n=where.number)
        if where.total is None
        else translate(lang, Question.WHERE_OF, service=title, n=where.number, total=where.total),
    )
    out += say(Kind.QUESTION, lang, field.label.get(lang))
    if field.help is not None:
        out += say(Kind.HELP, lang, field.help.get(lang))
    if not field.required:
        out += say(Kind.INSTRUCTION, lang, translate(lang, Question.SKIP))
    if field.type in CHOICE_TYPES:
        if field.type is FieldType.MULTI_CHOICE:
            out += say(Kind.INSTRUCTION, lang, translate(lang, phrases.MANY))
        for n, choice in enumerate(_choices(catalog, field), start=1):
            out += _numbered(lang, n, choice.label.get(lang))
    if field.type is FieldType.JALALI_DATE:
        example = example_date(field, today or dt.date.today())
        how = translate(
            lang,
            Question.DATE_HOW,
            date=format_jalali(example, lang),
            day=example.day,
            month=example.month,
            year=example.year,
        )
        out += say(Kind.INSTRUCTION, lang, how)
    out += typed_value(catalog, field, raw, lang, secret=secret)
    out += buttons(lang, Common.BACK, Common.CONTINUE)
    return out


def check(
    catalog: Catalog,
    service: Service,
    answers: Mapping[str, object],
    lang: str,
    *,
    problems: Sequence[FieldError] = (),
    not_saved: bool = False,
) -> list[Utterance]:
    """Check your answers: the problems first, the title and the service, each question with
    its answer, how to change one, and the buttons."""
    out = errors(lang, [e.render(lang) for e in problems])
    out += say(Kind.HEADING, lang, translate(lang, Check.TITLE))
    out += say(Kind.HEADING, lang, service.title.get(lang))
    for field in visible_fields(service, answers):
        question_text = field.label.get(lang)
        answer = answer_pieces(catalog, field, answers.get(field.key), lang)
        out.append(
            say_pieces(Kind.VALUE, lang, [label(question_text), *answer], shown=question_text)
        )
    out += say(Kind.INSTRUCTION, lang, translate(lang, phrases.CHANGE_HINT))
    if not_saved:
        out += say(Kind.ERROR, lang, translate(lang, Check.NOT_SAVED))
    out += buttons(lang, Common.BACK, Check.SEND)
    return out


def idle_warning(seconds: int, lang: str) -> list[Utterance]:
    """The idle warning, said over whatever is being said: its question, the countdown, and
    its two buttons. Said again as the countdown goes on (the speech service decides when)."""
    out = say(Kind.WARNING, lang, translate(lang, Idle.TITLE))
    out += say(Kind.WARNING, lang, translate(lang, Idle.COUNTDOWN, seconds=seconds))
    out += buttons(lang, Idle.FINISH_NOW, Idle.MORE_TIME)
    return [
        Utterance(u.kind, u.lang, u.script, Priority.ALERT, u.shown) for u in out
    ]  # the buttons too: nothing of the screen beneath may cut in
