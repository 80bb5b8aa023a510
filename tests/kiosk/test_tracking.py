"""Tests for kiosk.tracking: Damm check digit and offline tracking codes."""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.text import isolate, to_persian_digits
from kiosk.tracking import (
    DAMM_TABLE,
    MAX_KIOSK_NUMBER,
    MAX_SEQ,
    MIN_CODE_LENGTH,
    InvalidTrackingCode,
    TrackingCode,
    damm_check_digit,
    damm_valid,
    format_tracking_code,
    make_tracking_code,
    parse_tracking_code,
)

kiosk_numbers = st.integers(min_value=0, max_value=MAX_KIOSK_NUMBER)
seqs = st.one_of(
    st.integers(min_value=1, max_value=999_999),
    st.integers(min_value=1, max_value=MAX_SEQ),
)
codes = st.builds(make_tracking_code, kiosk_numbers, seqs)


def substitutions(code: str) -> Iterator[str]:
    """Every code that differs from ``code`` in exactly one digit."""
    for i, old in enumerate(code):
        for new in "0123456789":
            if new != old:
                yield code[:i] + new + code[i + 1 :]


def adjacent_transpositions(code: str) -> Iterator[str]:
    """Every code obtained by swapping two adjacent, different digits of ``code``."""
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            yield code[:i] + code[i + 1] + code[i] + code[i + 2 :]


def assert_rejected(text: str) -> None:
    """``text`` (a mistyped code, maybe dashed or in Persian digits) fails its check digit."""
    with pytest.raises(InvalidTrackingCode) as info:
        parse_tracking_code(text)
    assert info.value.reason == "checksum"


# --- the Damm quasigroup ---------------------------------------------------------------------


def test_damm_table_is_a_quasigroup_with_zero_diagonal() -> None:
    assert len(DAMM_TABLE) == 10
    for i in range(10):
        assert sorted(DAMM_TABLE[i]) == list(range(10))  # rows are permutations
        assert sorted(row[i] for row in DAMM_TABLE) == list(range(10))  # columns too
        assert DAMM_TABLE[i][i] == 0


def test_damm_table_is_weakly_totally_anti_symmetric() -> None:
    for c, x, y in itertools.product(range(10), repeat=3):
        if x != y:
            assert DAMM_TABLE[DAMM_TABLE[c][x]][y] != DAMM_TABLE[DAMM_TABLE[c][y]][x]


@pytest.mark.parametrize(
    ("digits", "check"),
    [("572", 4), ("", 0), ("0", 0), ("1", 3), ("112946", 0), ("0123004571", 3)],
)
def test_damm_check_digit_vectors(digits: str, check: int) -> None:
    assert damm_check_digit(digits) == check
    assert damm_valid(f"{digits}{check}")


def test_damm_valid() -> None:
    assert damm_valid("5724")
    assert not damm_valid("5723")
    assert not damm_valid("")
    assert not damm_valid("57a4")
    assert not damm_valid("۵۷۲۴")  # the algorithm layer takes ASCII only; parse converts


@pytest.mark.parametrize("digits", ["12a", "١٢", " 12"])
def test_damm_check_digit_rejects_non_ascii_digits(digits: str) -> None:
    with pytest.raises(ValueError, match="ASCII digits"):
        damm_check_digit(digits)


@given(st.text(alphabet="0123456789", max_size=40))
def test_appending_the_check_digit_makes_a_valid_string(digits: str) -> None:
    check = damm_check_digit(digits)
    assert 0 <= check <= 9
    full = f"{digits}{check}"
    assert damm_valid(full)
    assert [d for d in "0123456789" if damm_valid(digits + d)] == [str(check)]


@given(st.text(alphabet="0123456789", min_size=1, max_size=40))
def test_damm_detects_every_single_substitution_and_adjacent_transposition(digits: str) -> None:
    full = f"{digits}{damm_check_digit(digits)}"
    for wrong in itertools.chain(substitutions(full), adjacent_transpositions(full)):
        assert not damm_valid(wrong)


# --- making codes ----------------------------------------------------------------------------


def test_make_tracking_code_layout() -> None:
    code = make_tracking_code(123, 4571)
    assert code == "01230045713"
    assert len(code) == MIN_CODE_LENGTH == 11
    assert format_tracking_code(code) == "0123-004571-3"
    assert make_tracking_code(0, 1)[:10] == "0000000001"
    assert make_tracking_code(9999, 999_999)[:10] == "9999999999"
    assert make_tracking_code(7, 1_000_000)[:11] == "00071000000"
    assert len(make_tracking_code(7, MAX_SEQ)) == 17


@pytest.mark.parametrize(
    ("kiosk_number", "seq"),
    [(-1, 1), (10_000, 1), (1, 0), (1, -5), (1, MAX_SEQ + 1)],
)
def test_make_tracking_code_out_of_range(kiosk_number: int, seq: int) -> None:
    with pytest.raises(ValueError, match="must be in"):
        make_tracking_code(kiosk_number, seq)


@pytest.mark.parametrize(("kiosk_number", "seq"), [(True, 1), (1, 1.0), ("1", 1), (1, None)])
def test_make_tracking_code_type_errors(kiosk_number: Any, seq: Any) -> None:
    with pytest.raises(TypeError):
        make_tracking_code(kiosk_number, seq)


