"""The building blocks of what screens say: a shown text as an utterance, the buttons, an
answer, what is typed so far. The screen builders (``kiosk.speech.screens``, ``.results``) put
them together."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.catalog import Catalog, Field, FieldType
from kiosk.i18n import translate
from kiosk.jalali import JalaliDate
from kiosk.speech import normalise, phrases
from kiosk.speech.utterance import Kind, Piece, Priority, Utterance
from kiosk.text import digits_only, to_ascii_digits
from kiosk.wording import Check, Common

__all__ = [
    "IDENTIFIER_TYPES",
    "answer_pieces",
    "buttons",
    "label",
    "say",
    "say_pieces",
    "typed_value",
]

IDENTIFIER_TYPES = frozenset(
    {
        FieldType.NATIONAL_CODE,
        FieldType.MOBILE,
        FieldType.POSTAL_CODE,
        FieldType.BILL_ID,
        FieldType.PAYMENT_ID,
        FieldType.SHEBA,
    }
)
CHOICE_TYPES = frozenset(
    {FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE, FieldType.DISTRICT, FieldType.YES_NO}
)


def say(kind: Kind, lang: str, shown: str, *, priority: Priority | None = None) -> list[Utterance]:
    """``shown`` (a text as the screen shows it) as one utterance, or none when it is blank."""
    if not shown.strip():
        return []
    return [Utterance.of(kind, lang, normalise.text(shown, lang), shown=shown, priority=priority)]


def say_pieces(
    kind: Kind,
    lang: str,
    pieces: Sequence[Piece],
    shown: str = "",
    *,
    priority: Priority | None = None,
) -> Utterance:
    """Pieces already prepared (a code, an answer) as one utterance."""
    return Utterance.of(kind, lang, pieces, shown=shown, priority=priority)


def buttons(lang: str, *msgids: str) -> list[Utterance]:
    """ "Buttons: Back, Continue." — the actions of the screen, in the order they are shown."""
    sep = "، " if lang == "fa" else ", "
    names = sep.join(translate(lang, m) for m in msgids)
    return say(Kind.INSTRUCTION, lang, translate(lang, phrases.BUTTONS, names=names))


def label(text: str) -> str:
    """A field's or row's label before its value: "Bill ID:" (a question keeps its mark)."""
    return text if text.rstrip()[-1:] in ("?", "؟", ":") else f"{text}:"


def _choice_labels(catalog: Catalog, field: Field, values: Sequence[str], lang: str) -> list[str]:
    labels = []
    for value in values:
        if field.type is FieldType.DISTRICT:
            district = catalog.district(value)
            labels.append(district.label.get(lang) if district else value)
        else:
            choice = field.choice(value)
            labels.append(choice.label.get(lang) if choice is not None else value)
    return labels


def answer_pieces(catalog: Catalog, field: Field, value: object, lang: str) -> list[Piece]:
    """A cleaned answer as it is read back: choices by their labels, a date in words, an amount
    in words with the currency, identifiers digit by digit in their groups."""
    if value is None or value in ([], ""):
        return normalise.text(translate(lang, Check.NOT_ANSWERED), lang)
    if field.type is FieldType.YES_NO:
        return [translate(lang, Common.YES if value else Common.NO)]
    if field.type in CHOICE_TYPES:
        values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        sep = "، " if lang == "fa" else ", "
        return normalise.text(sep.join(_choice_labels(catalog, field, values, lang)), lang)
    if field.type is FieldType.JALALI_DATE:
        try:
            return [normalise.jalali(JalaliDate.parse(str(value)), lang)]
        except ValueError:
            return normalise.text(str(value), lang)
    if field.type in (FieldType.AMOUNT, FieldType.NUMBER):
        digits = digits_only(str(value)).replace(",", "").replace("٬", "")
        if digits.isascii() and digits.lstrip("-").isdigit() and len(digits) <= 12:
            number = int(digits)
            if field.type is FieldType.AMOUNT:
                return [normalise.amount(number, lang)]
            return [normalise.number(number, lang)]
        return normalise.text(str(value), lang)
    if field.type in IDENTIFIER_TYPES:
        return normalise.identifier(str(value), field.type, lang)
    return normalise.text(str(value), lang)


def typed_value(
    catalog: Catalog, field: Field, raw: object, lang: str, *, secret: bool = False
) -> list[Utterance]:
    """What the citizen has entered so far on a question page: the choices selected, or the
    text typed (a secret field says that something is entered, never what)."""
    if field.type in CHOICE_TYPES:
        if raw is None or raw in ([], ""):
            return say(Kind.VALUE, lang, translate(lang, phrases.NOTHING_SELECTED))
        if field.type is FieldType.YES_NO:
            picked = translate(lang, Common.YES if raw in (True, "yes") else Common.NO)
        else:
            values = [str(v) for v in raw] if isinstance(raw, list) else [str(raw)]
            sep = "، " if lang == "fa" else ", "
            picked = sep.join(_choice_labels(catalog, field, values, lang))
        return say(Kind.VALUE, lang, translate(lang, phrases.SELECTED, choices=picked))
    typed = "" if raw is None else str(raw)
    if not to_ascii_digits(typed).replace("/", "").strip():
        return say(Kind.VALUE, lang, translate(lang, phrases.NOTHING_TYPED))
    if secret:
        return say(Kind.VALUE, lang, translate(lang, phrases.SECRET_ENTERED))
    intro = translate(lang, phrases.TYPED)
    value = answer_pieces(catalog, field, typed, lang)
    return [say_pieces(Kind.VALUE, lang, [intro, *value], shown=f"{intro} {typed}")]
