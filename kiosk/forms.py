"""Answers to a service's questions: which questions show, and whether each answer is valid.

The UI checks one question per page with :func:`clean_field`; the core checks the whole form
again with :func:`clean_answers` before anything is written. Both use the same rules, so a form
the screen accepted is never refused at submit, and the CLI gets the same errors as the screen.

Cleaned answers are plain JSON values: text as a string (Persian letters normalised), numbers and
amounts as integers, yes/no as true/false, multiple choice as a list of values, dates as Jalali
``YYYY-MM-DD`` text, identifiers in their normalised ASCII form.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk import identifiers
from kiosk.catalog import Catalog, Field, FieldType, Service
from kiosk.date_rules import example_date, resolve_date_bound
from kiosk.i18n import N_, Text
from kiosk.jalali import JalaliDate
from kiosk.text import (
    _ARABIC_TO_PERSIAN_LETTERS,
    _DROP_INVISIBLE,
    digits_only,
    normalize_persian,
    to_ascii_digits,
)

Answer = str | int | bool | list[str]

YES_WORDS = frozenset({"yes", "y", "true", "1", "بله", "بلی", "آری", "آره"})
NO_WORDS = frozenset({"no", "n", "false", "0", "خیر", "نه"})

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The characters normalize_persian replaces or removes one by one (its translation tables); it
# also NFC-normalises. Text with none of them that is NFC already comes back unchanged.
_PERSIAN_CHANGES = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c in sorted({*_DROP_INVISIBLE, *_ARABIC_TO_PERSIAN_LETTERS}))
    + "]"
)

REQUIRED_MESSAGES: Mapping[FieldType, str] = {
    FieldType.TEXT: N_("Enter an answer"),
    FieldType.LONG_TEXT: N_("Enter an answer"),
    FieldType.NUMBER: N_("Enter a number"),
    FieldType.AMOUNT: N_("Enter an amount in rials"),
    FieldType.SINGLE_CHOICE: N_("Select an answer"),
    FieldType.MULTI_CHOICE: N_("Select at least one option"),
    FieldType.YES_NO: N_("Select yes or no"),
    FieldType.JALALI_DATE: N_("Enter a date"),
    FieldType.NATIONAL_CODE: N_("Enter a national code"),
    FieldType.MOBILE: N_("Enter a mobile number"),
    FieldType.POSTAL_CODE: N_("Enter a postal code"),
    FieldType.BILL_ID: N_("Enter the bill ID"),
    FieldType.PAYMENT_ID: N_("Enter the payment ID"),
    FieldType.SHEBA: N_("Enter a Sheba number"),
    FieldType.DISTRICT: N_("Select your district"),
}

_IDENTIFIER_MESSAGES: Mapping[tuple[str, str], str] = {
    ("national_code", "length"): N_("A national code has 10 digits"),
    ("national_code", "checksum"): N_("Check the national code: these digits are not a real code"),
    ("national_code", "repeated_digits"): N_(
        "Check the national code: these digits are not a real code"
    ),
    ("mobile", "length"): N_("Enter a mobile number like 0912 345 6789"),
    ("mobile", "prefix"): N_("Check the first digits: this is not an Iranian mobile number"),
    ("postal_code", "length"): N_("A postal code has 10 digits"),
    ("sheba", "country"): N_("A Sheba number starts with IR"),
    ("sheba", "length"): N_("A Sheba number is IR followed by 24 digits"),
    ("sheba", "checksum"): N_("Check the Sheba number: these digits are not a real account"),
    ("bill_id", "length"): N_("A bill ID has 6 to 13 digits"),
    ("bill_id", "checksum"): N_("Check the bill ID: these digits are not a real bill ID"),
    ("bill_id", "service_type"): N_("Check the bill ID: these digits are not a real bill ID"),
    ("payment_id", "length"): N_("A payment ID has 6 to 13 digits"),
    ("payment_id", "checksum"): N_("Check the payment ID: it does not match this bill ID"),
    ("payment_id", "amount"): N_("Check the payment ID: it does not match this bill ID"),
}


@dataclass(frozen=True)
class FieldError(Exception):
    """An answer that cannot be accepted, with words for the citizen in both languages."""

    key: str
    code: str
    message: Text = field(compare=False)

    def render(self, lang: str) -> str:
        return self.message.render(lang)

    @property
    def messages(self) -> dict[str, str]:
        return self.message.all_languages()

    def __str__(self) -> str:
        return f"{self.key}: {self.render('en')}"


class ValidationFailed(ValueError):
    """One or more answers are not valid; nothing was written."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def _error(f: Field, code: str, msgid: str, **params: object) -> FieldError:
    return FieldError(f.key, code, Text(msgid, params))


