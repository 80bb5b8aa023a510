"""Tests for kiosk.identifiers, using the public test vectors from PRODUCT.md."""

from __future__ import annotations

import dataclasses
import pickle
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kiosk.identifiers import (
    KINDS,
    MOBILE_PREFIXES,
    POSTAL_WARNING_PATTERN,
    POSTAL_WARNING_REPEATED,
    REASONS,
    Bill,
    BillType,
    InvalidIdentifier,
    bill,
    bill_check_digit,
    format_sheba,
    mobile,
    national_code,
    postal_code,
    postal_code_warning,
    sheba,
)
from kiosk.text import to_persian_digits

digit_strings = st.text(alphabet="0123456789", min_size=1, max_size=20)


def _arabic_indic(s: str) -> str:
    return s.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def _attempt(func: Callable[[str], str], value: str) -> str | InvalidIdentifier:
    """The result of ``func(value)``, or the InvalidIdentifier it raised."""
    try:
        return func(value)
    except InvalidIdentifier as error:
        return error


def _reason(func: Callable[[str], object], value: str) -> tuple[str, str]:
    with pytest.raises(InvalidIdentifier) as info:
        func(value)
    return info.value.kind, info.value.reason


# --- InvalidIdentifier -----------------------------------------------------------------------


def test_invalid_identifier_is_a_value_error_with_kind_and_reason() -> None:
    with pytest.raises(ValueError, match=r"^National code fails its check digit\.$") as info:
        national_code("1234567890")
    error = info.value
    assert isinstance(error, InvalidIdentifier)
    assert error.kind == "national_code"
    assert error.reason == "checksum"


def test_invalid_identifier_pickles() -> None:
    error = InvalidIdentifier("mobile", "prefix", "0924 is not allocated")
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.kind, clone.reason, str(clone)) == (error.kind, error.reason, str(error))


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("reason", sorted(REASONS))
def test_every_message_is_an_english_sentence(kind: str, reason: str) -> None:
    message = str(InvalidIdentifier(kind, reason))
    assert message[0].isupper()
    assert message.endswith(".")
    assert message.isascii()
    assert kind not in message  # human words, not the machine kind


@pytest.mark.parametrize(
    "func",
    [national_code, mobile, postal_code, postal_code_warning, sheba, format_sheba, bill],
)
@pytest.mark.parametrize("value", [None, 1234567890, b"0499370899", ["0"]])
def test_non_string_input_raises_type_error(func: Callable[[Any], object], value: object) -> None:
    with pytest.raises(TypeError):
        func(value)


def test_bill_payment_id_must_be_a_string() -> None:
    with pytest.raises(TypeError):
        bill("7748317800142", 1770160)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("func", "kind"),
    [
        (national_code, "national_code"),
        (mobile, "mobile"),
        (postal_code, "postal_code"),
        (sheba, "sheba"),
        (bill, "bill_id"),
    ],
)
@pytest.mark.parametrize("value", ["", "   ", " - ", "\u200c\u2066\u2069"])
def test_empty_input(func: Callable[[str], object], kind: str, value: str) -> None:
    assert _reason(func, value) == (kind, "empty")


# --- national code ---------------------------------------------------------------------------

VALID_NATIONAL_CODES = [
    "0499370899",
    "0790419904",
    "1583250689",
    "0684159414",
    "0076229645",
    "4400276201",
]
INVALID_NATIONAL_CODES = ["1234567890", "0684159415", "4271427685", "0200203041"]


def _reference_national_check(first_nine: str) -> int:
    total = sum(int(first_nine[i]) * (10 - i) for i in range(9))
    r = total % 11
    return r if r < 2 else 11 - r


@pytest.mark.parametrize("code", VALID_NATIONAL_CODES)
def test_national_code_valid(code: str) -> None:
    assert national_code(code) == code
    assert national_code(to_persian_digits(code)) == code
    assert national_code(_arabic_indic(code)) == code
    assert national_code(f"{code[:3]}-{code[3:9]}-{code[9]}") == code
    assert national_code(f" {code[:3]} {code[3:]} ") == code


@pytest.mark.parametrize("code", INVALID_NATIONAL_CODES)
def test_national_code_invalid_checksum(code: str) -> None:
    assert _reason(national_code, code) == ("national_code", "checksum")


@pytest.mark.parametrize("digit", "0123456789")
def test_national_code_repeated_digits(digit: str) -> None:
    assert _reason(national_code, digit * 10) == ("national_code", "repeated_digits")


def test_national_code_left_pads_8_and_9_digits() -> None:
    assert national_code("499370899") == "0499370899"
    assert national_code("76229645") == "0076229645"
    assert national_code("۷۶۲۲۹۶۴۵") == "0076229645"