@given(kiosk_numbers, seqs)
def test_make_and_parse_round_trip(kiosk_number: int, seq: int) -> None:
    code = make_tracking_code(kiosk_number, seq)
    assert code.isascii()
    assert code.isdigit()
    assert len(code) == 4 + max(6, len(str(seq))) + 1
    assert damm_valid(code)
    expected = TrackingCode(kiosk_number=kiosk_number, seq=seq, code=code)
    assert parse_tracking_code(code) == expected
    formatted = format_tracking_code(code)
    kiosk_part, seq_part, check_part = formatted.split("-")
    assert (int(kiosk_part), int(seq_part), check_part) == (kiosk_number, seq, code[-1])
    assert parse_tracking_code(formatted) == expected
    assert parse_tracking_code(to_persian_digits(formatted)) == expected
    assert parse_tracking_code(isolate(formatted.replace("-", " "))) == expected


@given(kiosk_numbers, seqs, kiosk_numbers, seqs)
def test_distinct_requests_get_distinct_codes(k1: int, s1: int, k2: int, s2: int) -> None:
    if (k1, s1) != (k2, s2):
        assert make_tracking_code(k1, s1) != make_tracking_code(k2, s2)


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "01230045713",
        "0123-004571-3",
        "۰۱۲۳-۰۰۴۵۷۱-۳",
        "٠١٢٣ ٠٠٤٥٧١ ٣",
        " 0123 – 004571 – 3 ",
        "\u20660123-004571-3\u2069",
    ],
)
def test_parse_accepted_forms(text: str) -> None:
    assert parse_tracking_code(text) == TrackingCode(123, 4571, "01230045713")


def _with_check(body: str) -> str:
    return body + str(damm_check_digit(body))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("  - ", "empty"),
        ("0123-00457A-3", "not_digits"),
        ("0123/004571/3", "not_digits"),
        ("0123-04571-3", "length"),  # a digit left out
        ("0123004571", "length"),
        (_with_check("0123" + "1" * 13), "length"),  # longer than any issued code
        (_with_check("0123" + "0004571"), "length"),  # padded with an extra zero
        ("01230045714", "checksum"),
        ("01230045731", "checksum"),
        (_with_check("0123000000"), "checksum"),  # sequence 0 is never issued
    ],
)
def test_parse_rejected(text: str, reason: str) -> None:
    with pytest.raises(InvalidTrackingCode) as info:
        parse_tracking_code(text)
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith("Tracking code")
    with pytest.raises(InvalidTrackingCode):
        format_tracking_code(text)


def test_parse_rejects_non_strings() -> None:
    for value in (None, 1230045713, b"01230045713"):
        with pytest.raises(TypeError):
            parse_tracking_code(value)  # type: ignore[arg-type]


def test_invalid_tracking_code_pickles() -> None:
    error = InvalidTrackingCode("checksum", "Tracking code fails its check digit.")
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.reason, str(clone)) == ("checksum", str(error))


def test_tracking_code_is_frozen() -> None:
    parsed = parse_tracking_code("01230045713")
    with pytest.raises(AttributeError):
        parsed.seq = 2  # type: ignore[misc]


# --- typing mistakes are always caught -------------------------------------------------------

SAMPLE_KIOSKS = [0, 1, 7, 123, 4321, 9998, 9999]
SAMPLE_SEQS = [1, 2, 9, 10, 4571, 99_999, 123_456, 999_999, 1_000_000, 31_415_926, MAX_SEQ]


@pytest.mark.parametrize("kiosk_number", SAMPLE_KIOSKS)
@pytest.mark.parametrize("seq", SAMPLE_SEQS)
def test_every_typo_of_a_sample_code_is_rejected(kiosk_number: int, seq: int) -> None:
    code = make_tracking_code(kiosk_number, seq)
    for wrong in itertools.chain(substitutions(code), adjacent_transpositions(code)):
        assert not damm_valid(wrong)
        assert_rejected(wrong)
        assert_rejected(f"{wrong[:4]}-{wrong[4:-1]}-{wrong[-1]}")


def test_every_typo_of_the_first_thousand_codes_of_a_kiosk_is_rejected() -> None:
    for seq in range(1, 1001):
        code = make_tracking_code(42, seq)
        for wrong in itertools.chain(substitutions(code), adjacent_transpositions(code)):
            assert_rejected(wrong)


@given(codes, st.data())
def test_a_single_substitution_is_rejected(code: str, data: st.DataObject) -> None:
    wrong = data.draw(st.sampled_from(list(substitutions(code))))
    assert_rejected(wrong)
    assert_rejected(to_persian_digits(wrong))


@given(codes, st.data())
def test_an_adjacent_transposition_is_rejected(code: str, data: st.DataObject) -> None:
    swaps = list(adjacent_transpositions(code))
    if swaps:  # codes such as 0000-000001-? always have some distinct neighbours
        wrong = data.draw(st.sampled_from(swaps))
        assert_rejected(wrong)
        dashed = f"{wrong[:4]}-{wrong[4:-1]}-{wrong[-1]}"
        assert_rejected(dashed)
