"""The Jalali (Solar Hijri, Persian) calendar, stdlib only.

This is the jalaali-js algorithm (Borkowski's table of breaks in the 33-year leap cycle), valid for
Jalali years -61..3177 (Gregorian 560..3798). Persian screens show dates in this calendar and
English screens in the Gregorian one.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Final

from kiosk.text import isolate_numbers, strip_isolates, to_ascii_digits, to_persian_digits

__all__ = [
    "JALALI_MONTHS_EN",
    "JALALI_MONTHS_FA",
    "MAX_JALALI_YEAR",
    "MIN_JALALI_YEAR",
    "JalaliDate",
    "format_jalali",
    "from_jalali",
    "is_leap_jalali",
    "jalali_month_length",
    "to_jalali",
]

JALALI_MONTHS_FA: Final = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
"""Persian month names, Farvardin first."""

JALALI_MONTHS_EN: Final = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)
"""English transliterations of the month names, Farvardin first."""

_BREAKS: Final = (
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210,
    1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178,
)  # fmt: skip

MIN_JALALI_YEAR: Final = _BREAKS[0]
MAX_JALALI_YEAR: Final = _BREAKS[-1] - 1


def _div(a: int, b: int) -> int:
    """Integer division truncating toward zero, like JavaScript's ``~~(a / b)``."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _mod(a: int, b: int) -> int:
    """Remainder with the sign of the dividend, matching :func:`_div`."""
    return a - _div(a, b) * b


def _check_year(jy: int) -> None:
    if not MIN_JALALI_YEAR <= jy <= MAX_JALALI_YEAR:
        raise ValueError(
            f"Jalali year {jy} is outside the supported range {MIN_JALALI_YEAR}..{MAX_JALALI_YEAR}"
        )


def _cycle(jy: int) -> tuple[int, int, int]:
    """Return ``(leap_j, jump, n)`` for ``jy``: leap years before the cycle, its length, offset."""
    _check_year(jy)
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += _div(jump, 33) * 8 + _div(_mod(jump, 33), 4)
        jp = jm
    return leap_j, jump, jy - jp


def _leap_offset(jump: int, n: int) -> int:
    """Years since the last leap year (0 means ``jy`` itself is leap), as in jalaali-js."""
    if jump - n < 6:
        n = n - jump + _div(jump + 4, 33) * 33
    leap = _mod(_mod(n + 1, 33) - 1, 4)
    return 4 if leap == -1 else leap


def _farvardin_1(jy: int) -> int:
    """Proleptic Gregorian ordinal of 1 Farvardin of ``jy`` (jalaali-js ``jalCal`` + ``j2d``)."""
    leap_j, jump, n = _cycle(jy)
    gy = jy + 621
    leap_j += _div(n, 33) * 8 + _div(_mod(n, 33) + 3, 4)
    if _mod(jump, 33) == 4 and jump - n == 4:
        leap_j += 1
    leap_g = _div(gy, 4) - _div((_div(gy, 100) + 1) * 3, 4) - 150
    march = 20 + leap_j - leap_g
    return datetime.date(gy, 3, march).toordinal()


def is_leap_jalali(jy: int) -> bool:
    """True if Jalali year ``jy`` has 366 days (Esfand has 30 days)."""
    _, jump, n = _cycle(jy)
    return _leap_offset(jump, n) == 0


def jalali_month_length(jy: int, jm: int) -> int:
    """Days in month ``jm`` (1..12) of Jalali year ``jy``: 31, 30, or 29/30 for Esfand."""
    _check_year(jy)
    if not 1 <= jm <= 12:
        raise ValueError(f"Jalali month must be in 1..12, got {jm}")
    if jm <= 6:
        return 31
    if jm <= 11:
        return 30
    return 30 if is_leap_jalali(jy) else 29