@pytest.mark.parametrize("value", ["7622964", "12345678901", "1"])
def test_national_code_length(value: str) -> None:
    assert _reason(national_code, value) == ("national_code", "length")


@pytest.mark.parametrize("value", ["04993708a9", "0499370899.", "0499370899²", "O499370899"])
def test_national_code_not_digits(value: str) -> None:
    assert _reason(national_code, value) == ("national_code", "not_digits")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_national_code_exactly_one_check_digit_per_prefix(first_nine: str) -> None:
    outcomes = [_attempt(national_code, first_nine + last) for last in "0123456789"]
    accepted = [o for o in outcomes if isinstance(o, str)]
    errors = [o for o in outcomes if isinstance(o, InvalidIdentifier)]
    assert {e.reason for e in errors} <= {"checksum", "repeated_digits"}
    expected = first_nine + str(_reference_national_check(first_nine))
    if len(set(expected)) == 1:
        assert accepted == []
    else:
        assert accepted == [expected]


@given(st.integers(min_value=0, max_value=10**10 - 1))
def test_national_code_accepts_exactly_the_reference(number: int) -> None:
    code = f"{number:010d}"
    valid = code[9] == str(_reference_national_check(code[:9])) and len(set(code)) > 1
    if not valid:
        with pytest.raises(InvalidIdentifier):
            national_code(code)
        return
    assert national_code(code) == code
    unpadded = str(number)
    if len(unpadded) >= 8:  # leading zeros dropped, as on some old cards
        assert national_code(to_persian_digits(unpadded)) == code


# --- mobile ----------------------------------------------------------------------------------

MOBILE_REGEX = re.compile(r"^(\+98|98|0098|0)?9\d{9}$", re.ASCII)


def test_mobile_prefix_table() -> None:
    expected = (
        {str(p) for p in range(900, 906)}
        | {str(p) for p in range(910, 924)}
        | {str(p) for p in range(930, 940)}
        | {"941"}
        | {str(p) for p in range(990, 1000)}
    )
    assert expected == MOBILE_PREFIXES
    assert isinstance(MOBILE_PREFIXES, frozenset)
    assert all(len(p) == 3 and p.startswith("9") for p in MOBILE_PREFIXES)


@pytest.mark.parametrize(
    "value",
    [
        "09121234567",
        "9121234567",
        "+989121234567",
        "989121234567",
        "00989121234567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷",
        "0912-123-4567",
        "\u2066+98 912 123 4567\u2069",
    ],
)
def test_mobile_accepted_forms(value: str) -> None:
    assert mobile(value) == "09121234567"


def test_mobile_ten_digits_starting_with_98_are_a_national_number() -> None:
    # Ten digits "98..." mean 098..., not the country code: 098x is not allocated.
    assert _reason(mobile, "9811234567") == ("mobile", "prefix")
    assert _reason(mobile, "989811234567") == ("mobile", "prefix")
    assert mobile("989911234567") == "09911234567"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("+449121234567", "country"),
        ("00449121234567", "country"),
        ("+9121234567", "country"),
        ("09241234567", "prefix"),
        ("09401234567", "prefix"),
        ("09891234567", "prefix"),
        ("02112345678", "prefix"),  # a Tehran landline
        ("0912123456", "length"),
        ("091212345678", "length"),
        ("+98912123456", "length"),
        ("0912 123 45x7", "not_digits"),
        ("0912+1234567", "not_digits"),
        ("+", "not_digits"),
        ("(0912) 123 4567", "not_digits"),
    ],
)
def test_mobile_rejected(value: str, reason: str) -> None:
    assert _reason(mobile, value) == ("mobile", reason)


@given(
    st.sampled_from(sorted(MOBILE_PREFIXES)),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
    st.sampled_from(["", "0", "98", "+98", "0098"]),
    st.booleans(),
    st.booleans(),
)
def test_mobile_normalises_every_form(
    prefix: str, rest: str, country: str, persian: bool, spaced: bool
) -> None:
    national = prefix + rest
    text = country + (f"{national[:3]} {national[3:6]} {national[6:]}" if spaced else national)
    if persian:
        text = to_persian_digits(text)
    assert mobile(text) == "0" + national


