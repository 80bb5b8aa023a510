"""Checking one pushed transaction: its shape, its service, its answers (the kiosk's own rules).

The kiosk validated every answer with :func:`kiosk.forms.clean_answers` before it committed the
transaction, so the server applies the same function to the same catalog: a valid item is never
refused. Date limits such as "today+1" are resolved against the day the citizen filed (the
kiosk's ``created_at``; the kiosk's local date may be a day either side of the UTC date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any, Final, NamedTuple

from kiosk.catalog import Catalog, Service, ServiceKind, UnknownService
from kiosk.forms import Answer, ValidationFailed, clean_answers
from kiosk.tracking import (
    KIOSK_DIGITS,
    MAX_KIOSK_NUMBER,
    MAX_SEQ,
    NO_KIOSK_NUMBER,
    OPEN311_KIOSK_NUMBER,
    InvalidTrackingCode,
    make_tracking_code,
    parse_tracking_code,
)
from sync import protocol

MAX_ERRORS_SHOWN: Final = 3
# When a transaction may have been filed, whatever the kiosk's clock says (a date a day either
# side of these, as the answers' date limits need, is still a valid date).
EARLIEST: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST: Final = dt.datetime(2999, 12, 31, tzinfo=dt.UTC)
_ONE_DAY: Final = dt.timedelta(days=1)
_CANONICAL_UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CHANNELS: Final = frozenset({"kiosk", "counter"})
_REQUIRED_TYPES: Final[Mapping[str, type | tuple[type, ...]]] = {
    "id": str,
    "tracking_code": str,
    "kiosk_number": int,
    "seq": int,
    "service_code": str,
    "catalog_version": str,
    "answers": dict,
    "lang": str,
    "created_at": str,
    "channel": str,
    "staff_id": (str, type(None)),
    "replaces_id": (str, type(None)),
}
_CHECKED: Final = tuple(dict.fromkeys((*protocol.WIRE_FIELDS, *_REQUIRED_TYPES)))
_TYPED_VALUES: Final = itemgetter(*_CHECKED)  # KeyError when a field is missing
_TYPES: Final = tuple(_REQUIRED_TYPES.get(k, object) for k in _CHECKED)


class Rejected(Exception):
    """The item is refused; ``reason`` is one of the protocol's ``REJECT_*`` codes."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class WireItem(NamedTuple):
    """A pushed transaction whose shape is right (its answers not yet checked).

    A named tuple: a thousand are made per push, and a tuple is made faster than a frozen
    dataclass (whose every field is set through ``object.__setattr__``).
    """

    id: str
    tracking_code: str
    kiosk_number: int
    seq: int
    service_code: str
    catalog_version: str
    answers: dict[str, Any]
    lang: str
    created_at: dt.datetime
    channel: str
    staff_id: str | None
    replaces_id: str | None


def item_id(raw: object) -> str:
    """The id a result names, even for an item too broken to parse."""
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return str(raw["id"])[:64]
    return ""


def canonical_uuid(value: str, name: str) -> str:
    if _CANONICAL_UUID.fullmatch(value):  # what str(UUID(value)) would give back: skip the work
        return value
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError):
        raise Rejected(protocol.REJECT_MALFORMED, f"{name!r} is not a UUID") from None