def is_blank(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple):
        return not [v for v in raw if not is_blank(v)]
    return False


def visible_fields(service: Service, answers: Mapping[str, object]) -> list[Field]:
    """The questions to ask, given the (cleaned) answers so far, in page order."""
    shown: list[Field] = []
    shown_keys: set[str] = set()
    for f in service.fields:
        cond = f.visible_when
        if cond is not None:
            if cond.field not in shown_keys:
                continue
            if not cond.holds(answers):
                continue
        shown.append(f)
        shown_keys.add(f.key)
    return shown


def clean_field(
    catalog: Catalog,
    service: Service,
    f: Field,
    raw: object,
    *,
    today: dt.date | None = None,
    context: Mapping[str, Any] | None = None,
) -> Answer | None:
    """The cleaned answer to one question (``None`` when left empty and optional).

    ``context`` holds the other cleaned answers (a payment ID is checked against the bill ID).
    Raises :class:`FieldError`.
    """
    return _clean_value(catalog, service, f, raw, today, context)


def _clean_value(
    catalog: Catalog,
    service: Service,
    f: Field,
    raw: object,
    today: dt.date | None,
    context: Mapping[str, Any] | None,
) -> Answer | None:
    # A string is the common answer: skip is_blank's general case for it.
    if not raw.strip() if type(raw) is str else is_blank(raw):
        if f.required:
            raise _error(f, "required", REQUIRED_MESSAGES[f.type])
        return None
    if f.type is FieldType.PAYMENT_ID:
        bill_field = service.bill_field
        bill_id = (context or {}).get(bill_field.key) if bill_field is not None else None
        return _clean_payment(f, raw, bill_id if isinstance(bill_id, str) else None)
    cleaner = _CLEANERS[f.type]
    return cleaner(catalog, f, raw, today or dt.date.today())


def clean_answers(
    catalog: Catalog,
    service: Service,
    raw_answers: Mapping[str, object],
    *,
    today: dt.date | None = None,
) -> dict[str, Answer]:
    """All answers of a form, cleaned; raises :class:`ValidationFailed` with every error.

    Answers to questions that are not shown (their condition does not hold) are dropped.
    """
    today = today or dt.date.today()
    errors: list[FieldError] = []
    for key in raw_answers:
        if not service.has_field(key):
            errors.append(
                FieldError(
                    key, "unknown_field", Text(N_("This question is not part of this service"))
                )
            )
    cleaned: dict[str, Answer] = {}
    shown_keys: set[str] = set()
    get = raw_answers.get
    for f in service.fields:
        cond = f.visible_when
        if cond is not None and (cond.field not in shown_keys or not cond.holds(cleaned)):
            continue
        key = f.key
        shown_keys.add(key)
        try:
            value = _clean_value(catalog, service, f, get(key), today, cleaned)
        except FieldError as exc:
            errors.append(exc)
            continue
        if value is not None:
            cleaned[key] = value
    if errors:
        raise ValidationFailed(errors)
    return cleaned


# --------------------------------------------------------------------------------------------
# One cleaner per field type