@given(st.text(alphabet="+0123456789", max_size=16))
def test_mobile_agrees_with_the_documented_regex(value: str) -> None:
    matches = MOBILE_REGEX.fullmatch(value) is not None
    result = _attempt(mobile, value)
    if isinstance(result, InvalidIdentifier):
        assert result.kind == "mobile"
        if matches:
            assert result.reason == "prefix"
        else:
            assert result.reason in {"empty", "not_digits", "length", "prefix", "country"}
        return
    assert matches
    assert result == "0" + value[-10:]
    assert re.fullmatch(r"09[0-9]{9}", result)
    assert result[1:4] in MOBILE_PREFIXES
    assert mobile(result) == result


# --- postal code -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "warning"),
    [
        ("1193653471", "1193653471", None),
        ("۱۱۹۳۶-۵۳۴۷۱", "1193653471", None),
        ("1234567890", "1234567890", POSTAL_WARNING_PATTERN),
        ("1103653471", "1103653471", POSTAL_WARNING_PATTERN),
        ("1111111111", "1111111111", POSTAL_WARNING_REPEATED),
        ("0000000000", "0000000000", POSTAL_WARNING_REPEATED),
        ("1111122222", "1111122222", None),  # 0 and 2 are fine after the fifth digit
    ],
)
def test_postal_code(value: str, expected: str, warning: str | None) -> None:
    assert postal_code(value) == expected
    assert postal_code_warning(value) == warning


def test_postal_warnings_are_machine_readable() -> None:
    assert POSTAL_WARNING_PATTERN == "suspicious_pattern"
    assert POSTAL_WARNING_REPEATED == "repeated_digits"


@pytest.mark.parametrize(("value", "reason"), [("119365347", "length"), ("11936534710", "length")])
def test_postal_code_length(value: str, reason: str) -> None:
    assert _reason(postal_code, value) == ("postal_code", reason)
    assert _reason(postal_code_warning, value) == ("postal_code", reason)


def test_postal_code_not_digits() -> None:
    assert _reason(postal_code, "11936A3471") == ("postal_code", "not_digits")


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_postal_code_any_ten_digits_are_accepted(code: str) -> None:
    assert postal_code(code) == code
    assert postal_code(to_persian_digits(code)) == code
    warning = postal_code_warning(code)
    if len(set(code)) == 1:
        assert warning == POSTAL_WARNING_REPEATED
    elif set(code[:5]) & {"0", "2"}:
        assert warning == POSTAL_WARNING_PATTERN
    else:
        assert warning is None


@given(digit_strings.filter(lambda s: len(s) != 10))
def test_postal_code_other_lengths_are_rejected(code: str) -> None:
    assert _reason(postal_code, code) == ("postal_code", "length")


# --- Sheba -----------------------------------------------------------------------------------

VALID_SHEBAS = [
    "IR062960000000100324200001",
    "IR820540102680020817909002",
    "IR580540105180021273113007",
    "IR025581138144887962242217",  # check digits 02
    "IR972727768051598277474787",  # check digits 97
    "IR989476803862876291133814",  # check digits 98
]


def _reference_iban_remainder(iban: str) -> int:
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(ord(c) - ord("A") + 10) if c.isalpha() else c for c in rearranged)
    remainder = 0
    for ch in number:
        remainder = (remainder * 10 + int(ch)) % 97
    return remainder


def _make_sheba(bban: str) -> str:
    check = 98 - _reference_iban_remainder(f"IR00{bban}")
    return f"IR{check:02d}{bban}"


@pytest.mark.parametrize("iban", VALID_SHEBAS)
def test_sheba_valid(iban: str) -> None:
    assert _reference_iban_remainder(iban) == 1
    assert sheba(iban) == iban
    assert sheba(iban.lower()) == iban
    assert sheba(to_persian_digits(iban)) == iban
    assert sheba(format_sheba(iban)) == iban
    assert sheba("-".join(iban[i : i + 4] for i in range(0, 26, 4))) == iban


def test_format_sheba() -> None:
    assert format_sheba("ir06-2960-0000-0010-0324-2000-01") == "IR06 2960 0000 0010 0324 2000 01"
    assert format_sheba("IR۰۶۲۹۶۰۰۰۰۰۰۰۱۰۰۳۲۴۲۰۰۰۰۱") == "IR06 2960 0000 0010 0324 2000 01"
    with pytest.raises(InvalidIdentifier):
        format_sheba("IR072960000000100324200001")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("DE89370400440532013000", "country"),
        ("GB82WEST12345698765432", "country"),
        ("062960000000100324200001", "country"),  # IR missing
        ("I", "country"),
        ("ایران062960000000100324200001", "country"),
        ("IR06296000000010032420000", "length"),
        ("IR0629600000001003242000011", "length"),
        ("IR", "length"),
        ("IR06296000000010032420000A", "not_digits"),
        ("IR072960000000100324200001", "checksum"),
        ("IR062960000000100324200010", "checksum"),
        # These pass mod 97 but ISO 13616 never issues check digits 00, 01 or 99:
        ("IR995581138144887962242217", "checksum"),
        ("IR002727768051598277474787", "checksum"),
        ("IR019476803862876291133814", "checksum"),
    ],
)
def test_sheba_rejected(value: str, reason: str) -> None:
    assert _reason(sheba, value) == ("sheba", reason)


