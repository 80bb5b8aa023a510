"""Validation and normalisation of Iranian identifiers typed at the kiosk.

Every validator takes the raw text a citizen typed or a scanner produced, accepts Persian
(``۰``-``۹``), Arabic-Indic (``٠``-``٩``) and ASCII digits, ignores spaces and dashes, and returns
the canonical ASCII form to store. Invalid input raises :class:`InvalidIdentifier`, whose ``kind``
names the field and whose ``reason`` says what is wrong in machine-readable form, so that the UI can
pick a translated message and point at the right field. Non-string input raises :class:`TypeError`.

The algorithms are described in ``PRODUCT.md`` ("Identifiers").
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Final

from kiosk.text import digits_only

__all__ = [
    "KINDS",
    "MOBILE_PREFIXES",
    "POSTAL_WARNING_PATTERN",
    "POSTAL_WARNING_REPEATED",
    "REASONS",
    "Bill",
    "BillType",
    "InvalidIdentifier",
    "bill",
    "bill_check_digit",
    "format_sheba",
    "mobile",
    "national_code",
    "postal_code",
    "postal_code_warning",
    "sheba",
]

KINDS: Final = frozenset(
    {"national_code", "mobile", "postal_code", "sheba", "bill_id", "payment_id"}
)
"""Values of :attr:`InvalidIdentifier.kind`."""

REASONS: Final = frozenset(
    {
        "empty",  # nothing but spaces and dashes was typed
        "not_digits",  # a character other than a digit (or the allowed prefix) is present
        "length",  # the wrong number of digits
        "checksum",  # a check digit does not match
        "repeated_digits",  # all digits equal (national code)
        "prefix",  # not an allocated mobile prefix, or not a mobile number at all
        "country",  # a non-Iranian country code (mobile, Sheba) or a missing "IR" (Sheba)
        "service_type",  # bill type digit 0
        "amount",  # reserved: payment amount out of range (cannot occur with the current rules)
    }
)
"""Values of :attr:`InvalidIdentifier.reason`."""

_REASON_TEXT: Final = {
    "empty": "is empty",
    "not_digits": "contains characters other than digits",
    "length": "has the wrong number of digits",
    "checksum": "fails its check digit",
    "repeated_digits": "consists of one repeated digit",
    "prefix": "does not start with an allocated prefix",
    "country": "does not have the Iranian country code",
    "service_type": "has an invalid service type digit",
    "amount": "has an invalid amount",
}

_KIND_TEXT: Final = {
    "national_code": "National code",
    "mobile": "Mobile number",
    "postal_code": "Postal code",
    "sheba": "Sheba number",
    "bill_id": "Bill ID",
    "payment_id": "Payment ID",
}


class InvalidIdentifier(ValueError):
    """An identifier failed validation.

    Attributes:
        kind: the field, one of :data:`KINDS`.
        reason: what is wrong, one of :data:`REASONS`.
    """

    kind: str
    reason: str

    def __init__(self, kind: str, reason: str, detail: str | None = None) -> None:
        self.kind = kind
        self.reason = reason
        self.detail = detail
        message = f"{_KIND_TEXT.get(kind, kind)} {_REASON_TEXT.get(reason, reason)}"
        if detail:
            message = f"{message} ({detail})"
        super().__init__(f"{message}.")

    def __reduce__(self) -> tuple[type[InvalidIdentifier], tuple[str, str, str | None]]:
        return (type(self), (self.kind, self.reason, self.detail))


def _is_ascii_digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


def _clean(value: object, kind: str) -> str:
    """Type-check, normalise digits, drop separators; reject empty input."""
    if not isinstance(value, str):
        raise TypeError(f"{kind} must be a str, not {type(value).__name__}")
    cleaned = digits_only(value)
    if not cleaned:
        raise InvalidIdentifier(kind, "empty")
    return cleaned


def _digits(value: object, kind: str) -> str:
    """Like :func:`_clean`, and require ASCII digits only."""
    cleaned = _clean(value, kind)
    if not _is_ascii_digits(cleaned):
        raise InvalidIdentifier(kind, "not_digits")
    return cleaned


# --- national code ---------------------------------------------------------------------------


def national_code(value: str) -> str:
    """Validate an Iranian national code (کد ملی) and return its 10 ASCII digits.

    Codes of 8 or 9 digits are left-padded with zeros (leading zeros are often dropped). Weights
    10..2 apply to the first nine digits; with ``r = sum % 11`` the check digit is ``r`` if
    ``r < 2`` else ``11 - r``. Ten equal digits are rejected (reason ``"repeated_digits"``).
    """
    digits = _digits(value, "national_code")
    if not 8 <= len(digits) <= 10:
        raise InvalidIdentifier("national_code", "length", f"{len(digits)} digits, expected 10")
    code = digits.zfill(10)
    if len(set(code)) == 1:
        raise InvalidIdentifier("national_code", "repeated_digits")
    r = sum(int(d) * w for d, w in zip(code[:9], range(10, 1, -1), strict=True)) % 11
    check = r if r < 2 else 11 - r
    if int(code[9]) != check:
        raise InvalidIdentifier("national_code", "checksum")
    return code


# --- mobile ----------------------------------------------------------------------------------

MOBILE_PREFIXES: Final[frozenset[str]] = frozenset(
    [f"{p}" for p in range(900, 906)]
    + [f"{p}" for p in range(910, 920)]
    + [f"{p}" for p in range(920, 924)]
    + [f"{p}" for p in range(930, 940)]
    + ["941"]
    + [f"{p}" for p in range(990, 1000)]
)
"""Allocated Iranian mobile prefixes (the ``9xx`` after the trunk ``0``). The single table."""

_MOBILE_RE: Final = re.compile(r"(?:\+98|98|0098|0)?9[0-9]{9}")


def _mobile_reason(cleaned: str) -> str:
    """Explain why ``cleaned`` (digits and maybe a leading ``+``) is not a mobile number."""
    if not _is_ascii_digits(cleaned.removeprefix("+")):
        return "not_digits"
    if cleaned.startswith("+"):
        if not cleaned.startswith("+98"):
            return "country"
        national = cleaned[3:]
    elif cleaned.startswith("0098"):
        national = cleaned[4:]
    elif cleaned.startswith("00"):
        return "country"
    elif cleaned.startswith("0"):
        national = cleaned[1:]
    elif cleaned.startswith("98") and len(cleaned) == 12:
        national = cleaned[2:]
    else:
        national = cleaned
    if len(national) != 10:
        return "length"
    return "prefix"  # ten digits, but not 9xx...


def mobile(value: str) -> str:
    """Validate an Iranian mobile number and return it as ``09XXXXXXXXX``.

    Accepted forms match ``^(\\+98|98|0098|0)?9\\d{9}$`` after digit normalisation (a leading ``+``
    is kept for the check). The ``9xx`` prefix must be in :data:`MOBILE_PREFIXES` (reason
    ``"prefix"`` otherwise); a foreign country code gives reason ``"country"``.
    """
    cleaned = _clean(value, "mobile")
    if _MOBILE_RE.fullmatch(cleaned) is None:
        raise InvalidIdentifier("mobile", _mobile_reason(cleaned))
    national = cleaned[-10:]
    if national[:3] not in MOBILE_PREFIXES:
        raise InvalidIdentifier("mobile", "prefix", f"0{national[:3]} is not allocated")
    return f"0{national}"


# --- postal code -----------------------------------------------------------------------------

POSTAL_WARNING_REPEATED: Final = "repeated_digits"
"""Warning: the postal code is one digit repeated ten times."""
POSTAL_WARNING_PATTERN: Final = "suspicious_pattern"
"""Warning: a 0 or a 2 among the first five digits, which Iranian postal codes do not use."""


def postal_code(value: str) -> str:
    """Validate an Iranian postal code (کد پستی): exactly 10 digits. Return the ASCII digits.

    Only the length is a hard rule; see :func:`postal_code_warning` for structural doubts.
    """
    digits = _digits(value, "postal_code")
    if len(digits) != 10:
        raise InvalidIdentifier("postal_code", "length", f"{len(digits)} digits, expected 10")
    return digits


def postal_code_warning(value: str) -> str | None:
    """Return a machine-readable warning for a postal code that looks odd, else ``None``.

    Returns :data:`POSTAL_WARNING_REPEATED` for ten equal digits and :data:`POSTAL_WARNING_PATTERN`
    when the first five digits contain a 0 or a 2. A warning must never block the citizen. The value
    is validated first: an invalid postal code raises :class:`InvalidIdentifier`.
    """
    code = postal_code(value)
    if len(set(code)) == 1:
        return POSTAL_WARNING_REPEATED
    if "0" in code[:5] or "2" in code[:5]:
        return POSTAL_WARNING_PATTERN
    return None


# --- Sheba (IBAN) ----------------------------------------------------------------------------


def _iban_mod97(iban: str) -> int:
    """ISO 7064 mod 97-10 over an upper-case IBAN of ASCII letters and digits."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97