def parse_time(value: str, name: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
        utc = parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
    except ValueError:
        raise Rejected(
            protocol.REJECT_MALFORMED, f"{name!r} is not an ISO 8601 time: {value[:40]!r}"
        ) from None
    except OverflowError:  # year 1 or 9999 with an offset
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise Rejected(
            protocol.REJECT_MALFORMED,
            f"{name!r} is out of range ({EARLIEST.year}-{LATEST.year}): {value[:40]!r}",
        )
    return utc


def parse_item(raw: object) -> WireItem:
    """Check the shape of one pushed transaction; raise :class:`Rejected` (``malformed``)."""
    if not isinstance(raw, dict):
        raise Rejected(protocol.REJECT_MALFORMED, "an item must be a JSON object")
    try:
        typed = _TYPED_VALUES(raw)
    except KeyError:
        missing = [k for k in protocol.WIRE_FIELDS if k not in raw]
        raise Rejected(
            protocol.REJECT_MALFORMED, f"missing field(s): {', '.join(missing)}"
        ) from None
    # All the type checks at once (in C); on a failure, find the first one as it is reported.
    if not all(map(isinstance, typed, _TYPES)) or bool in map(type, typed):
        for key, expected in _REQUIRED_TYPES.items():
            value = raw[key]
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise Rejected(protocol.REJECT_MALFORMED, f"{key!r} has the wrong type")
    try:
        code = parse_tracking_code(raw["tracking_code"]).code
    except InvalidTrackingCode as exc:
        raise Rejected(protocol.REJECT_MALFORMED, f"'tracking_code': {exc}") from None
    if raw["channel"] not in _CHANNELS:
        raise Rejected(protocol.REJECT_MALFORMED, "'channel' must be 'kiosk' or 'counter'")
    for key, limit in (("service_code", 40), ("catalog_version", 64), ("lang", 8)):
        if not 0 < len(raw[key]) <= limit:
            raise Rejected(protocol.REJECT_MALFORMED, f"{key!r} must be 1-{limit} characters")
    if raw["staff_id"] is not None and len(raw["staff_id"]) > 64:
        raise Rejected(protocol.REJECT_MALFORMED, "'staff_id' must be at most 64 characters")
    if not 0 <= raw["kiosk_number"] <= MAX_KIOSK_NUMBER or not 1 <= raw["seq"] <= MAX_SEQ:
        raise Rejected(protocol.REJECT_MALFORMED, "'kiosk_number' or 'seq' is out of range")
    return WireItem(
        id=canonical_uuid(raw["id"], "id"),
        tracking_code=code,
        kiosk_number=raw["kiosk_number"],
        seq=raw["seq"],
        service_code=raw["service_code"],
        catalog_version=raw["catalog_version"],
        answers=raw["answers"],
        lang=raw["lang"],
        created_at=parse_time(raw["created_at"], "created_at"),
        channel=raw["channel"],
        staff_id=raw["staff_id"],
        replaces_id=(
            None
            if raw["replaces_id"] is None
            else canonical_uuid(raw["replaces_id"], "replaces_id")
        ),
    )


def check_claims(item: WireItem, kiosk_number: int) -> None:
    """What the item says about where it comes from must be true of the kiosk that signed it.

    Its ``kiosk_number`` is the signing kiosk's (never 0000, no kiosk's, or 9999, the number of
    the server's own Open311 filings), and its tracking code is the one that number and its
    ``seq`` make. (That no other request has the code, the database decides.)
    """
    number = item.kiosk_number
    if number in (NO_KIOSK_NUMBER, OPEN311_KIOSK_NUMBER):
        raise Rejected(
            protocol.REJECT_RESERVED_NUMBER,
            f"kiosk number {number:04d} is reserved (0000: no kiosk; 9999: requests filed "
            "through Open311) and is never a kiosk's",
        )
    if number != kiosk_number:
        raise Rejected(
            protocol.REJECT_WRONG_KIOSK,
            f"'kiosk_number' is {number}, but this batch is signed by kiosk {kiosk_number}",
        )
    code = item.tracking_code  # parse_item checked its digits and check digit
    if int(code[:KIOSK_DIGITS]) != number or int(code[KIOSK_DIGITS:-1]) != item.seq:
        raise Rejected(
            protocol.REJECT_WRONG_TRACKING_CODE,
            f"'tracking_code' {code} is not the code of kiosk {number} and seq {item.seq} "
            f"({make_tracking_code(number, item.seq)})",
        )


def describe_errors(exc: ValidationFailed) -> str:
    shown = "; ".join(f"{e.key}: {e.render('en')}" for e in exc.errors[:MAX_ERRORS_SHOWN])
    more = len(exc.errors) - MAX_ERRORS_SHOWN
    return shown + (f" (and {more} more)" if more > 0 else "")


def find_service(catalogs: Sequence[Catalog], code: str) -> tuple[Catalog, Service]:
    """The first catalog that has the service ``code``, and the service."""
    for catalog in catalogs:
        try:
            service = catalog.service(code)
        except UnknownService:
            continue
        if not service.queued:
            raise Rejected(
                protocol.REJECT_UNKNOWN_SERVICE,
                f"{code!r} is answered on the kiosk ({service.kind.value}); nothing is filed",
            )
        return catalog, service
    raise Rejected(protocol.REJECT_UNKNOWN_SERVICE, f"no service {code!r} in the catalog")


def check_answers(
    catalog: Catalog, service: Service, answers: Mapping[str, object], filed: dt.date
) -> dict[str, Answer]:
    """The answers cleaned by the kiosk's rules as of the day they were filed (±1 day)."""
    try:
        return clean_answers(catalog, service, answers, today=filed)
    except ValidationFailed as exc:
        first = exc
    if any(e.code.startswith("date_") for e in first.errors):  # only date limits depend on it
        for today in (filed + _ONE_DAY, filed - _ONE_DAY):
            try:
                return clean_answers(catalog, service, answers, today=today)
            except ValidationFailed as exc:
                if not any(e.code.startswith("date_") for e in exc.errors):
                    break
    raise Rejected(protocol.REJECT_INVALID_ANSWERS, describe_errors(first))


def survey_key(service: Service, answers: Mapping[str, Answer]) -> str | None:
    """For a survey: SHA-256 of the service code and the national code (one answer each)."""
    if service.kind is not ServiceKind.SURVEY or service.unique_by is None:
        return None
    national_code = answers.get(service.unique_by)
    return hashlib.sha256(f"{service.code}\n{national_code}".encode()).hexdigest()