def test_sheba_reserved_check_digits_would_pass_mod_97() -> None:
    for iban in ("IR995581138144887962242217", "IR002727768051598277474787"):
        assert _reference_iban_remainder(iban) == 1


ibans = st.text(alphabet="0123456789", min_size=22, max_size=22).map(_make_sheba)


@given(ibans)
def test_sheba_round_trip(iban: str) -> None:
    assert sheba(iban) == iban
    grouped = format_sheba(iban)
    assert grouped.replace(" ", "") == iban
    assert [len(g) for g in grouped.split(" ")] == [4, 4, 4, 4, 4, 4, 2]


@given(ibans, st.data())
def test_sheba_rejects_single_substitutions(iban: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=2, max_value=25))
    new_digit = data.draw(st.sampled_from("0123456789").filter(lambda d: d != iban[position]))
    with pytest.raises(InvalidIdentifier) as info:
        sheba(iban[:position] + new_digit + iban[position + 1 :])
    assert info.value.reason == "checksum"


@given(ibans, st.data())
def test_sheba_rejects_adjacent_transpositions(iban: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=2, max_value=24))
    assume(iban[position] != iban[position + 1])
    swapped = iban[:position] + iban[position + 1] + iban[position] + iban[position + 2 :]
    with pytest.raises(InvalidIdentifier):
        sheba(swapped)


# --- bills -----------------------------------------------------------------------------------


def _reference_cd(digits: str) -> int:
    weights = [2, 3, 4, 5, 6, 7]
    total = sum(int(d) * weights[i % 6] for i, d in enumerate(digits[::-1]))
    r = total % 11
    return 0 if r < 2 else 11 - r


def test_bill_check_digit() -> None:
    assert bill_check_digit("") == 0
    assert bill_check_digit("774831780014") == 2
    assert bill_check_digit("205032760461") == 3
    assert bill_check_digit("17701") == 6
    assert bill_check_digit("7748317800142177016") == 0
    assert bill_check_digit("1") == 9  # 1*2 = 2 -> 11 - 2
    assert bill_check_digit("5") == 1  # 5*2 = 10 -> 11 - 10
    assert bill_check_digit("6") == 0  # 6*2 = 12, r = 1 -> 0
    assert bill_check_digit("0") == 0
    with pytest.raises(ValueError, match="ASCII digits"):
        bill_check_digit("12a")
    with pytest.raises(ValueError, match="ASCII digits"):
        bill_check_digit("۱۲")


@given(st.text(alphabet="0123456789", max_size=30))
def test_bill_check_digit_matches_reference(digits: str) -> None:
    assert bill_check_digit(digits) == _reference_cd(digits)
    assert 0 <= bill_check_digit(digits) <= 9


def test_bill_types_are_one_table() -> None:
    assert {t.name: t.value for t in BillType} == {
        "WATER": 1,
        "ELECTRICITY": 2,
        "GAS": 3,
        "LANDLINE": 4,
        "MOBILE": 5,
        "MUNICIPALITY": 6,
        "OTHER": 7,
        "TAX": 8,
        "TRAFFIC_FINES": 9,
    }


@pytest.mark.parametrize(
    ("bill_id", "payment_id", "expected"),
    [
        (
            "7748317800142",
            "1770160",
            Bill("7748317800142", BillType.LANDLINE, "001", "1770160", 17_000, 7, 1),
        ),
        (
            "2050327604613",
            "1070189",
            Bill("2050327604613", BillType.WATER, "046", "1070189", 10_000, 7, 1),
        ),
        (
            "1117753200140",
            "12070160",
            Bill("1117753200140", BillType.LANDLINE, "001", "12070160", 120_000, 7, 1),
        ),
    ],
)
def test_bill_valid_pairs(bill_id: str, payment_id: str, expected: Bill) -> None:
    assert bill(bill_id, payment_id) == expected
    assert bill(to_persian_digits(bill_id), _arabic_indic(payment_id)) == expected
    assert bill("000" + bill_id, "00" + payment_id) == expected
    spaced = " ".join(bill_id[i : i + 4] for i in range(0, len(bill_id), 4))
    assert bill(spaced, f"{payment_id[:3]}-{payment_id[3:]}") == expected


