"""Tracking codes issued offline by a kiosk, protected by a Damm check digit.

A code is the kiosk number (4 digits), a per-kiosk sequence number (at least 6 digits, more when
it grows past 999999) and one Damm check digit over everything before it: ``01230045713`` is shown
as ``0123-004571-3``. The Damm algorithm catches every single-digit substitution and every
transposition of two adjacent digits, the two most common typing mistakes, so a mistyped code is
rejected instead of silently matching another citizen's request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from kiosk.text import digits_only, to_ascii_digits

__all__ = [
    "DAMM_TABLE",
    "MAX_KIOSK_NUMBER",
    "MAX_SEQ",
    "MAX_STATION_NUMBER",
    "MIN_CODE_LENGTH",
    "NO_KIOSK_NUMBER",
    "OPEN311_KIOSK_NUMBER",
    "InvalidTrackingCode",
    "TrackingCode",
    "damm_check_digit",
    "damm_valid",
    "format_tracking_code",
    "make_tracking_code",
    "parse_tracking_code",
    "redact_numbers",
]

DAMM_TABLE: Final[tuple[tuple[int, ...], ...]] = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
"""The standard totally anti-symmetric quasigroup of order 10 (Damm, 2004)."""

KIOSK_DIGITS: Final = 4
SEQ_MIN_DIGITS: Final = 6
MAX_KIOSK_NUMBER: Final = 10**KIOSK_DIGITS - 1
NO_KIOSK_NUMBER: Final = 0
"""Not a kiosk's number: a kiosk without one (not enrolled, none configured) files nothing."""
OPEN311_KIOSK_NUMBER: Final = MAX_KIOSK_NUMBER
"""The city server's own number, in the codes of requests filed through Open311."""
MAX_STATION_NUMBER: Final = OPEN311_KIOSK_NUMBER - 1
"""The highest number a kiosk can have (1..9998)."""
MAX_SEQ: Final = 10**12 - 1
"""Upper bound on sequence numbers, so codes stay printable and typeable (at most 17 digits)."""
MIN_CODE_LENGTH: Final = KIOSK_DIGITS + SEQ_MIN_DIGITS + 1
MAX_CODE_LENGTH: Final = KIOSK_DIGITS + len(str(MAX_SEQ)) + 1


def _is_ascii_digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


def _as_str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"tracking code must be a str, not {type(value).__name__}")
    return value


def damm_check_digit(digits: str) -> int:
    """Return the Damm check digit for ``digits`` (ASCII digits; ``ValueError`` otherwise)."""
    if digits and not _is_ascii_digits(digits):
        raise ValueError(f"damm_check_digit needs ASCII digits, got {digits!r}")
    interim = 0
    for d in digits:
        interim = DAMM_TABLE[interim][ord(d) - 48]
    return interim


def damm_valid(digits: str) -> bool:
    """True if ``digits`` is a non-empty ASCII digit string ending in its correct Damm digit."""
    return bool(digits) and _is_ascii_digits(digits) and damm_check_digit(digits) == 0


class InvalidTrackingCode(ValueError):
    """A tracking code was mistyped.

    ``reason`` is one of ``"empty"``, ``"not_digits"``, ``"length"`` and ``"checksum"``.
    """

    reason: str

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)

    def __reduce__(self) -> tuple[type[InvalidTrackingCode], tuple[str, str]]:
        return (type(self), (self.reason, str(self)))


@dataclass(frozen=True)
class TrackingCode:
    """A parsed tracking code; ``code`` is the canonical ASCII digit string."""

    kiosk_number: int
    seq: int
    code: str


def make_tracking_code(kiosk_number: int, seq: int) -> str:
    """Issue the code for request ``seq`` (1..:data:`MAX_SEQ`) of kiosk ``kiosk_number`` (0..9999).

    Returns ASCII digits only: 4 kiosk digits, the sequence zero-padded to at least 6 digits, then
    the Damm check digit. Raises ``ValueError`` for out-of-range input, ``TypeError`` for non-ints.
    """
    for name, number in (("kiosk_number", kiosk_number), ("seq", seq)):
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError(f"{name} must be an int, not {type(number).__name__}")
    if not 0 <= kiosk_number <= MAX_KIOSK_NUMBER:
        raise ValueError(f"kiosk_number must be in 0..{MAX_KIOSK_NUMBER}, got {kiosk_number}")
    if not 1 <= seq <= MAX_SEQ:
        raise ValueError(f"seq must be in 1..{MAX_SEQ}, got {seq}")
    body = f"{kiosk_number:0{KIOSK_DIGITS}d}{seq:0{SEQ_MIN_DIGITS}d}"
    return f"{body}{damm_check_digit(body)}"


def parse_tracking_code(value: str) -> TrackingCode:
    """Parse a typed tracking code.

    Persian, Arabic-Indic and ASCII digits are accepted, with or without dashes and spaces. Raises
    :class:`InvalidTrackingCode` with reason ``"empty"``, ``"not_digits"``, ``"length"`` (fewer
    than 11 or more than 17 digits, or a sequence padded with more zeros than a kiosk would print)
    or ``"checksum"`` (a wrong Damm digit, or sequence number 0, which is never issued).
    """
    code = digits_only(_as_str(value))
    if not code:
        raise InvalidTrackingCode("empty", "Tracking code is empty.")
    if not _is_ascii_digits(code):
        raise InvalidTrackingCode("not_digits", "Tracking code contains non-digit characters.")
    if not MIN_CODE_LENGTH <= len(code) <= MAX_CODE_LENGTH:
        raise InvalidTrackingCode(
            "length",
            f"Tracking code has {len(code)} digits, expected {MIN_CODE_LENGTH} to "
            f"{MAX_CODE_LENGTH}.",
        )
    if not damm_valid(code):
        raise InvalidTrackingCode("checksum", "Tracking code fails its check digit.")
    seq_part = code[KIOSK_DIGITS:-1]
    if len(seq_part) > SEQ_MIN_DIGITS and seq_part.startswith("0"):
        raise InvalidTrackingCode("length", "Tracking code has extra leading zeros.")
    seq = int(seq_part)
    if seq == 0:
        raise InvalidTrackingCode("checksum", "Tracking code has sequence number 0.")
    return TrackingCode(kiosk_number=int(code[:KIOSK_DIGITS]), seq=seq, code=code)


def format_tracking_code(code: str) -> str:
    """Validate ``code`` and format it as ``kiosk-seq-check``, e.g. ``0123-004571-3``.

    Raises :class:`InvalidTrackingCode` like :func:`parse_tracking_code`. Wrap the result in
    :func:`kiosk.text.isolate` inside Persian text, or the groups are shown in reverse order.
    """
    digits = parse_tracking_code(code).code
    return f"{digits[:KIOSK_DIGITS]}-{digits[KIOSK_DIGITS:-1]}-{digits[-1]}"


_LONG_NUMBER = re.compile(r"\d(?:[ \-]?\d){7,}")
_TRACKING_SHAPE = re.compile(r"\d{4}-\d{6,}-\d")


def redact_numbers(text: str) -> str:
    """Replace runs of 8 or more digits (a national code, a mobile number) with ``***``.

    Staff-typed reasons go into the audit log, which is never purged. A valid tracking code
    written with its dashes (``0123-004571-8``) is kept: it identifies a request, not a person.
    """

    def replace(match: re.Match[str]) -> str:
        found = match.group()
        if _TRACKING_SHAPE.fullmatch(found) and damm_valid(found.replace("-", "")):
            return found
        return "***"

    return _LONG_NUMBER.sub(replace, to_ascii_digits(text))
