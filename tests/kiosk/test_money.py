"""Money in digits and in words, Persian and English: exact, grouped, isolated."""

from __future__ import annotations

import pytest

from kiosk.money import MAX_WORDS_AMOUNT, format_rials, rials_in_words
from kiosk.text import LRI, PDI, strip_isolates, to_ascii_digits


@pytest.mark.parametrize(
    ("amount", "fa", "en"),
    [
        (0, "۰", "0"),
        (999, "۹۹۹", "999"),
        (17_000, "۱۷٬۰۰۰", "17,000"),
        (1_250_000, "۱٬۲۵۰٬۰۰۰", "1,250,000"),
        (99_999_999_000, "۹۹٬۹۹۹٬۹۹۹٬۰۰۰", "99,999,999,000"),
    ],
)
def test_format_groups_by_three_in_the_languages_digits(amount: int, fa: str, en: str) -> None:
    assert format_rials(amount, "fa") == f"{LRI}{fa}{PDI}"
    assert format_rials(amount, "fa", isolated=False) == fa
    assert format_rials(amount, "en") == en
    assert int(to_ascii_digits(strip_isolates(fa)).replace("٬", "")) == amount


@pytest.mark.parametrize(
    ("amount", "fa", "en"),
    [
        (0, "صفر", "zero"),
        (7, "هفت", "seven"),
        (15, "پانزده", "fifteen"),
        (101, "صد و یک", "one hundred one"),
        (1_000, "هزار", "one thousand"),
        (17_000, "هفده هزار", "seventeen thousand"),
        (21_000, "بیست و یک هزار", "twenty-one thousand"),
        (120_000, "صد و بیست هزار", "one hundred twenty thousand"),
        (1_250_000, "یک میلیون و دویست و پنجاه هزار", "one million two hundred fifty thousand"),
        (2_000_000_001, "دو میلیارد و یک", "two billion one"),
        (
            1_001_001_000,
            "یک میلیارد و یک میلیون و هزار",
            "one billion one million one thousand",
        ),
        (5 * 10**12, "پنج تریلیون", "five trillion"),
    ],
)
def test_amounts_in_words(amount: int, fa: str, en: str) -> None:
    assert rials_in_words(amount, "fa") == fa
    assert rials_in_words(amount, "en") == en


def test_words_cover_every_group_shape() -> None:
    # every amount below a million has words, and no two amounts share them
    seen: dict[str, int] = {}
    for amount in range(0, 1_000_000, 37):
        words = rials_in_words(amount, "fa")
        assert words and "  " not in words and not words.startswith("و ")
        assert seen.setdefault(words, amount) == amount
        assert rials_in_words(amount, "en").strip() == rials_in_words(amount, "en")


@pytest.mark.parametrize("bad", [1.5, True, "17000", None])
def test_an_amount_is_an_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_rials(bad, "fa")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        rials_in_words(bad, "en")  # type: ignore[arg-type]


def test_negative_and_too_large_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        format_rials(-1, "en")
    with pytest.raises(ValueError, match="largest"):
        rials_in_words(MAX_WORDS_AMOUNT + 1, "fa")
    assert rials_in_words(MAX_WORDS_AMOUNT, "en").startswith("nine hundred ninety-nine trillion")
