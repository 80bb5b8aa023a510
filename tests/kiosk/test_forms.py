"""Answer validation: one rule set for the screens, the CLI and the core."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kiosk.catalog import Catalog
from kiosk.forms import FieldError, ValidationFailed, clean_answers, clean_field, visible_fields
from tests.conftest import TODAY

GOOD: dict[str, Any] = {
    "district": "۲",
    "problem": "off",
    "address": "  خيابان   ولیعصر،  كوچه ۱۲ ",
    "follow_up": "بله",
    "mobile": "+98 912 123 4567",
    "docs": ["deed", "id"],
    "visit": "۱۴۰۵/۹/۱۰",
    "amount": "۱۲٬۵۰۰٬۰۰۰",
    "floors": 3,
    "note": "line one\n\n  line   two  ",
}


def clean(catalog: Catalog, answers: dict[str, Any], code: str = "street-lights") -> dict[str, Any]:
    return clean_answers(catalog, catalog.service(code), answers, today=TODAY)


def errors(
    catalog: Catalog, answers: dict[str, Any], code: str = "street-lights"
) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as info:
        clean(catalog, answers, code)
    return {e.key: e.code for e in info.value.errors}


def test_answers_are_normalised(mini_catalog: Catalog) -> None:
    assert clean(mini_catalog, GOOD) == {
        "district": "2",
        "problem": "off",
        "address": "خیابان ولیعصر، کوچه ۱۲",
        "follow_up": True,
        "mobile": "09121234567",
        "docs": ["id", "deed"],
        "visit": "1405-09-10",
        "amount": 12_500_000,
        "floors": 3,
        "note": "line one\n\nline two",
    }


def test_hidden_questions_are_dropped_and_not_checked(mini_catalog: Catalog) -> None:
    answers = {**GOOD, "follow_up": "no", "mobile": "not a number"}
    cleaned = clean(mini_catalog, answers)
    assert "mobile" not in cleaned
    assert cleaned["follow_up"] is False


def test_shown_questions_follow_the_answers(mini_catalog: Catalog) -> None:
    service = mini_catalog.service("street-lights")
    keys = [f.key for f in visible_fields(service, {"follow_up": False})]
    assert "mobile" not in keys
    keys = [f.key for f in visible_fields(service, {"follow_up": True})]
    assert keys.index("mobile") == keys.index("follow_up") + 1


def test_required_questions(mini_catalog: Catalog) -> None:
    assert errors(mini_catalog, {"follow_up": True}) == {
        "district": "required",
        "problem": "required",
        "address": "required",
        "mobile": "required",
    }


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("district", "23", "invalid_choice"),
        ("problem", "exploded", "invalid_choice"),
        ("address", "x" * 101, "too_long"),
        ("floors", "0", "too_small"),
        ("floors", "31", "too_large"),
        ("floors", "3.5", "not_a_number"),
        ("floors", "three", "not_a_number"),
        ("follow_up", "maybe", "invalid_choice"),
        ("mobile", "0812 123 4567", "mobile_prefix"),
        ("mobile", "0912 123 456", "mobile_length"),
        ("mobile", "0960 123 4567", "mobile_prefix"),
        ("mobile", "۰۹۱۲abc۴۵۶۷", "not_digits"),
        ("docs", ["id", "deed", "lease"], "too_many_choices"),
        ("docs", "id,passport", "invalid_choice"),
        ("visit", "1405/13/01", "invalid_date"),
        ("visit", "1405/09/06", "date_too_early"),
        ("visit", "1406/01/01", "date_too_late"),
        ("amount", "-5", "too_small"),
        ("unknown", "x", "unknown_field"),
    ],
)
def test_invalid_answers(mini_catalog: Catalog, key: str, value: Any, code: str) -> None:
    assert errors(mini_catalog, {**GOOD, key: value}) == {key: code}


def test_error_messages_are_bilingual_with_localised_numbers(mini_catalog: Catalog) -> None:
    with pytest.raises(ValidationFailed) as info:
        clean(mini_catalog, {**GOOD, "floors": "31"})
    (error,) = info.value.errors
    assert error.messages == {
        "en": "Enter a number no larger than 30",
        "fa": "عددی بزرگ‌تر از \u2066۳۰\u2069 وارد نکنید",
    }


def test_date_bounds_are_relative_to_today(mini_catalog: Catalog) -> None:
    service = mini_catalog.service("street-lights")
    visit = service.field("visit")
    tomorrow = dt.date(2026, 11, 28)  # 1405-09-07
    assert clean_field(mini_catalog, service, visit, "1405-09-07", today=TODAY) == "1405-09-07"
    with pytest.raises(FieldError) as info:
        clean_field(mini_catalog, service, visit, "1405-09-07", today=tomorrow)
    assert info.value.code == "date_too_early"
    assert info.value.render("fa") == "تاریخی از \u2066۱۴۰۵/۰۹/۰۸\u2069 به بعد وارد کنید"


def test_payment_id_is_checked_against_the_bill_id(mini_catalog: Catalog) -> None:
    ok = clean(mini_catalog, {"bill_id": "7748317800142", "payment_id": "۱۷۷۰۱۶۰"}, "bill-inquiry")
    assert ok == {"bill_id": "7748317800142", "payment_id": "1770160"}
    assert errors(
        mini_catalog, {"bill_id": "2234322344613", "payment_id": "1070189"}, "bill-inquiry"
    ) == {"bill_id": "bill_id_checksum"}
    assert errors(
        mini_catalog, {"bill_id": "2050327604613", "payment_id": "1770160"}, "bill-inquiry"
    ) == {"payment_id": "payment_id_checksum"}


def test_national_code(mini_catalog: Catalog) -> None:
    assert clean(mini_catalog, {"national_code": "۰۰۷۶۲۲۹۶۴۵", "rating": "5"}, "survey") == {
        "national_code": "0076229645",
        "rating": "5",
    }
    assert errors(mini_catalog, {"national_code": "0684159415", "rating": "5"}, "survey") == {
        "national_code": "national_code_checksum"
    }
    assert errors(mini_catalog, {"national_code": "3333333333", "rating": "5"}, "survey") == {
        "national_code": "national_code_repeated_digits"
    }
