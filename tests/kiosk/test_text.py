"""Tests for kiosk.text: digits, Persian letter forms, bidi isolates."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.text import (
    ARABIC_INDIC_DIGITS,
    ASCII_DIGITS,
    LRI,
    PDI,
    PERSIAN_DIGITS,
    ZWNJ,
    bare_numbers,
    digits_only,
    isolate,
    isolate_numbers,
    localize_digits,
    normalize_persian,
    strip_isolates,
    to_ascii_digits,
    to_persian_digits,
)

ALL_DIGITS = ASCII_DIGITS + PERSIAN_DIGITS + ARABIC_INDIC_DIGITS
BIDI_AND_ZERO_WIDTH = "\u061c\u200b\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\ufeff"
ISOLATES = "\u2066\u2067\u2068\u2069"

# Text that mixes the interesting scripts with arbitrary characters.
mixed_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(ALL_DIGITS + "يىكیک" + ZWNJ + BIDI_AND_ZERO_WIDTH + ISOLATES + " -"),
        st.characters(codec="utf-8"),
    )
)


def test_digit_tables() -> None:
    assert PERSIAN_DIGITS == "۰۱۲۳۴۵۶۷۸۹"
    assert ARABIC_INDIC_DIGITS == "٠١٢٣٤٥٦٧٨٩"
    for ch, value in zip(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, list(range(10)) * 2, strict=True):
        assert unicodedata.digit(ch) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("کد ۱۲۳ و ٤٥٦ and 789", "کد 123 و 456 and 789"),
        ("", ""),
        ("²³ ١٢", "²³ 12"),  # other Unicode digits are left alone
    ],
)
def test_to_ascii_digits(text: str, expected: str) -> None:
    assert to_ascii_digits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
        ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"),
        ("0123-004571-3", "۰۱۲۳-۰۰۴۵۷۱-۳"),
        ("abc", "abc"),
    ],
)
def test_to_persian_digits(text: str, expected: str) -> None:
    assert to_persian_digits(text) == expected


def test_localize_digits() -> None:
    assert localize_digits("1403 ۱۴۰۳ ١٤٠٣", "fa") == "۱۴۰۳ ۱۴۰۳ ۱۴۰۳"
    assert localize_digits("1403 ۱۴۰۳ ١٤٠٣", "en") == "1403 1403 1403"
    assert localize_digits("۱۲", "de") == "12"


@given(mixed_text)
def test_digit_conversions_round_trip(s: str) -> None:
    ascii_ = to_ascii_digits(s)
    persian = to_persian_digits(s)
    assert len(ascii_) == len(s)
    assert len(persian) == len(s)
    assert not any(c in ascii_ for c in PERSIAN_DIGITS + ARABIC_INDIC_DIGITS)
    assert not any(c in persian for c in ASCII_DIGITS + ARABIC_INDIC_DIGITS)
    assert to_ascii_digits(persian) == ascii_
    assert to_persian_digits(ascii_) == persian
    assert to_ascii_digits(ascii_) == ascii_
    for original, converted in zip(s, ascii_, strict=True):
        if original not in ALL_DIGITS:
            assert converted == original


@given(st.integers(min_value=0))
def test_persian_digits_parse_back_to_the_same_int(n: int) -> None:
    assert int(to_persian_digits(str(n))) == n  # Python's int() understands Persian digits too
    assert to_ascii_digits(to_persian_digits(str(n))) == str(n)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("موسى", "موسی"),  # alef maksura
        ("كرج", "کرج"),  # Arabic kaf
        ("مي\u200cروم", "می\u200cروم"),  # ZWNJ is kept
        ("\u200fتهران\u200e", "تهران"),  # RLM / LRM removed
        ("ک\u200bد", "کد"),  # zero width space removed
        ("\u2066123\u2069", "123"),  # isolates removed
        ("\ufeffسلام", "سلام"),  # BOM removed
        ("\u0627\u0653", "\u0622"),  # alef + madda composes (NFC)
        ("ئ", "ئ"),  # yeh with hamza is a letter of its own: untouched
        ("hello ۱۲۳", "hello ۱۲۳"),  # digits untouched
    ],
)
def test_normalize_persian(text: str, expected: str) -> None:
    assert normalize_persian(text) == expected


@given(mixed_text)
def test_normalize_persian_properties(s: str) -> None:
    out = normalize_persian(s)
    assert normalize_persian(out) == out  # idempotent
    assert unicodedata.is_normalized("NFC", out)
    assert not any(c in out for c in "\u064a\u0649\u0643")
    assert not any(c in out for c in BIDI_AND_ZERO_WIDTH + ISOLATES)
    assert out.count(ZWNJ) == s.count(ZWNJ)


def test_isolate() -> None:
    assert isolate("0123-004571-3") == "\u20660123-004571-3\u2069"
    assert LRI == "\u2066"
    assert PDI == "\u2069"
    sentence = f"کد پیگیری: {isolate('0123-004571-3')}"
    assert strip_isolates(sentence) == "کد پیگیری: 0123-004571-3"


@given(mixed_text)
def test_isolate_properties(s: str) -> None:
    wrapped = isolate(s)
    assert wrapped.startswith(LRI)
    assert wrapped.endswith(PDI)
    assert wrapped[1:-1] == s
    assert strip_isolates(wrapped) == strip_isolates(s)
    assert not any(c in strip_isolates(s) for c in ISOLATES)
    assert strip_isolates(strip_isolates(s)) == strip_isolates(s)


def marked(s: str) -> str:
    """``[`` and ``]`` written for LRI and PDI, so that the tests show where isolates are."""
    return s.replace("[", LRI).replace("]", PDI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The example: the groups of a mobile number stay in one isolate, in order.
        ("مانند ۰۹۱۲ ۳۴۵ ۶۷۸۹ وارد کنید", "مانند [۰۹۱۲ ۳۴۵ ۶۷۸۹] وارد کنید"),
        ("تا ۱۴۰۵/۰۹/۰۶.", "تا [۱۴۰۵/۰۹/۰۶]."),  # the full stop is the sentence's
        ("۱۲۰٬۰۰۰ ریال", "[۱۲۰٬۰۰۰] ریال"),
        ("کد [۰۱۲۳-۰۰۴۵۷۱-۳] و ۵", "کد [۰۱۲۳-۰۰۴۵۷۱-۳] و [۵]"),  # isolated already: kept
        ("۶ آذر ۱۴۰۵ ۱۱:۴۰", "[۶] آذر [۱۴۰۵] [۱۱:۴۰]"),  # a date and a time: two numbers
        ("مانند usb:0x04b8:0x0202 یا 1920x1080", "مانند [usb:0x04b8:0x0202] یا [1920x1080]"),
        ("عکس ۳×۴", "عکس [۳]×[۴]"),  # read right to left, as Persian writes sizes
        ("با IR شروع می‌شود", "با IR شروع می‌شود"),  # a Latin word: no number in it
        ("منطقه ۱ تا ۲۲", "منطقه [۱] تا [۲۲]"),
    ],
)
def test_isolate_numbers(text: str, expected: str) -> None:
    expected = marked(expected)
    text = marked(text)
    assert isolate_numbers(text) == expected
    assert bare_numbers(expected) == []
    assert strip_isolates(isolate_numbers(text)) == strip_isolates(text)


def test_bare_numbers() -> None:
    assert bare_numbers("مانند ۰۹۱۲ ۳۴۵ ۶۷۸۹ وارد کنید") == ["۰۹۱۲ ۳۴۵ ۶۷۸۹"]
    assert bare_numbers(marked("کد [۰۱۲۳-۰۰۴۵۷۱-۳]")) == []
    assert bare_numbers(marked("[۱۲] و 34 و ٥٦")) == ["34", "٥٦"]  # ASCII and Arabic-Indic
    assert bare_numbers(marked("[۱ [۲] ۳] ۴")) == ["۴"]  # nested isolates
    assert bare_numbers("بدون عدد") == []


@given(mixed_text)
def test_isolate_numbers_properties(s: str) -> None:
    out = isolate_numbers(s)
    assert isolate_numbers(out) == out  # idempotent
    assert strip_isolates(out) == strip_isolates(s)
    if s.count(LRI) + s.count("\u2067") + s.count("\u2068") == s.count(PDI):
        assert bare_numbers(out) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۰۹۱۲ ۳۴۵ ۶۷۸۹", "09123456789"),
        ("٠٩١٢-٣٤٥-٦٧٨٩", "09123456789"),
        ("0912\u00a0345\u2009678\u202f9", "09123456789"),  # NBSP, thin, narrow NBSP
        ("12\u200c34\u200d56", "123456"),  # ZWNJ, ZWJ
        ("1\u20102\u20113\u20124\u20135\u20146\u20157\u22128", "12345678"),  # dashes, minus
        ("۱۲ـ۳۴", "1234"),  # tatweel
        ("\u2066123\u2069\u200e\u200f\u061c", "123"),  # isolates and marks
        ("\t12\n34 ", "1234"),
        ("IR06 2960", "IR062960"),  # letters are kept for the caller to judge
        ("+98 912", "+98912"),
        ("12.5", "12.5"),
        ("", ""),
    ],
)
def test_digits_only(text: str, expected: str) -> None:
    assert digits_only(text) == expected


@given(st.lists(st.sampled_from(ALL_DIGITS + " -\u00a0\u200c\u2013\u2212\u2066\u2069\u200f")))
def test_digits_only_keeps_exactly_the_digits(chars: list[str]) -> None:
    s = "".join(chars)
    expected = "".join(to_ascii_digits(c) for c in chars if c in ALL_DIGITS)
    assert digits_only(s) == expected


@given(mixed_text)
def test_digits_only_properties(s: str) -> None:
    out = digits_only(s)
    assert digits_only(out) == out
    assert not any(c.isspace() for c in out)
    assert not any(c in out for c in PERSIAN_DIGITS + ARABIC_INDIC_DIGITS + "-\u2212" + ZWNJ)
    # Only removes: every ASCII digit survives, in order.
    assert [c for c in out if c in ASCII_DIGITS] == [
        c for c in to_ascii_digits(s) if c in ASCII_DIGITS
    ]


# -- escape_controls: text from a kiosk or a citizen, shown on an operator's terminal ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\x1b[2J\x1b]0;pwned\x07", "\\x1b[2J\\x1b]0;pwned\\x07"),  # ANSI clear, OSC title, BEL
        ("a\nb\rc\td", "a\\nb\\rc\\td"),  # a row stays one row
        ("\x00\x7f", "\\x00\\x7f"),
        ("\x9b31m", "\\x9b31m"),  # C1 CSI
        ("abc\u202edcba", "abc\\u202edcba"),  # RIGHT-TO-LEFT OVERRIDE (Trojan Source)
        ("\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"),
        ("line\u2028next\u2029", "line\\u2028next\\u2029"),
        ("\u2066open", "\\u2066open"),  # an isolate never closed would reorder the row
        ("closed\u2069 \u2067ok\u2069", "closed\\u2069 \u2067ok\u2069"),
    ],
)
def test_escape_controls_makes_controls_visible(text: str, expected: str) -> None:
    from kiosk.text import escape_controls

    assert escape_controls(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "کوچه‌ی زعفرانیه، پلاک ۷",  # Persian with ZWNJ
        isolate("0123-004571-8") + " کد پیگیری",  # the isolates the kiosk itself uses
        "\u200fمتن\u200e",  # the paragraph marks of in_paragraph
        "plain ASCII, with spaces and punctuation: ()[]{}\\/",
        "café ₹ 😀",
    ],
)
def test_escape_controls_keeps_ordinary_text(text: str) -> None:
    from kiosk.text import escape_controls

    assert escape_controls(text) == text


@given(mixed_text | st.text())
def test_escape_controls_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    from kiosk.text import escape_controls

    shown = escape_controls(text)
    for ch in shown:
        assert unicodedata.category(ch) != "Cc", repr(shown)
        assert ch not in "\u202a\u202b\u202c\u202d\u202e\u2028\u2029", repr(shown)
    opened = 0
    for ch in shown:  # the isolates left are balanced
        opened += 1 if ch in "\u2066\u2067\u2068" else -1 if ch == "\u2069" else 0
        assert opened >= 0, repr(shown)
    assert opened == 0, repr(shown)
    assert escape_controls(shown) == shown  # nothing left to escape
