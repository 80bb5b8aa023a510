"""The normaliser's table: what a voice is given for each kind of text, in Persian and English.

Each row was read for sense by a native Persian reader: «و» between every group, «هزار» alone for
1000, the day of a date as an ordinal («بیستم آذر»), times with «ساعت ... دقیقه», codes digit by
digit in their groups (`` | `` is a pause).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.catalog import FieldType
from kiosk.jalali import JalaliDate
from kiosk.speech import normalise
from kiosk.speech.numbers import cardinal, ordinal, year
from kiosk.speech.utterance import Kind, Pause, Span, Utterance

LRI, PDI = "\u2066", "\u2069"


def said(text: str, lang: str) -> str:
    return Utterance.of(Kind.VALUE, lang, normalise.text(text, lang)).text


TABLE = [
    # numbers, Persian
    ("fa", "۰", "صفر"),
    ("fa", "۷", "هفت"),
    ("fa", "۱۱", "یازده"),
    ("fa", "۲۱", "بیست و یک"),
    ("fa", "۱۰۰", "صد"),
    ("fa", "۱۰۱", "صد و یک"),
    ("fa", "۲۰۰ نفر", "دویست نفر"),
    ("fa", "۹۹۹", "نهصد و نود و نُه"),
    ("fa", "۱۰۰۰", "هزار"),
    ("fa", "۱۰۰۱", "هزار و یک"),
    ("fa", "۱۴۰۵", "هزار و چهارصد و پنج"),
    ("fa", "۲۰۲۶", "دو هزار و بیست و شش"),
    ("fa", "۱۷۰۰۰", "هفده هزار"),
    ("fa", "۱۲۰۰۰۰", "صد و بیست هزار"),
    ("fa", "۱۲۵۰۰۰۰", "یک میلیون و دویست و پنجاه هزار"),
    # the Persian thousands separator and bidi isolates never reach the voice
    ("fa", f"{LRI}۱٬۲۵۰٬۰۰۰{PDI} ریال", "یک میلیون و دویست و پنجاه هزار ریال"),
    ("fa", "۲٬۰۰۰٬۰۰۰٬۰۰۰", "دو میلیارد"),
    ("fa", "مبلغ ۱,۵۰۰ ریال", "مبلغ هزار و پانصد ریال"),
    ("fa", "۳٫۵ کیلو", "سه ممیز پنج کیلو"),
    ("fa", "۵۰٪ تخفیف", "پنجاه درصد تخفیف"),
    ("fa", "١٢ عدد", "دوازده عدد"),  # Arabic-Indic digits
    # Arabic letter forms become Persian
    ("fa", "كيوسك", "کیوسک"),
    # times
    ("fa", "۱۰:۳۰", "ساعت ده و سی دقیقه"),
    ("fa", "ساعت ۱۰:۳۰", "ساعت ده و سی دقیقه"),
    ("fa", "۰۸:۰۰", "ساعت هشت"),
    ("fa", "۱۴:۰۵", "ساعت چهارده و پنج دقیقه"),
    ("fa", "۸–۱۴", "هشت تا چهارده"),
    # dates
    ("fa", "۱۴۰۵/۰۹/۲۰", "بیستم آذر هزار و چهارصد و پنج"),
    ("fa", f"{LRI}۱{PDI} فروردین {LRI}۱۴۰۵{PDI}", "یکم فروردین هزار و چهارصد و پنج"),
    ("fa", "۳ خرداد", "سوم خرداد"),
    ("fa", "۳۰ شهریور ۱۴۰۴", "سی‌ام شهریور هزار و چهارصد و چهار"),
    ("fa", "۲۳ بهمن", "بیست و سوم بهمن"),
    ("fa", "۲۷ نوامبر ۲۰۲۶", "بیست و هفتم نوامبر دو هزار و بیست و شش"),
    ("fa", "۲۰۲۶-۱۱-۲۷", "بیست و هفتم نوامبر دو هزار و بیست و شش"),
    # codes: digit by digit, in their groups, no group longer than four digits
    ("fa", "۰۱۲۳-۰۰۴۵۷۱-۳", "صفر یک دو سه | صفر صفر چهار | پنج هفت یک | سه"),
    ("fa", "کد ۰۱۲۳-۰۰۴۵۷۱-۳", "کد | صفر یک دو سه | صفر صفر چهار | پنج هفت یک | سه"),
    ("fa", "۴۵۶۷۸۹۱۲۳۴۵", "چهار پنج شش هفت | هشت نُه یک دو | سه چهار پنج"),
    ("fa", "۰۹۱۲", "صفر نُه یک دو"),
    # Latin letters: spelled with their Persian names; a longer English word keeps its voice
    ("fa", "نوبت A023", "نوبت | اِی صفر دو سه"),
    ("fa", "کد QR را", "کد کیو آر را"),
    ("fa", "شبا IR", "شبا آی آر"),
    ("fa", "قلم Vazirmatn", "قلم Vazirmatn"),
    # symbols a voice names
    ("fa", "الف/ب", "الف ب"),
    ("fa", "سطر یک\nسطر دو", "سطر یک | سطر دو"),
    # numbers, English
    ("en", "0", "zero"),
    ("en", "21", "twenty-one"),
    ("en", "101", "one hundred and one"),
    ("en", "1,250,000 rials", "one million, two hundred and fifty thousand rials"),
    ("en", "17,000", "seventeen thousand"),
    ("en", "1,001", "one thousand and one"),
    ("en", "3.5 km", "three point five km"),
    ("en", "50%", "fifty percent"),
    ("en", "the 1405 charges", "the fourteen oh five charges"),
    ("en", "in 2026", "in twenty twenty-six"),
    ("en", "in 2005", "in two thousand and five"),
    ("en", "question 6 of 9", "question six of nine"),
    # English times and dates
    ("en", "at 10:30", "at ten thirty"),
    ("en", "10:00", "ten o'clock"),
    ("en", "11:05", "eleven oh five"),
    ("en", "8:00–14:00", "eight o'clock to fourteen o'clock"),
    ("en", "27 November 2026", "the twenty-seventh of November, twenty twenty-six"),
    ("en", "1 Farvardin 1405", "the first of Farvardin, fourteen oh five"),
    ("en", "2026-11-02", "the second of November, twenty twenty-six"),
    ("en", "1405/09/20", "the twentieth of Azar, fourteen oh five"),
    # English codes
    ("en", "0123-004571-3", "zero one two three | zero zero four | five seven one | three"),
    (
        "en",
        "like 0123-004571-3",
        "like | zero one two three | zero zero four | five seven one | three",
    ),
    ("en", "the receipt's QR code", "the receipt's QR code"),
    ("en", "5 a.m.", "five a.m."),
]


@pytest.mark.parametrize(("lang", "text", "expected"), TABLE)
def test_table(lang: str, text: str, expected: str) -> None:
    assert said(text, lang) == expected


def test_the_table_is_large_and_covers_both_languages() -> None:
    assert len(TABLE) >= 60
    assert {lang for lang, _t, _e in TABLE} == {"fa", "en"}


def test_persian_words_in_english_speech_are_said_by_the_persian_voice() -> None:
    pieces = normalise.text("Where: خیابان کارگر ۱۲، پلاک ۳", "en")
    assert pieces == ["Where:", Span("خیابان کارگر دوازده، پلاک سه", "fa")]
    ssml = Utterance.of(Kind.VALUE, "en", pieces).ssml()
    assert '<voice xml:lang="fa">خیابان کارگر دوازده، پلاک سه</voice>' in ssml


IDENTIFIERS = [
    ("09123456789", FieldType.MOBILE, "fa", "صفر نُه یک دو | سه چهار پنج | شش هفت هشت نُه"),
    ("۰۹۱۲۳۴۵۶۷۸۹", FieldType.MOBILE, "en",
     "zero nine one two | three four five | six seven eight nine"),
    ("0499370899", FieldType.NATIONAL_CODE, "fa", "صفر چهار نُه | نُه سه هفت | صفر هشت نُه | نُه"),
    ("1234567890", FieldType.POSTAL_CODE, "en",
     "one two three | four five | six seven eight | nine zero"),
    ("7748317800142", FieldType.BILL_ID, "en",
     "seven seven four eight | three one seven | eight zero zero | one four two"),
    ("1770160", FieldType.PAYMENT_ID, "fa", "یک هفت هفت صفر | یک شش صفر"),
    ("IR062960000000100324200001", FieldType.SHEBA, "fa",
     "آی آر صفر شش | دو نُه شش صفر | صفر صفر صفر صفر | صفر صفر یک صفر | صفر سه دو چهار"
     " | دو صفر صفر صفر | صفر یک"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "field_type", "lang", "expected"), IDENTIFIERS)
def test_identifiers_in_their_groups(
    value: str, field_type: FieldType, lang: str, expected: str
) -> None:
    pieces = normalise.identifier(value, field_type, lang)
    assert Utterance.of(Kind.VALUE, lang, pieces).text == expected


def test_typed_readers() -> None:
    assert normalise.amount(17_000, "fa") == "هفده هزار ریال"
    assert normalise.amount(1_250_000, "en") == "one million, two hundred and fifty thousand rials"
    assert normalise.jalali(JalaliDate(1405, 9, 20), "fa") == "بیستم آذر هزار و چهارصد و پنج"
    assert (
        normalise.gregorian(dt.date(2026, 12, 1), "en")
        == "the first of December, twenty twenty-six"
    )
    assert normalise.time(10, 30, "fa") == "ساعت ده و سی دقیقه"
    assert normalise.time(9, 0, "en") == "nine o'clock"
    assert normalise.number(-5, "fa") == "منفی پنج"


def test_ordinals_and_years() -> None:
    assert [ordinal(n, "fa") for n in (1, 2, 3, 13, 23, 30, 31)] == [
        "یکم", "دوم", "سوم", "سیزدهم", "بیست و سوم", "سی‌ام", "سی و یکم",
    ]  # fmt: skip
    assert [ordinal(n, "en") for n in (1, 2, 3, 12, 20, 22, 30)] == [
        "first", "second", "third", "twelfth", "twentieth", "twenty-second", "thirtieth",
    ]  # fmt: skip
    assert year(1900, "en") == "nineteen hundred"
    assert year(2010, "en") == "twenty ten"
    assert cardinal(999_999_999_999, "fa").startswith("نهصد و نود و نُه میلیارد و")
    with pytest.raises(ValueError, match="outside"):
        cardinal(10**12, "fa")


def test_a_number_too_long_to_say_is_read_digit_by_digit() -> None:
    assert said("12345678901234", "en").count("|") == 3  # four groups


def test_a_code_is_never_longer_than_four_digits_between_pauses() -> None:
    pieces = normalise.code("0123-0045712345-3", "fa")
    for piece in pieces:
        if isinstance(piece, str):
            assert len(piece.split()) <= 4
        else:
            assert isinstance(piece, Pause)