def _as_text(f: Field, raw: object) -> str:
    if type(raw) is str:  # the common case, and str() of a str is itself
        return raw
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise _error(f, "invalid", N_("Enter an answer"))
    return str(raw)


def normalized(text: str) -> str:
    """:func:`kiosk.text.normalize_persian` of ``text``, skipping its work (two translations and
    two NFC passes) when there is nothing to change, as for most answers."""
    if unicodedata.is_normalized("NFC", text) and not _PERSIAN_CHANGES.search(text):
        return text
    return normalize_persian(text)


def _clean_text(catalog: Catalog, f: Field, raw: object, today: dt.date) -> Answer:
    text = normalized(_as_text(f, raw)).strip()
    text = _CONTROL.sub("", text)
    if f.type is FieldType.TEXT:
        text = " ".join(text.split())
    else:
        text = "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
    if f.min_length is not None and len(text) < f.min_length:
        raise _error(f, "too_short", N_("Enter at least {min} characters"), min=f.min_length)
    if f.max_length is not None and len(text) > f.max_length:
        raise _error(f, "too_long", N_("Enter {max} characters or fewer"), max=f.max_length)
    if not text:
        raise _error(f, "required", REQUIRED_MESSAGES[f.type])
    return text


def _clean_number(catalog: Catalog, f: Field, raw: object, today: dt.date) -> Answer:
    if isinstance(raw, bool):
        raise _error(f, "not_a_number", N_("Enter a whole number, using digits only"))
    if isinstance(raw, int):
        value = raw
    else:
        digits = to_ascii_digits(_as_text(f, raw)).strip()
        for sep in (",", "٬", "،", " ", "\u200c", "_"):
            digits = digits.replace(sep, "")
        if not re.fullmatch(r"-?\d{1,18}", digits):
            raise _error(f, "not_a_number", N_("Enter a whole number, using digits only"))
        value = int(digits)
    if f.min_value is not None and value < f.min_value:
        raise _error(f, "too_small", N_("Enter a number of at least {min}"), min=f.min_value)
    if f.max_value is not None and value > f.max_value:
        raise _error(f, "too_large", N_("Enter a number no larger than {max}"), max=f.max_value)
    if f.type is FieldType.AMOUNT and value < 0:
        raise _error(f, "too_small", N_("Enter a number of at least {min}"), min=0)
    return value


def _clean_single(catalog: Catalog, f: Field, raw: object, today: dt.date) -> Answer:
    value = to_ascii_digits(_as_text(f, raw)).strip()
    valid = catalog.district_values if f.type is FieldType.DISTRICT else f.choice_values
    if value not in valid:
        raise _error(f, "invalid_choice", N_("Select one of the options shown"))
    return value


def _clean_multi(catalog: Catalog, f: Field, raw: object, today: dt.date) -> Answer:
    if isinstance(raw, str):
        items = [v.strip() for v in raw.split(",")]
    elif isinstance(raw, list | tuple | set | frozenset):
        items = [str(v).strip() for v in raw]
    else:
        raise _error(f, "invalid_choice", N_("Select one of the options shown"))
    chosen: list[str] = []
    valid = f.choice_values
    for item in items:
        if not item:
            continue
        if item not in valid:
            raise _error(f, "invalid_choice", N_("Select one of the options shown"))
        if item not in chosen:
            chosen.append(item)
    chosen.sort(key=f.choice_order.__getitem__)
    if not chosen and f.required:
        raise _error(f, "required", REQUIRED_MESSAGES[f.type])
    if f.min_choices is not None and len(chosen) < f.min_choices:
        raise _error(f, "too_few_choices", N_("Select at least {min} options"), min=f.min_choices)
    if f.max_choices is not None and len(chosen) > f.max_choices:
        raise _error(
            f, "too_many_choices", N_("Select no more than {max} options"), max=f.max_choices
        )
    return chosen