def test_bill_without_payment_id() -> None:
    assert bill("7748317800142") == Bill("7748317800142", BillType.LANDLINE, "001")
    result = bill("2050327604613", None)
    assert result.payment_id is None
    assert result.amount_rials is None
    assert result.year_digit is None
    assert result.period is None


def test_bill_is_frozen() -> None:
    result = bill("7748317800142")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.bill_id = "1"  # type: ignore[misc]


def test_bill_invalid_pair_from_product_md() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        bill("2234322344613", "1070189")
    assert (info.value.kind, info.value.reason) == ("bill_id", "checksum")


@pytest.mark.parametrize(
    ("bill_id", "payment_id", "kind", "reason"),
    [
        ("7748317800143", "1770160", "bill_id", "checksum"),
        ("12345", None, "bill_id", "length"),
        ("00012345", None, "bill_id", "length"),
        ("000000", None, "bill_id", "length"),
        ("12345678901234", None, "bill_id", "length"),
        ("77483178001a2", None, "bill_id", "not_digits"),
        ("1234501", None, "bill_id", "service_type"),  # type digit 0, check digit fine
        ("7748317800142", "1770161", "payment_id", "checksum"),  # C2
        ("7748317800142", "1770170", "payment_id", "checksum"),  # C1
        ("2050327604613", "1770160", "payment_id", "checksum"),  # pid of another bill
        ("7748317800142", "17701", "payment_id", "length"),
        ("7748317800142", "0017701", "payment_id", "length"),
        ("7748317800142", "12345678901234", "payment_id", "length"),
        ("7748317800142", "", "payment_id", "empty"),
        ("7748317800142", "17-70-16-x", "payment_id", "not_digits"),
    ],
)
def test_bill_rejected(bill_id: str, payment_id: str | None, kind: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        bill(bill_id, payment_id)
    assert (info.value.kind, info.value.reason) == (kind, reason)


@st.composite
def bill_pairs(draw: st.DrawFn) -> tuple[str, str, int, int, int, int]:
    """A valid (bill ID, payment ID) pair and its amount, year digit, period and type digit."""
    body = draw(st.integers(min_value=1000, max_value=10**10 - 1))
    type_digit = draw(st.integers(min_value=1, max_value=9))
    bid = f"{body}{type_digit}"
    bid += str(_reference_cd(bid))
    thousands = draw(st.integers(min_value=1, max_value=10**8 - 1))
    year = draw(st.integers(min_value=0, max_value=9))
    period = draw(st.integers(min_value=0, max_value=99))
    pid = f"{thousands}{year}{period:02d}"
    pid += str(_reference_cd(pid))
    pid += str(_reference_cd(bid + pid))
    return bid, pid, thousands * 1000, year, period, type_digit


@given(bill_pairs())
def test_bill_round_trip(pair: tuple[str, str, int, int, int, int]) -> None:
    bid, pid, amount, year, period, type_digit = pair
    result = bill(bid, pid)
    assert result == Bill(
        bill_id=bid,
        service_type=BillType(type_digit),
        company_code=bid[-5:-2],
        payment_id=pid,
        amount_rials=amount,
        year_digit=year,
        period=period,
    )
    assert 6 <= len(bid) <= 13
    assert 6 <= len(pid) <= 13
    assert bill("0" + to_persian_digits(bid), "0 " + pid) == result
    assert bill(bid) == dataclasses.replace(
        result, payment_id=None, amount_rials=None, year_digit=None, period=None
    )


@given(bill_pairs(), st.sampled_from("0123456789"))
def test_bill_check_digits_are_exact(
    pair: tuple[str, str, int, int, int, int], new_digit: str
) -> None:
    bid, pid = pair[0], pair[1]
    if new_digit != bid[-1]:
        with pytest.raises(InvalidIdentifier) as info:
            bill(bid[:-1] + new_digit, pid)
        assert (info.value.kind, info.value.reason) == ("bill_id", "checksum")
    for position in (-1, -2):  # C2 and C1
        if new_digit != pid[position]:
            mistyped = pid[: len(pid) + position] + new_digit + pid[len(pid) + position + 1 :]
            with pytest.raises(InvalidIdentifier) as info:
                bill(bid, mistyped)
            assert (info.value.kind, info.value.reason) == ("payment_id", "checksum")


def test_the_bills_year_is_the_latest_ending_in_its_digit() -> None:
    paid = bill("7748317800142", "1770160")  # year digit 7, period 01
    assert paid.year_digit == 7
    assert paid.year(1405) == 1397
    assert paid.year(1407) == 1407
    assert paid.year(1410) == 1407
    assert bill("7748317800142").year(1405) is None
