"""What every screen says, in both languages, from the same demo states as the screenshots.

Checked for sense, not snapshot: each screen starts with its error summary or its heading and
ends with its buttons; the tracking code and the IDs are said digit by digit in order; amounts
are words with the currency; nothing a voice would misread reaches it (digits, isolates, the
Persian thousands separator, Latin letters in Persian); a secret is never said.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk.catalog import Catalog, FieldType
from kiosk.config import Settings, load_settings
from kiosk.core import Core
from kiosk.i18n import translate
from kiosk.receipt import build_receipt, local_time
from kiosk.screen_demos import DEMOS, REPORT, answers_before
from kiosk.speech import normalise, phrases, results, screens
from kiosk.speech.demo import demo_utterances
from kiosk.speech.numbers import digit_words
from kiosk.speech.utterance import Kind, Pause, Priority, Span, Utterance
from kiosk.wording import BillResult, Common, Home, Idle

LANGS = ("fa", "en")
SPOKEN = [(name, lang) for name in DEMOS for lang in LANGS]
_FORBIDDEN = re.compile(r"[0-9۰-۹٠-٩\u2066-\u2069\u200e\u200f\u061c٬]")


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(data_dir=tmp_path_factory.mktemp("say"), environ={})


@pytest.fixture(scope="module")
def said(demo_settings: Settings) -> dict[tuple[str, str], list[Utterance]]:
    return {(n, lang): demo_utterances(demo_settings, n, lang) for n, lang in SPOKEN}


def words_of(utterances: list[Utterance]) -> str:
    return " ".join(u.words for u in utterances)


def digits_said(u: Utterance, lang: str) -> str:
    """The digits an utterance says one by one, in order (``"صفر یک"`` -> ``"01"``)."""
    names = {w: str(d) for d, w in enumerate(digit_words("0123456789", lang))}
    return "".join(names[w] for w in u.words.split() if w in names)


@pytest.mark.parametrize(("name", "lang"), SPOKEN)
def test_nothing_a_voice_misreads_reaches_it(
    said: dict[tuple[str, str], list[Utterance]], name: str, lang: str
) -> None:
    utterances = said[name, lang]
    if name == "attract":
        assert utterances == []  # the attract screen stays silent
        return
    assert utterances
    for u in utterances:
        assert u.lang == lang
        assert u.script, u
        for piece in u.script:
            if isinstance(piece, Pause):
                continue
            text = piece.text if isinstance(piece, Span) else piece
            assert not _FORBIDDEN.search(text), (name, text)
            if lang == "fa" and not isinstance(piece, Span):
                assert not re.search(r"[A-Za-z]", text), (name, text)
        ET.fromstring(u.ssml())  # well-formed SSML for the engine


@pytest.mark.parametrize(("name", "lang"), SPOKEN)
def test_every_screen_starts_with_its_problem_or_heading_and_ends_with_its_buttons(
    said: dict[tuple[str, str], list[Utterance]], name: str, lang: str
) -> None:
    utterances = said[name, lang]
    if not utterances:
        return
    first = utterances[0]
    assert first.kind in (Kind.ERROR, Kind.HEADING, Kind.WARNING, Kind.CONFIRMATION)
    if any(u.kind is Kind.ERROR for u in utterances):
        assert first.kind is Kind.ERROR  # the summary first
        assert first.shown == translate(lang, Common.PROBLEM)
    if name == "home":  # its tiles are its choices: it has no buttons of its own
        assert utterances[-1].kind is Kind.CHOICE
        return
    assert utterances[-1].kind is Kind.INSTRUCTION
    assert utterances[-1].shown.startswith(translate(lang, phrases.BUTTONS, names="")[:5])


@pytest.mark.parametrize("lang", LANGS)
def test_home_names_every_service_with_its_number(
    said: dict[tuple[str, str], list[Utterance]], core: Core, lang: str
) -> None:
    choices = [u for u in said["home", lang] if u.kind is Kind.CHOICE]
    titles = [
        s.title.get(lang) for g in core.catalog.groups for s in core.catalog.services_in(g.code)
    ]
    titles += [translate(lang, Home.TRACK), translate(lang, Home.NEWS)]
    assert len(choices) == len(titles)
    for n, (u, title) in enumerate(zip(choices, titles, strict=True), start=1):
        assert u.shown == translate(lang, phrases.NUMBERED, n=n, label=title) or title in u.shown
        assert title.split()[0] in u.words


@pytest.mark.parametrize("lang", LANGS)
def test_the_confirmation_says_the_tracking_code_digit_by_digit(
    said: dict[tuple[str, str], list[Utterance]], lang: str
) -> None:
    codes = [u for u in said["confirmation", lang] if re.fullmatch(r"\d{4}-\d{6}-\d", u.shown)]
    assert len(codes) == 2  # said twice: it is what the citizen must keep
    code = codes[0]
    assert digits_said(code, lang) == code.shown.replace("-", "")
    groups = [p for p in code.script if isinstance(p, str)]
    assert all(len(g.split()) <= 4 for g in groups)
    assert sum(isinstance(p, Pause) for p in code.script) >= 2  # a pause at each dash


@pytest.mark.parametrize("lang", LANGS)
def test_the_track_result_says_the_status_and_the_code(
    said: dict[tuple[str, str], list[Utterance]], lang: str
) -> None:
    words = words_of(said["track", lang])
    assert translate(lang, "Not yet sent to the city") in words
    missing = said["track-error", lang]
    assert missing[0].kind is Kind.ERROR
    assert translate(lang, "Check the tracking code: one of the digits is wrong") in words_of(
        missing
    )


@pytest.mark.parametrize(
    ("lang", "amount", "kind"),
    [("fa", "هفده هزار ریال", "تلفن ثابت"), ("en", "seventeen thousand rials", "Landline")],
)
def test_the_bill_says_its_type_amount_in_words_and_ids_digit_by_digit(
    said: dict[tuple[str, str], list[Utterance]], lang: str, amount: str, kind: str
) -> None:
    utterances = said["bill-result", lang]
    words = words_of(utterances)
    assert amount in words
    assert kind in words
    ids = {u.shown: digits_said(u, lang) for u in utterances if re.fullmatch(r"\d{7,}", u.shown)}
    assert ids == {"7748317800142": "7748317800142", "1770160": "1770160"}
    assert translate(lang, BillResult.NAMES["period"]) in words


@pytest.mark.parametrize("lang", LANGS)
def test_a_question_says_its_choices_with_numbers_and_what_is_selected(
    said: dict[tuple[str, str], list[Utterance]], core: Core, lang: str
) -> None:
    field = core.catalog.service("street-lights").field("problem_type")
    utterances = said["question-choice", lang]
    assert next(u for u in utterances if u.kind is Kind.QUESTION).shown == field.label.get(lang)
    choices = [u.shown for u in utterances if u.kind is Kind.CHOICE]
    assert choices == [
        translate(lang, phrases.NUMBERED, n=n, label=c.label.get(lang))
        for n, c in enumerate(field.choices, start=1)
    ]
    value = [u for u in utterances if u.kind is Kind.VALUE]
    assert value[0].words.endswith(field.choices[0].label.get(lang))


@pytest.mark.parametrize("lang", LANGS)
def test_an_error_is_said_first_then_the_question_and_what_was_typed(
    said: dict[tuple[str, str], list[Utterance]], lang: str
) -> None:
    utterances = said["question-error", lang]
    kinds = [u.kind for u in utterances]
    assert kinds[:2] == [Kind.ERROR, Kind.ERROR]
    assert kinds.index(Kind.QUESTION) > 1
    typed = next(u for u in utterances if u.kind is Kind.VALUE)
    assert digits_said(typed, lang) == "0684159415"


@pytest.mark.parametrize("lang", LANGS)
def test_check_answers_reads_every_answer_in_order(
    said: dict[tuple[str, str], list[Utterance]], core: Core, lang: str
) -> None:
    service = core.catalog.service("street-lights")
    rows = [u for u in said["check", lang] if u.kind is Kind.VALUE]
    from kiosk.forms import visible_fields

    assert [u.shown for u in rows] == [f.label.get(lang) for f in visible_fields(service, REPORT)]
    mobile = next(
        u
        for u, f in zip(rows, visible_fields(service, REPORT), strict=True)
        if f.type is FieldType.MOBILE
    )
    assert digits_said(mobile, lang) == "09123456789"


@pytest.mark.parametrize("lang", LANGS)
def test_the_idle_warning_is_an_alert_with_its_countdown(
    said: dict[tuple[str, str], list[Utterance]], demo_settings: Settings, lang: str
) -> None:
    utterances = said["timeout", lang]
    assert {u.priority for u in utterances} == {Priority.ALERT}
    assert utterances[0].shown == translate(lang, Idle.TITLE)
    seconds = demo_settings.ui.idle_warning
    assert utterances[1].shown == translate(lang, Idle.COUNTDOWN, seconds=seconds)
    assert {"fa": "سی", "en": "thirty"}[lang] in utterances[1].words.split()


@pytest.mark.parametrize("lang", LANGS)
def test_announcements_read_each_title_date_and_text(
    said: dict[tuple[str, str], list[Utterance]], lang: str
) -> None:
    from kiosk.demo import DEMO_ANNOUNCEMENTS

    headings = [u.shown for u in said["announcements", lang] if u.kind is Kind.HEADING]
    assert headings[1:] == [title.get(lang) for title, _body in DEMO_ANNOUNCEMENTS]


def _pin_question(catalog: Catalog, lang: str, raw: str) -> list[Utterance]:
    service = catalog.service("street-lights")
    field = service.field("mobile")
    answers = answers_before(service, "mobile")
    return screens.question(catalog, service, field, answers, raw, lang, secret=True)


@pytest.mark.parametrize("lang", LANGS)
def test_a_secret_is_never_said(core: Core, lang: str) -> None:
    utterances = _pin_question(core.catalog, lang, "4821")
    (value,) = [u for u in utterances if u.kind is Kind.VALUE]
    assert value.shown == translate(lang, phrases.SECRET_ENTERED)
    assert digits_said(value, lang) == ""
    assert all("4821" not in u.shown for u in utterances)
    other = _pin_question(core.catalog, lang, "0000")
    assert words_of(other) == words_of(utterances)  # the same words, whatever the secret
    empty = words_of(_pin_question(core.catalog, lang, ""))
    assert translate(lang, phrases.NOTHING_TYPED) in empty


@pytest.mark.parametrize("lang", LANGS)
def test_the_receipt_is_read_before_it_prints(core: Core, lang: str) -> None:
    tx = core.queue.submit("street-lights", dict(REPORT), lang=lang)
    receipt = build_receipt(tx, core.catalog, lang=lang, city="Tehran", kiosk_name="Kiosk 7")
    utterances = results.receipt(receipt)
    assert {u.kind for u in utterances} == {Kind.RECEIPT}
    assert {u.priority for u in utterances} == {Priority.INFO}
    code = next(u for u in utterances if u.shown == tx.display_code)
    assert digits_said(code, lang) == tx.tracking_code
    words = words_of(utterances)
    assert receipt.service in words
    when = local_time(tx.created_at)
    assert normalise.time(when.hour, when.minute, lang) in words
    for u in utterances:
        for piece in u.script:
            if isinstance(piece, str):
                assert not _FORBIDDEN.search(piece), piece


def test_the_screens_and_speech_share_their_words() -> None:
    """The home heading the screen shows is the one speech says: one message id, in the core."""
    import ui.screens.home as home_screen

    assert "What would you like to do?" not in Path(home_screen.__file__).read_text("utf-8")
    assert translate("fa", Home.HEADING) != Home.HEADING  # translated, in one place
