"""Money as the kiosk shows and says it: whole rials, in digits and in words, Persian and English.

Amounts are ``int`` rials everywhere (a bill's amount is ``kiosk.identifiers.Bill.amount_rials``,
a payment's ``amount_rials``): never a float, never tomans. This module only turns an amount
into text:

* :func:`format_rials` groups the digits by three: Persian digits with the Persian thousands
  separator «٬» (U+066C), isolated (U+2066 ... U+2069) so that a right-to-left sentence keeps
  the number whole; ASCII digits with commas in English;
* :func:`rials_in_words` writes the number in words («یک میلیون و دویست و پنجاه هزار»,
  "one million two hundred fifty thousand"), for the confirmation of an amount and for speech.

Pure functions of the standard library, so the screens, the receipts, the CLI and the speech
layer all use the same ones.
"""

from __future__ import annotations

from typing import Final

from kiosk.text import isolate, to_persian_digits

__all__ = ["MAX_WORDS_AMOUNT", "format_rials", "rials_in_words"]

PERSIAN_THOUSANDS_SEPARATOR: Final = "\u066c"  # «٬» ARABIC THOUSANDS SEPARATOR

MAX_WORDS_AMOUNT: Final = 10**15 - 1
"""The largest amount :func:`rials_in_words` writes (999 trillion rials, far past any bill)."""

_FA_ONES: Final = ("", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه")
_FA_TEENS: Final = (
    "ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده",
)  # fmt: skip
_FA_TENS: Final = ("", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_FA_HUNDREDS: Final = (
    "", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد",
)  # fmt: skip
_FA_SCALES: Final = ("", "هزار", "میلیون", "میلیارد", "تریلیون")

_EN_ONES: Final = (
    "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_EN_TENS: Final = (
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)  # fmt: skip
_EN_SCALES: Final = ("", "thousand", "million", "billion", "trillion")


def _check(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"an amount is a whole number of rials (int), not {type(amount).__name__}")
    if amount < 0:
        raise ValueError(f"an amount is never negative, got {amount}")
    return amount


def format_rials(amount: int, lang: str, *, isolated: bool = True) -> str:
    """``amount`` grouped by three in the digits of ``lang``: «۱۷٬۰۰۰» (isolated, unless
    ``isolated=False``, for a caller that isolates a longer phrase) or ``17,000``."""
    grouped = f"{_check(amount):,}"
    if lang != "fa":
        return grouped
    persian = to_persian_digits(grouped).replace(",", PERSIAN_THOUSANDS_SEPARATOR)
    return isolate(persian) if isolated else persian


def _fa_group(n: int) -> list[str]:
    """The words of 1..999, to be joined with « و »."""
    parts = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        parts.append(_FA_HUNDREDS[hundreds])
    if 10 <= rest < 20:
        parts.append(_FA_TEENS[rest - 10])
    else:
        tens, ones = divmod(rest, 10)
        if tens:
            parts.append(_FA_TENS[tens])
        if ones:
            parts.append(_FA_ONES[ones])
    return parts


def _en_group(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append(f"{_EN_ONES[hundreds]} hundred")
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_EN_ONES[rest])
    return " ".join(words)


def _groups(amount: int) -> list[tuple[int, int]]:
    """(scale index, 1..999) from the largest group down, zero groups left out."""
    groups = []
    scale = 0
    while amount:
        amount, group = divmod(amount, 1000)
        if group:
            groups.append((scale, group))
        scale += 1
    return groups[::-1]


def rials_in_words(amount: int, lang: str) -> str:
    """``amount`` in words, without the unit: «هفده هزار», "seventeen thousand".

    Persian joins every part with « و » and says «هزار» for one thousand, as Iranian bills
    and cheques write it («یک میلیون و دویست و پنجاه هزار»). Up to :data:`MAX_WORDS_AMOUNT`.
    """
    _check(amount)
    if amount > MAX_WORDS_AMOUNT:
        raise ValueError(f"{amount} is past the largest amount written in words")
    if amount == 0:
        return "صفر" if lang == "fa" else "zero"
    if lang == "fa":
        parts = []
        for scale, group in _groups(amount):
            if scale == 1 and group == 1:
                parts.append(_FA_SCALES[1])  # «هزار», not «یک هزار»
                continue
            words = " و ".join(_fa_group(group))
            parts.append(f"{words} {_FA_SCALES[scale]}".strip())
        return " و ".join(parts)
    return " ".join(
        f"{_en_group(group)} {_EN_SCALES[scale]}".strip() for scale, group in _groups(amount)
    )