def sheba(value: str) -> str:
    """Validate an Iranian IBAN (شبا) and return ``"IR"`` followed by 24 ASCII digits.

    Lower-case ``ir``, spaces, dashes and Persian or Arabic-Indic digits are accepted. The ``IR``
    prefix is required: another or a missing country code gives reason ``"country"``. The check is
    ISO 7064 mod 97-10 (the number must be 1 modulo 97); check digits 00, 01 and 99 are never valid.
    """
    cleaned = _clean(value, "sheba")
    country = cleaned[:2].upper()
    if not (country.isascii() and country.isalpha() and len(country) == 2):
        raise InvalidIdentifier("sheba", "country", "must start with IR")
    if country != "IR":
        raise InvalidIdentifier("sheba", "country", f"{country} is not IR")
    body = cleaned[2:]
    if body and not _is_ascii_digits(body):
        raise InvalidIdentifier("sheba", "not_digits")
    if len(body) != 24:
        raise InvalidIdentifier("sheba", "length", f"{len(body)} digits after IR, expected 24")
    iban = f"IR{body}"
    if iban[2:4] in {"00", "01", "99"} or _iban_mod97(iban) != 1:
        raise InvalidIdentifier("sheba", "checksum")
    return iban


def format_sheba(s: str) -> str:
    """Validate ``s`` with :func:`sheba` and group it by four for display.

    ``"IR062960000000100324200001"`` becomes ``"IR06 2960 0000 0010 0324 2000 01"``. Wrap the result
    in :func:`kiosk.text.isolate` inside Persian text.
    """
    iban = sheba(s)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


