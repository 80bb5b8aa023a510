"""Numbers as words, in Persian and English: cardinals, ordinals and years, for speech.

Written here rather than taken from a library: ``num2words`` (LGPL, 1.3 MB for 60 languages,
untyped, with an unmaintained dependency for its command line) reads Persian cardinals
correctly, but gives the ordinal of «سی» as «سیم» (it is «سی‌ام») and its Persian currency is
the toman, not the rial; Babel has no spelled-out number rules. What speech needs is small:
whole numbers, their ordinals (the day of a date) and years, in two languages.

Persian joins every group with «و» (``۱۲۵۰۰۰۰`` is «یک میلیون و دویست و پنجاه هزار»), says
«هزار», never «یک هزار», for 1000 alone, and uses the short scale (میلیون, میلیارد). Nine is
written «نُه», as careful Persian writes it where «نه» ("no") could be read: eSpeak NG reads
«نه» alone as "na", so a 9 in a code would be heard as "no".
"""

from __future__ import annotations

from typing import Final

__all__ = ["FA_NUMBER_WORDS", "MAX_NUMBER", "cardinal", "digit_words", "ordinal", "year"]

MAX_NUMBER: Final = 10**12 - 1
"""The largest number read as a number, 999 milliard (a larger one is read digit by digit)."""

_FA_ONES: Final = (
    "صفر", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نُه",
    "ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده",
)  # fmt: skip
_FA_TENS: Final = ("", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_FA_HUNDREDS: Final = (
    "", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد",
)  # fmt: skip
_FA_SCALES: Final = ("", "هزار", "میلیون", "میلیارد")

FA_NUMBER_WORDS: Final = frozenset({*_FA_ONES, *_FA_TENS, *_FA_HUNDREDS, *_FA_SCALES} - {""})
"""The words Persian numbers are made of."""

_EN_ONES: Final = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)  # fmt: skip
_EN_TENS: Final = (
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)  # fmt: skip
_EN_SCALES: Final = ("", "thousand", "million", "billion")
_EN_ORDINAL_WORDS: Final = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


def _check(n: int) -> None:
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"{n} is outside 0..{MAX_NUMBER}")


def _groups(n: int) -> list[int]:
    """``n`` in groups of three digits, the lowest first."""
    groups = []
    while True:
        n, low = divmod(n, 1000)
        groups.append(low)
        if n == 0:
            return groups


def _fa_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [_FA_HUNDREDS[hundreds]] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_FA_TENS[tens])
        if ones:
            words.append(_FA_ONES[ones])
    elif rest:
        words.append(_FA_ONES[rest])
    return " و ".join(words)


def _fa_cardinal(n: int) -> str:
    if n == 0:
        return _FA_ONES[0]
    parts = []
    for scale, group in reversed(list(enumerate(_groups(n)))):
        if group == 0:
            continue
        if scale == 0:
            parts.append(_fa_below_1000(group))
        elif scale == 1 and group == 1:
            parts.append("هزار")  # «هزار», never «یک هزار»
        else:
            parts.append(f"{_fa_below_1000(group)} {_FA_SCALES[scale]}")
    return " و ".join(parts)


def _en_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append(f"{_EN_ONES[hundreds]} hundred")
    if rest:
        if rest < 20:
            tail = _EN_ONES[rest]
        else:
            tens, ones = divmod(rest, 10)
            tail = _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")
        words.append(tail)
    return " and ".join(words)


def _en_cardinal(n: int) -> str:
    if n == 0:
        return _EN_ONES[0]
    groups = _groups(n)
    parts = []
    for scale, group in reversed(list(enumerate(groups))):
        if group == 0:
            continue
        words = _en_below_1000(group)
        parts.append(f"{words} {_EN_SCALES[scale]}" if scale else words)
    if len(parts) > 1 and groups[0] and groups[0] < 100:
        # "one thousand and five", "two million and twenty" (British usage, as in "and")
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return ", ".join(parts)


def cardinal(n: int, lang: str) -> str:
    """``n`` in words: ``cardinal(1250000, "fa")`` is «یک میلیون و دویست و پنجاه هزار»,
    ``cardinal(1250000, "en")`` is "one million, two hundred and fifty thousand"."""
    _check(n)
    return _fa_cardinal(n) if lang == "fa" else _en_cardinal(n)


def ordinal(n: int, lang: str) -> str:
    """The ordinal of ``n`` >= 1: «بیستم», «سی‌ام», «بیست و سوم»; "twentieth", "twenty-third"."""
    if n < 1:
        raise ValueError(f"no ordinal for {n}")
    words = cardinal(n, lang)
    if lang == "fa":
        if words.endswith("سه"):
            return words[:-2] + "سوم"
        if words.endswith("ی"):
            return words + "\u200cام"  # سی‌ام: the ordinal of a word ending in ی
        return words + "م"
    head, sep, last = words.rpartition("-" if "-" in words.split(" ")[-1] else " ")
    if last in _EN_ORDINAL_WORDS:
        last = _EN_ORDINAL_WORDS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + last


def year(n: int, lang: str) -> str:
    """A year as people say it: «هزار و چهارصد و پنج»; "fourteen oh five", "twenty
    twenty-six", "two thousand and five", "nineteen hundred"."""
    _check(n)
    if lang == "fa" or not 1100 <= n <= 9999 or 2000 <= n <= 2009:
        return cardinal(n, lang)
    high, low = divmod(n, 100)
    if low == 0:
        return f"{cardinal(high, 'en')} hundred"
    if low < 10:
        return f"{cardinal(high, 'en')} oh {cardinal(low, 'en')}"
    return f"{cardinal(high, 'en')} {cardinal(low, 'en')}"


def digit_words(digits: str, lang: str) -> list[str]:
    """Each ASCII digit of ``digits`` as a word: ``"012"`` -> «صفر», «یک», «دو»."""
    words = _FA_ONES if lang == "fa" else _EN_ONES
    return [words[int(d)] for d in digits]