def _clean_yes_no(catalog: Catalog, f: Field, raw: object, today: dt.date) -> Answer:
    if isinstance(raw, bool):
        return raw
    word = normalized(to_ascii_digits(str(raw))).strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise _error(f, "invalid_choice", N_("Select yes or no"))


def _clean_date(catalog: Catalog, f: Field, raw: object, today: dt.date) -> Answer:
    try:
        value = JalaliDate.parse(_as_text(f, raw))
    except ValueError:
        example = example_date(f, today).isoformat().replace("-", "/")
        raise _error(
            f, "invalid_date", N_("Enter a real date, for example {example}"), example=example
        ) from None
    if f.min_date is not None:
        lo = resolve_date_bound(f.min_date, today)
        if value < lo:
            raise _error(
                f,
                "date_too_early",
                N_("Enter a date on or after {date}"),
                date=lo.isoformat().replace("-", "/"),
            )
    if f.max_date is not None:
        hi = resolve_date_bound(f.max_date, today)
        if value > hi:
            raise _error(
                f,
                "date_too_late",
                N_("Enter a date on or before {date}"),
                date=hi.isoformat().replace("-", "/"),
            )
    return value.isoformat()


def _identifier_error(f: Field, exc: identifiers.InvalidIdentifier) -> FieldError:
    if exc.reason == "not_digits":
        return _error(f, "not_digits", N_("Use digits only"))
    msgid = _IDENTIFIER_MESSAGES.get((exc.kind, exc.reason))
    if msgid is None:
        msgid = _IDENTIFIER_MESSAGES.get((exc.kind, "checksum"), N_("Check this number"))
    return _error(f, f"{exc.kind}_{exc.reason}", msgid)


def _clean_identifier(catalog: Catalog, f: Field, raw: object, today: dt.date) -> Answer:
    value = _as_text(f, raw)
    try:
        if f.type is FieldType.NATIONAL_CODE:
            return identifiers.national_code(value)
        if f.type is FieldType.MOBILE:
            return identifiers.mobile(value)
        if f.type is FieldType.POSTAL_CODE:
            return identifiers.postal_code(value)
        if f.type is FieldType.SHEBA:
            return identifiers.sheba(value)
        return identifiers.bill(value).bill_id
    except identifiers.InvalidIdentifier as exc:
        raise _identifier_error(f, exc) from None


def _clean_payment(f: Field, raw: object, bill_id: str | None) -> Answer:
    """A payment ID is checked against its bill ID (its second check digit covers both)."""
    value = _as_text(f, raw)
    if bill_id is None:
        digits = digits_only(value).lstrip("0")
        if not digits.isdigit():
            raise _error(f, "not_digits", N_("Use digits only"))
        if not 6 <= len(digits) <= 13:
            raise _error(f, "payment_id_length", _IDENTIFIER_MESSAGES[("payment_id", "length")])
        return digits
    try:
        bill = identifiers.bill(bill_id, value)
    except identifiers.InvalidIdentifier as exc:
        raise _identifier_error(f, exc) from None
    assert bill.payment_id is not None
    return bill.payment_id


_CLEANERS: Mapping[FieldType, Callable[[Catalog, Field, object, dt.date], Answer]] = {
    FieldType.TEXT: _clean_text,
    FieldType.LONG_TEXT: _clean_text,
    FieldType.NUMBER: _clean_number,
    FieldType.AMOUNT: _clean_number,
    FieldType.SINGLE_CHOICE: _clean_single,
    FieldType.DISTRICT: _clean_single,
    FieldType.MULTI_CHOICE: _clean_multi,
    FieldType.YES_NO: _clean_yes_no,
    FieldType.JALALI_DATE: _clean_date,
    FieldType.NATIONAL_CODE: _clean_identifier,
    FieldType.MOBILE: _clean_identifier,
    FieldType.POSTAL_CODE: _clean_identifier,
    FieldType.SHEBA: _clean_identifier,
    FieldType.BILL_ID: _clean_identifier,
}