# --- bills -----------------------------------------------------------------------------------


def bill_check_digit(digits: str) -> int:
    """The bill check function CD: weights 2,3,4,5,6,7,2,3,... from the right, ``r = sum % 11``.

    Returns 0 if ``r < 2`` else ``11 - r``. ``digits`` must be ASCII digits (``ValueError``
    otherwise); the empty string gives 0.
    """
    if digits and not _is_ascii_digits(digits):
        raise ValueError(f"bill_check_digit needs ASCII digits, got {digits!r}")
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(digits)))
    r = total % 11
    return 0 if r < 2 else 11 - r


class BillType(enum.Enum):
    """Service type: the second-from-last digit of a bill ID.

    This enum is the single table of bill types. Public sources agree on 1-6 but disagree on 7-9
    (some call 7 "municipality" or "other", 8 "tax" or "other", 9 "traffic fines" or "other");
    change it here and nowhere else. Digit 0 is invalid.
    """

    WATER = 1
    ELECTRICITY = 2
    GAS = 3
    LANDLINE = 4
    MOBILE = 5
    MUNICIPALITY = 6
    OTHER = 7
    TAX = 8
    TRAFFIC_FINES = 9


@dataclass(frozen=True)
class Bill:
    """A validated bill (and, when given, payment) identifier pair.

    ``bill_id`` and ``payment_id`` are ASCII digits without leading zeros. ``company_code`` is the
    three digits before the type digit. The payment fields are ``None`` when no payment ID was
    given.
    """

    bill_id: str
    service_type: BillType
    company_code: str
    payment_id: str | None = None
    amount_rials: int | None = None
    year_digit: int | None = None
    period: int | None = None

    def year(self, this_year: int) -> int | None:
        """The (Jalali) year of the bill: the payment ID keeps only its last digit, so the
        latest year ending in that digit, not after ``this_year`` (a bill is paid within
        months, never ten years later)."""
        if self.year_digit is None:
            return None
        return this_year - (this_year - self.year_digit) % 10


def _strip_zeros(value: str, kind: str) -> str:
    digits = _digits(value, kind).lstrip("0")
    if not 6 <= len(digits) <= 13:
        raise InvalidIdentifier(kind, "length", f"{len(digits)} digits, expected 6 to 13")
    return digits


def bill(bill_id: str, payment_id: str | None = None) -> Bill:
    """Validate a bill ID (شناسه قبض) and optionally its payment ID (شناسه پرداخت).

    Bill ID: 6-13 digits after stripping leading zeros; the last digit is CD of the others; the
    second from last is the :class:`BillType` (0 is invalid, reason ``"service_type"``).

    Payment ID: 6-13 digits after stripping leading zeros: amount in thousands of rials, a year
    digit, a two-digit period, then ``C1 = CD(pid[:-2])`` and ``C2 = CD(bill_id + pid[:-1])``.
    Errors in the bill ID have kind ``"bill_id"``; errors in the payment ID, including a C2
    mismatch that ties it to the bill ID, have kind ``"payment_id"``.
    """
    bid = _strip_zeros(bill_id, "bill_id")
    if bill_check_digit(bid[:-1]) != int(bid[-1]):
        raise InvalidIdentifier("bill_id", "checksum")
    type_digit = int(bid[-2])
    if type_digit == 0:
        raise InvalidIdentifier("bill_id", "service_type", "type digit 0")
    service_type = BillType(type_digit)
    company_code = bid[-5:-2].zfill(3)
    if payment_id is None:
        return Bill(bid, service_type, company_code)

    pid = _strip_zeros(payment_id, "payment_id")
    if bill_check_digit(pid[:-2]) != int(pid[-2]):
        raise InvalidIdentifier("payment_id", "checksum", "first check digit")
    if bill_check_digit(bid + pid[:-1]) != int(pid[-1]):
        raise InvalidIdentifier("payment_id", "checksum", "second check digit, tied to the bill ID")
    return Bill(
        bill_id=bid,
        service_type=service_type,
        company_code=company_code,
        payment_id=pid,
        amount_rials=int(pid[:-5]) * 1000,
        year_digit=int(pid[-5]),
        period=int(pid[-4:-2]),
    )
