"""Tests for kiosk.jalali: the Jalali calendar (jalaali-js algorithm)."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.jalali import (
    JALALI_MONTHS_EN,
    JALALI_MONTHS_FA,
    MAX_JALALI_YEAR,
    MIN_JALALI_YEAR,
    JalaliDate,
    format_jalali,
    from_jalali,
    is_leap_jalali,
    jalali_month_length,
    to_jalali,
)
from kiosk.text import bare_numbers, normalize_persian, strip_isolates, to_persian_digits

FIRST_DATE = datetime.date(560, 3, 20)  # 1 Farvardin -61
LAST_DATE = datetime.date(3799, 3, 19)  # 29 Esfand 3177

VECTORS = [
    # PRODUCT brief
    ((1403, 1, 1), datetime.date(2024, 3, 20)),
    ((1404, 1, 1), datetime.date(2025, 3, 21)),
    ((1402, 12, 29), datetime.date(2024, 3, 19)),
    ((1403, 12, 30), datetime.date(2025, 3, 20)),
    ((1399, 12, 30), datetime.date(2021, 3, 20)),
    ((1400, 1, 1), datetime.date(2021, 3, 21)),
    # 1367 is a common year (1366 and 1370 are leap), so its last day is 29 Esfand = 20 March 1989
    # and Nowruz 1368 is 21 March 1989. (The brief's "1367-12-29 == 1989-03-19" is off by one.)
    ((1367, 12, 29), datetime.date(1989, 3, 20)),
    ((1368, 1, 1), datetime.date(1989, 3, 21)),
    # jalaali-js test suite
    ((1360, 5, 26), datetime.date(1981, 8, 17)),
    ((1391, 10, 21), datetime.date(2013, 1, 10)),
    ((1393, 5, 13), datetime.date(2014, 8, 4)),
    ((1395, 1, 23), datetime.date(2016, 4, 11)),
    ((1400, 4, 30), datetime.date(2021, 7, 21)),
    ((1399, 12, 20), datetime.date(2021, 3, 10)),
    ((1397, 5, 13), datetime.date(2018, 8, 4)),
    # misc
    ((1403, 8, 15), datetime.date(2024, 11, 5)),
    ((1403, 6, 31), datetime.date(2024, 9, 21)),
    ((1403, 7, 1), datetime.date(2024, 9, 22)),
    ((1357, 11, 22), datetime.date(1979, 2, 11)),
    ((-61, 1, 1), FIRST_DATE),
    ((3177, 12, 29), LAST_DATE),
]

NOWRUZ = {  # 1 Farvardin, well known
    1390: datetime.date(2011, 3, 21),
    1391: datetime.date(2012, 3, 20),
    1392: datetime.date(2013, 3, 21),
    1393: datetime.date(2014, 3, 21),
    1394: datetime.date(2015, 3, 21),
    1395: datetime.date(2016, 3, 20),
    1396: datetime.date(2017, 3, 21),
    1397: datetime.date(2018, 3, 21),
    1398: datetime.date(2019, 3, 21),
    1399: datetime.date(2020, 3, 20),
    1400: datetime.date(2021, 3, 21),
    1401: datetime.date(2022, 3, 21),
    1402: datetime.date(2023, 3, 21),
    1403: datetime.date(2024, 3, 20),
    1404: datetime.date(2025, 3, 21),
}

gregorian_dates = st.dates(datetime.date(1800, 1, 1), datetime.date(2200, 12, 31))
all_supported_dates = st.dates(FIRST_DATE, LAST_DATE)


@st.composite
def jalali_dates(draw: st.DrawFn) -> JalaliDate:
    year = draw(st.integers(min_value=MIN_JALALI_YEAR, max_value=MAX_JALALI_YEAR))
    month = draw(st.integers(min_value=1, max_value=12))
    day = draw(st.integers(min_value=1, max_value=jalali_month_length(year, month)))
    return JalaliDate(year, month, day)


# --- conversions -----------------------------------------------------------------------------


@pytest.mark.parametrize(("jalali", "gregorian"), VECTORS)
def test_vectors(jalali: tuple[int, int, int], gregorian: datetime.date) -> None:
    assert from_jalali(*jalali) == gregorian
    assert to_jalali(gregorian) == jalali
    assert JalaliDate(*jalali).to_gregorian() == gregorian
    assert JalaliDate.from_gregorian(gregorian) == JalaliDate(*jalali)


@pytest.mark.parametrize(("year", "nowruz"), sorted(NOWRUZ.items()))
def test_nowruz(year: int, nowruz: datetime.date) -> None:
    assert from_jalali(year, 1, 1) == nowruz
    assert to_jalali(nowruz - datetime.timedelta(days=1))[0] == year - 1


def test_datetime_is_accepted() -> None:
    assert to_jalali(datetime.datetime(2024, 3, 20, 23, 59)) == (1403, 1, 1)


@pytest.mark.parametrize(
    ("year", "leap"),
    [
        (1362, True),
        (1366, True),
        (1367, False),
        (1370, True),
        (1374, False),
        (1375, True),
        (1393, False),
        (1394, False),
        (1395, True),
        (1396, False),
        (1399, True),
        (1400, False),
        (1402, False),
        (1403, True),
        (1404, False),
        (1407, False),
        (1408, True),
    ],
)
def test_is_leap_jalali(year: int, leap: bool) -> None:
    assert is_leap_jalali(year) is leap
    assert jalali_month_length(year, 12) == (30 if leap else 29)


@pytest.mark.parametrize(
    ("month", "length"),
    [(1, 31), (4, 31), (6, 31), (7, 30), (10, 30), (11, 30), (12, 29)],
)
def test_month_lengths(month: int, length: int) -> None:
    assert jalali_month_length(1393, month) == length


def test_leap_years_are_4_or_5_years_apart() -> None:
    leaps = [y for y in range(MIN_JALALI_YEAR, MAX_JALALI_YEAR + 1) if is_leap_jalali(y)]
    assert {b - a for a, b in itertools.pairwise(leaps)} == {4, 5}


def test_year_length_matches_leap_flag() -> None:
    for year in range(MIN_JALALI_YEAR, MAX_JALALI_YEAR):
        days = (from_jalali(year + 1, 1, 1) - from_jalali(year, 1, 1)).days
        assert days == (366 if is_leap_jalali(year) else 365), year


def test_nowruz_stays_near_the_equinox() -> None:
    for year in range(1179, 1580):  # Gregorian 1800..2200
        nowruz = from_jalali(year, 1, 1)
        assert nowruz.month == 3
        assert 20 <= nowruz.day <= 22


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [
        (1403, 0, 1),
        (1403, 13, 1),
        (1393, 1, 0),
        (1393, 1, 32),
        (1393, 7, 31),
        (1393, 11, 31),
        (1393, 12, 30),
        (1402, 12, 30),
        (MIN_JALALI_YEAR - 1, 12, 29),
        (MAX_JALALI_YEAR + 1, 1, 1),
    ],
)
def test_invalid_jalali_dates(year: int, month: int, day: int) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - messages vary by field
        from_jalali(year, month, day)
    with pytest.raises(ValueError):  # noqa: PT011
        JalaliDate(year, month, day)


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(1, 1, 1),
        FIRST_DATE - datetime.timedelta(days=1),
        LAST_DATE + datetime.timedelta(days=1),
        datetime.date(9999, 12, 31),
    ],
)
def test_to_jalali_outside_the_supported_range(day: datetime.date) -> None:
    with pytest.raises(ValueError, match=r"Jalali year|supported"):
        to_jalali(day)


def test_supported_range_edges() -> None:
    assert to_jalali(FIRST_DATE) == (MIN_JALALI_YEAR, 1, 1)
    assert to_jalali(LAST_DATE) == (MAX_JALALI_YEAR, 12, jalali_month_length(MAX_JALALI_YEAR, 12))
    assert (MIN_JALALI_YEAR, MAX_JALALI_YEAR) == (-61, 3177)
    with pytest.raises(ValueError, match="outside the supported range"):
        is_leap_jalali(MAX_JALALI_YEAR + 1)


@given(gregorian_dates)
def test_round_trip_1800_to_2200(day: datetime.date) -> None:
    jy, jm, jd = to_jalali(day)
    assert 1 <= jm <= 12
    assert 1 <= jd <= jalali_month_length(jy, jm)
    assert from_jalali(jy, jm, jd) == day


@given(all_supported_dates)
def test_round_trip_whole_range(day: datetime.date) -> None:
    assert JalaliDate.from_gregorian(day).to_gregorian() == day


@given(jalali_dates())
def test_jalali_round_trip(date: JalaliDate) -> None:
    assert JalaliDate.from_gregorian(date.to_gregorian()) == date


@given(st.one_of(gregorian_dates, all_supported_dates.filter(lambda d: d < LAST_DATE)))
def test_consecutive_days_are_consecutive_jalali_days(day: datetime.date) -> None:
    y, m, d = to_jalali(day)
    following = to_jalali(day + datetime.timedelta(days=1))
    if d < jalali_month_length(y, m):
        assert following == (y, m, d + 1)
    elif m < 12:
        assert following == (y, m + 1, 1)
    else:
        assert following == (y + 1, 1, 1)


def test_every_day_of_a_few_years_in_order() -> None:
    day = from_jalali(1398, 1, 1)
    for year in (1398, 1399, 1400, 1401, 1402, 1403, 1404):
        for month in range(1, 13):
            for d in range(1, jalali_month_length(year, month) + 1):
                assert to_jalali(day) == (year, month, d)
                day += datetime.timedelta(days=1)


@given(jalali_dates(), jalali_dates())
def test_ordering_is_chronological(a: JalaliDate, b: JalaliDate) -> None:
    assert (a < b) == (a.to_gregorian() < b.to_gregorian())
    assert (a == b) == (a.to_gregorian() == b.to_gregorian())


# --- JalaliDate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1403/08/15",
        "1403-08-15",
        "1403-8-15",
        "1403/8/15",
        "۱۴۰۳/۰۸/۱۵",
        "١٤٠٣-٨-١٥",
        " 1403 / 08 / 15 ",
        "\u20661403/08/15\u2069",
    ],
)
def test_parse(text: str) -> None:
    assert JalaliDate.parse(text) == JalaliDate(1403, 8, 15)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1403",
        "1403/08",
        "1403/08/15/1",
        "1403-08/15",  # mixed separators
        "03/08/15",  # two-digit year
        "15/08/1403",  # day first
        "1403.08.15",
        "1403/13/01",  # no 13th month
        "1402/12/30",  # 1402 is not leap
        "1403/08/150",
        "۱۴۰۳/۰۸/x۱",
    ],
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - format or range, both ValueError
        JalaliDate.parse(text)


@pytest.mark.parametrize("value", [None, 14030815, datetime.date(2024, 11, 5)])
def test_parse_rejects_non_strings(value: Any) -> None:
    with pytest.raises(TypeError):
        JalaliDate.parse(value)


def test_isoformat_and_str() -> None:
    date = JalaliDate(1403, 8, 5)
    assert date.isoformat() == "1403-08-05"
    assert str(date) == "1403-08-05"
    assert f"{date}" == "1403-08-05"


@given(jalali_dates().filter(lambda d: d.year >= 1000))
def test_parse_isoformat_round_trip(date: JalaliDate) -> None:
    assert JalaliDate.parse(date.isoformat()) == date
    assert JalaliDate.parse(to_persian_digits(date.isoformat().replace("-", "/"))) == date


def test_jalali_date_is_frozen_and_hashable() -> None:
    date = JalaliDate(1403, 1, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        date.day = 2  # type: ignore[misc]
    assert len({date, JalaliDate(1403, 1, 1), JalaliDate(1403, 1, 2)}) == 2


# --- formatting ------------------------------------------------------------------------------


def test_month_names() -> None:
    assert len(JALALI_MONTHS_FA) == len(JALALI_MONTHS_EN) == 12
    assert JALALI_MONTHS_FA[0] == "فروردین"
    assert JALALI_MONTHS_FA[7] == "آبان"
    assert JALALI_MONTHS_FA[11] == "اسفند"
    assert JALALI_MONTHS_EN[0] == "Farvardin"
    assert JALALI_MONTHS_EN[7] == "Aban"
    assert JALALI_MONTHS_EN[11] == "Esfand"
    for name in JALALI_MONTHS_FA:
        assert normalize_persian(name) == name  # Persian letter forms only
    assert all(name.isascii() and name.istitle() for name in JALALI_MONTHS_EN)


def test_format_jalali() -> None:
    date = JalaliDate(1403, 8, 15)
    assert format_jalali(date, "fa") == "\u2066۱۵\u2069 آبان \u2066۱۴۰۳\u2069"  # numbers isolated
    assert format_jalali(date, "en") == "15 Aban 1403"
    assert format_jalali(JalaliDate(1404, 1, 1), "fa") == "\u2066۱\u2069 فروردین \u2066۱۴۰۴\u2069"
    assert format_jalali(JalaliDate(1404, 12, 29), "en") == "29 Esfand 1404"


@given(jalali_dates().filter(lambda d: d.year >= 1))
def test_format_jalali_properties(date: JalaliDate) -> None:
    fa = format_jalali(date, "fa")
    en = format_jalali(date, "en")
    assert fa.split(" ")[1] == JALALI_MONTHS_FA[date.month - 1]
    assert en == f"{date.day} {JALALI_MONTHS_EN[date.month - 1]} {date.year}"
    assert not any(c.isascii() and c.isdigit() for c in fa)
    plain = to_persian_digits(f"{date.day} {JALALI_MONTHS_FA[date.month - 1]} {date.year}")
    assert strip_isolates(fa) == plain
    assert bare_numbers(fa) == []
