"""Text prepared for speech, in Persian and English: what an engine must never see is gone.

A synthesizer reads what it is given. eSpeak NG reads «۱٬۲۵۰٬۰۰۰» as "one comma two hundred and
fifty comma zero zero zero", «۱۰:۳۰» as "ten colon thirty", an eleven-digit tracking code as
"forty-five milliard ...", ``1405/09/20`` with an English "slash", and a Latin letter in Persian
text in its English voice. So every number leaves here as words, and the rest is cleaned:

* :func:`text` prepares any text (the catalog's, the city's, the kiosk's translated messages):
  it drops bidi isolates and marks and the Persian thousands separator, reads times, dates,
  amounts, percentages and codes, spells Latin letters in Persian with their Persian names;
* the typed readers say a known value the right way: :func:`code` (digit by digit, in its
  groups, with pauses), :func:`identifier` (a catalog field's value by its type),
  :func:`amount` (rials in words), :func:`jalali` and :func:`gregorian` (dates), :func:`time`.

Digits in a group are said one by one, at most four without a pause (a listener keeps four),
longer groups in chunks (``004571`` as «صفر صفر چهار» «پنج هفت یک»).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Final

from kiosk.catalog import FieldType
from kiosk.jalali import JALALI_MONTHS_EN, JALALI_MONTHS_FA, JalaliDate
from kiosk.speech.numbers import MAX_NUMBER, cardinal, digit_words, ordinal, year
from kiosk.speech.utterance import Pause, Piece, Span, join_pieces
from kiosk.text import normalize_persian, to_ascii_digits

__all__ = [
    "CHUNK_PAUSE",
    "GROUP_PAUSE",
    "amount",
    "code",
    "gregorian",
    "identifier",
    "jalali",
    "letters",
    "number",
    "text",
    "time",
    "year",
]

GROUP_PAUSE: Final = Pause(400)  # between the groups of a code, as the dashes show them
CHUNK_PAUSE: Final = Pause(150)  # inside a group longer than four digits
MAX_CHUNK: Final = 4

GREGORIAN_MONTHS_FA: Final = (
    "ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن",
    "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر",
)  # fmt: skip
GREGORIAN_MONTHS_EN: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# The Persian names of the Latin letters, so that a Persian voice never switches to English.
_FA_LETTERS: Final = {
    "A": "اِی", "B": "بی", "C": "سی", "D": "دی", "E": "ای", "F": "اِف", "G": "جی",
    "H": "اِچ", "I": "آی", "J": "جِی", "K": "کِی", "L": "اِل", "M": "اِم", "N": "اِن",
    "O": "اُ", "P": "پی", "Q": "کیو", "R": "آر", "S": "اِس", "T": "تی", "U": "یو",
    "V": "وی", "W": "دابلیو", "X": "اِکس", "Y": "وای", "Z": "زِد",
}  # fmt: skip

_WORDS: Final = {
    "fa": {"rials": "ریال", "percent": "درصد", "point": "ممیز", "minus": "منفی", "to": "تا"},
    "en": {"rials": "rials", "percent": "percent", "point": "point", "minus": "minus", "to": "to"},
}


# -- typed readers ------------------------------------------------------------------------


def number(n: int, lang: str) -> str:
    """A whole number in words (a negative one with «منفی» / "minus")."""
    if n < 0:
        return f"{_WORDS[lang]['minus']} {cardinal(-n, lang)}"
    return cardinal(n, lang)


def amount(rials: int, lang: str) -> str:
    """An amount of money: «هفده هزار ریال», "seventeen thousand rials"."""
    return f"{number(rials, lang)} {_WORDS[lang]['rials']}"


def letters(s: str, lang: str) -> str:
    """Latin letters one by one: «آی آر» for ``IR`` in Persian, ``I R`` in English."""
    if lang == "fa":
        return " ".join(_FA_LETTERS[c] for c in s.upper() if c in _FA_LETTERS)
    return " ".join(c.upper() for c in s if c.isascii() and c.isalpha())


def _chunks(group: str) -> list[str]:
    """A group of digits in chunks of at most four, as even as can be (``004571`` -> 3 + 3)."""
    count = -(-len(group) // MAX_CHUNK)
    size, extra = divmod(len(group), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(group[start:end])
        start = end
    return out


def _group(group: str, lang: str) -> list[Piece]:
    """One group of a code: its letters by name, its digits one by one, in chunks."""
    pieces: list[Piece] = []
    for run in re.findall(r"[A-Za-z]+|\d+", group):
        if run[0].isalpha():
            pieces.append(letters(run, lang))
            continue
        for i, chunk in enumerate(_chunks(run)):
            if i:
                pieces.append(CHUNK_PAUSE)
            pieces.append(" ".join(digit_words(chunk, lang)))
    return pieces


def code(value: str | Sequence[str], lang: str) -> list[Piece]:
    """A code digit by digit, in its groups, with a pause between groups: ``"0123-004571-3"``
    (groups at dashes and spaces) or the groups themselves (``["0912", "345", "6789"]``)."""
    groups = (
        [g for g in re.split(r"[-\s]+", to_ascii_digits(value)) if g]
        if isinstance(value, str)
        else [to_ascii_digits(g) for g in value]
    )
    pieces: list[Piece] = []
    for i, group in enumerate(groups):
        if i:
            pieces.append(GROUP_PAUSE)
        pieces += _group(group, lang)
    return list(join_pieces(pieces))


def identifier(value: str, field_type: FieldType, lang: str) -> list[Piece]:
    """An identifier answer read in the groups people write it in."""
    digits = to_ascii_digits(value).replace(" ", "").replace("-", "")
    if field_type is FieldType.MOBILE and len(digits) == 11:
        return code([digits[:4], digits[4:7], digits[7:]], lang)
    if field_type is FieldType.NATIONAL_CODE and len(digits) == 10:
        return code([digits[:3], digits[3:9], digits[9:]], lang)
    if field_type is FieldType.POSTAL_CODE and len(digits) == 10:
        return code([digits[:5], digits[5:]], lang)
    if field_type is FieldType.SHEBA:
        return code([digits[i : i + 4] for i in range(0, len(digits), 4)], lang)
    if digits.isascii() and digits.isdigit():
        return code([digits], lang) if len(digits) <= MAX_CHUNK else code(_chunks(digits), lang)
    return text(value, lang)


def _day_month_year(day: int, month: str, year_: int | None, lang: str) -> str:
    if lang == "fa":
        said = f"{ordinal(day, 'fa')} {month}"
        return f"{said} {year(year_, 'fa')}" if year_ is not None else said
    said = f"the {ordinal(day, 'en')} of {month}"
    return f"{said}, {year(year_, 'en')}" if year_ is not None else said


def jalali(d: JalaliDate, lang: str) -> str:
    """«بیستم آذر هزار و چهارصد و پنج», "the twentieth of Azar, fourteen oh five"."""
    months = JALALI_MONTHS_FA if lang == "fa" else JALALI_MONTHS_EN
    return _day_month_year(d.day, months[d.month - 1], d.year, lang)


def gregorian(d: dt.date, lang: str) -> str:
    """ "the twentieth of November, twenty twenty-six", «بیستم نوامبر دو هزار و بیست و شش»."""
    months = GREGORIAN_MONTHS_FA if lang == "fa" else GREGORIAN_MONTHS_EN
    return _day_month_year(d.day, months[d.month - 1], d.year, lang)


def time(hour: int, minute: int, lang: str, *, hour_word: bool = True) -> str:
    """«ساعت ده و سی دقیقه», «ساعت ده»; "ten thirty", "ten o'clock", "ten oh five".
    ``hour_word=False`` leaves out the leading «ساعت» (the text before has it already)."""
    if lang == "fa":
        said = f"ساعت {cardinal(hour, 'fa')}" if hour_word else cardinal(hour, "fa")
        return f"{said} و {cardinal(minute, 'fa')} دقیقه" if minute else said
    if minute == 0:
        return f"{cardinal(hour, 'en')} o'clock"
    if minute < 10:
        return f"{cardinal(hour, 'en')} oh {cardinal(minute, 'en')}"
    return f"{cardinal(hour, 'en')} {cardinal(minute, 'en')}"


# -- free text ----------------------------------------------------------------------------

_MONTHS = "|".join(
    sorted(
        {*JALALI_MONTHS_FA, *JALALI_MONTHS_EN, *GREGORIAN_MONTHS_FA, *GREGORIAN_MONTHS_EN},
        key=len,
        reverse=True,
    )
)
_MONTH_NUMBER: Final = {
    name: i + 1
    for names in (JALALI_MONTHS_FA, JALALI_MONTHS_EN, GREGORIAN_MONTHS_FA, GREGORIAN_MONTHS_EN)
    for i, name in enumerate(names)
}
_TOKEN = re.compile(
    rf"""
    (?P<ymd>(?<![\d/-])\d{{4}}[/-]\d{{1,2}}[/-]\d{{1,2}}(?![\d/-]))
  | (?P<dmy>(?<![\d.])\d{{1,2}}\s(?:{_MONTHS})(?:\s\d{{4}})?(?![\d\w]))
  | (?P<time>(?<![\d:])\d{{1,2}}:\d{{2}}(?![\d:]))
  | (?P<code>(?<![\w-])\w*\d\w*(?:-\w+)+(?![\w-])|(?<![\w-])(?:[A-Za-z]+\d|\d+[A-Za-z])\w*)
  | (?P<grouped>(?<![\d,٬])\d{{1,3}}(?:[,٬]\d{{3}})+(?:[.٫]\d+)?(?![\d,٬]))
  | (?P<decimal>(?<![\d.٫])\d+[.٫]\d+(?![\d.٫]))
  | (?P<digits>\d+)
  | (?P<latin>[A-Za-z]+)
  | (?P<symbol>[/\\+*#_=|@~^<>\[\]{{}}٬])
  | (?P<newline>\n+)
    """,
    re.VERBOSE,
)
_PERCENT = re.compile(r"\s?[%٪]")
_RANGE = re.compile(r"(?<=\d)\s*[–—]\s*(?=\d)")  # 8–14: "8 to 14"
_ARABIC_LETTER = "\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\ufb50-\ufdff\ufe70-\ufefc"
_PERSIAN_RUN = re.compile(
    rf"[{_ARABIC_LETTER}]"
    rf"(?:[{_ARABIC_LETTER}\u064b-\u065f\u200c\s\d،؛؟.:«»()-]*[{_ARABIC_LETTER}\d])?"
)


def _whole(digits: str, lang: str) -> list[Piece]:
    """A run of digits in running text: a number, unless it is an identifier (a leading zero,
    or more digits than a number is read with), which is read digit by digit."""
    if (len(digits) > 1 and digits[0] == "0") or int(digits) > MAX_NUMBER or len(digits) > 7:
        return code(_chunks(digits), lang)
    if lang == "en" and len(digits) == 4 and 1300 <= int(digits) <= 2099:
        return [year(int(digits), lang)]  # "the 1405 charges": a year, as English says it
    return [cardinal(int(digits), lang)]


def _decimal(token: str, lang: str) -> str:
    whole, frac = re.split(r"[.٫]", token.replace(",", "").replace("٬", ""))
    spoken_frac = " ".join(digit_words(frac, lang))
    return f"{cardinal(int(whole), lang)} {_WORDS[lang]['point']} {spoken_frac}"


def _date_ymd(token: str, lang: str) -> list[Piece]:
    y, m, d = (int(p) for p in re.split(r"[/-]", token))
    try:
        if y < 1700:  # a Jalali year
            return [jalali(JalaliDate(y, m, d), lang)]
        return [gregorian(dt.date(y, m, d), lang)]
    except ValueError:  # not a date after all: its numbers one by one
        return code(re.split(r"[/-]", token), lang)


def _date_dmy(token: str, lang: str) -> str:
    parts = token.split()
    day = int(parts[0])
    month = " ".join(p for p in parts[1:] if not p.isdigit())
    year_ = int(parts[-1]) if parts[-1].isdigit() else None
    if not 1 <= day <= 31 or month not in _MONTH_NUMBER:
        return " ".join(cardinal(int(p), lang) if p.isdigit() else p for p in parts)
    return _day_month_year(day, month, year_, lang)


def _time(token: str, lang: str, before: str) -> list[Piece]:
    hour, minute = (int(p) for p in token.split(":"))
    if hour > 24 or minute > 59:
        return code(token.split(":"), lang)
    return [time(hour, minute, lang, hour_word=not before.rstrip().endswith("ساعت"))]


def text(s: str, lang: str) -> list[Piece]:
    """``s`` prepared for a voice of ``lang``: pieces of words and pauses.

    Bidi isolates and marks, zero-width characters (not the ZWNJ of Persian spelling) and the
    Persian thousands separator are removed; Arabic letter forms become Persian; every digit,
    in any script, becomes a word; symbols a voice would name (``/``, ``+``, ``*``) become
    spaces; a line break becomes a pause. Persian words in English text, and English words in
    Persian text, are :class:`Span` pieces for the other language's voice (a short Latin code
    in Persian is spelled with the Persian names of its letters instead).
    """
    clean = _RANGE.sub(f" {_WORDS[lang]['to']} ", to_ascii_digits(normalize_persian(s)))
    if lang == "fa":
        return list(join_pieces(_prepare(clean, lang)))
    pieces: list[Piece] = []
    at = 0
    for run in _PERSIAN_RUN.finditer(clean):
        pieces += _prepare(clean[at : run.start()], lang)
        persian = _prepare(run.group(), "fa")
        pieces += [Span(p, "fa") if isinstance(p, str) else p for p in persian]
        at = run.end()
    pieces += _prepare(clean[at:], lang)
    return list(join_pieces(pieces))


def _spoken(kind: str, token: str, lang: str, before: str) -> list[Piece]:
    """The words for one token of :data:`_TOKEN`."""
    if kind == "grouped" and not re.search(r"[.٫]", token):
        return [cardinal(int(re.sub(r"[,٬]", "", token)), lang)]
    if kind == "digits":
        return _whole(token, lang)
    if kind in ("grouped", "decimal"):
        return [_decimal(token, lang)]
    if kind == "ymd":
        return _date_ymd(token, lang)
    if kind == "dmy":
        return [_date_dmy(token, lang)]
    if kind == "time":
        return _time(token, lang, before)
    if kind == "code":
        return [GROUP_PAUSE, *code(token, lang), GROUP_PAUSE]
    if kind == "latin":
        if lang != "fa":
            return [token]
        if len(token) <= MAX_CHUNK or token.isupper():
            return [letters(token, lang)]
        return [Span(token, "en")]
    if kind == "newline":
        return [GROUP_PAUSE]
    return [" "]  # a symbol a voice would name


def _prepare(clean: str, lang: str) -> list[Piece]:
    out: list[Piece] = []
    text_so_far: list[str] = []  # the text between pauses, as one piece: "district's" stays
    at = 0
    for match in _TOKEN.finditer(clean):
        text_so_far.append(clean[at : match.start()])
        at = match.end()
        kind = match.lastgroup or ""
        spoken = _spoken(kind, match.group(), lang, clean[: match.start()])
        if kind in ("grouped", "decimal", "digits"):
            percent = _PERCENT.match(clean, at)
            if percent is not None:
                spoken.append(f" {_WORDS[lang]['percent']}")
                at = percent.end()
        for piece in spoken:
            if isinstance(piece, str):
                text_so_far.append(piece)
                continue
            out.append("".join(text_so_far))
            text_so_far = []
            out.append(piece)
    text_so_far.append(clean[at:])
    out.append("".join(text_so_far))
    return out