def from_jalali(jy: int, jm: int, jd: int) -> datetime.date:
    """Convert a Jalali date to a Gregorian :class:`datetime.date` (``ValueError`` if invalid)."""
    length = jalali_month_length(jy, jm)
    if not 1 <= jd <= length:
        raise ValueError(f"day must be in 1..{length} for Jalali {jy}/{jm}, got {jd}")
    day_of_year = (jm - 1) * 31 - _div(jm, 7) * (jm - 7) + jd - 1
    return datetime.date.fromordinal(_farvardin_1(jy) + day_of_year)


def to_jalali(d: datetime.date) -> tuple[int, int, int]:
    """Convert a Gregorian date to ``(year, month, day)`` in the Jalali calendar.

    A :class:`datetime.datetime` is accepted and its date part used. Raises ``ValueError`` outside
    the supported range (Jalali years -61..3177, i.e. 0560-03-20..3799-03-19).
    """
    ordinal = d.toordinal()
    # 1 Farvardin falls in March, so the Jalali year is d.year - 621 or the one before.
    jy = min(d.year - 621, MAX_JALALI_YEAR)
    k = ordinal - _farvardin_1(jy)
    if k < 0:
        jy -= 1
        k = ordinal - _farvardin_1(jy)
    if k >= (366 if is_leap_jalali(jy) else 365):
        raise ValueError(f"{d.isoformat()} is after the last supported Jalali year")
    if k <= 185:  # the first six months have 31 days
        return jy, 1 + k // 31, k % 31 + 1
    k -= 186
    return jy, 7 + k // 30, k % 30 + 1


_DATE_RE: Final = re.compile(r"([0-9]{4})\s*([/-])\s*([0-9]{1,2})\s*\2\s*([0-9]{1,2})")


@dataclass(frozen=True, order=True)
class JalaliDate:
    """A valid Jalali date; instances order chronologically. ``ValueError`` if invalid."""

    year: int
    month: int
    day: int

    def __post_init__(self) -> None:
        length = jalali_month_length(self.year, self.month)
        if not 1 <= self.day <= length:
            raise ValueError(
                f"day must be in 1..{length} for Jalali {self.year}/{self.month}, got {self.day}"
            )

    @classmethod
    def from_gregorian(cls, d: datetime.date) -> JalaliDate:
        """The Jalali date of Gregorian date ``d``."""
        return cls(*to_jalali(d))

    def to_gregorian(self) -> datetime.date:
        """The Gregorian date of this Jalali date."""
        return from_jalali(self.year, self.month, self.day)

    @classmethod
    def parse(cls, s: str) -> JalaliDate:
        """Parse ``"1403/08/15"``, ``"1403-8-15"`` or the same with Persian or Arabic-Indic digits.

        The year has four digits; month and day one or two; the two separators are the same ``/``
        or ``-``. Surrounding whitespace and bidi isolates are ignored. ``ValueError`` otherwise.
        """
        text = _as_str(s)
        match = _DATE_RE.fullmatch(strip_isolates(to_ascii_digits(text)).strip())
        if match is None:
            raise ValueError(f"not a Jalali date (expected YYYY/MM/DD): {text!r}")
        return cls(int(match[1]), int(match[3]), int(match[4]))

    def isoformat(self) -> str:
        """``"1403-08-15"``: ASCII digits, zero-padded."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.isoformat()


def _as_str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a str, not {type(value).__name__}")
    return value


def format_jalali(d: JalaliDate, lang: str) -> str:
    """Day, month name and year.

    ``"۱۵ آبان ۱۴۰۳"`` for ``lang == "fa"`` (Persian digits, each number in its own isolate, as
    every number in Persian text), ``"15 Aban 1403"`` for any other language. Wrap the result in
    :func:`kiosk.text.isolate` only when it is embedded in text of the other direction.
    """
    if lang == "fa":
        return isolate_numbers(
            to_persian_digits(f"{d.day} {JALALI_MONTHS_FA[d.month - 1]} {d.year}")
        )
    return f"{d.day} {JALALI_MONTHS_EN[d.month - 1]} {d.year}"
