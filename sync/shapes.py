"""Check the city server's answers before the engine uses them (protocol v1 shapes).

A server answer is untrusted input: a broken proxy's HTML, a list where an object belongs, a
cursor past 64 bits, a date that is not one. Each function here takes decoded JSON and returns
it typed as the protocol says (``sync.protocol``), or raises :class:`ShapeError` naming the
first thing that is wrong (never quoting a value: the message goes into logs and onto staff
screens). Pure functions, standard library only.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Final, cast

from sync import protocol as p

MAX_CURSOR: Final = 2**63 - 1  # the server's cursors are 64-bit sequences
MAX_KIOSK_NUMBER: Final = 9999
MAX_TEXT: Final = 100_000  # characters of any one text (a note, an announcement's body)
MAX_ID: Final = 200


class ShapeError(ValueError):
    """The answer does not have the protocol's shape; the message says where."""


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def obj(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ShapeError(f"{where}: expected an object, got {_kind(value)}")
    return cast(dict[str, Any], value)


def items(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ShapeError(f"{where}: expected a list, got {_kind(value)}")
    return value


def text(
    data: dict[str, Any], key: str, where: str, *, optional: bool = False, limit: int = MAX_TEXT
) -> str | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ShapeError(f"{where}.{key}: expected a string, got {_kind(value)}")
    if len(value) > limit:
        raise ShapeError(f"{where}.{key}: longer than {limit} characters")
    return value


def whole(data: dict[str, Any], key: str, where: str, low: int, high: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ShapeError(f"{where}.{key}: expected a whole number, got {_kind(value)}")
    if not low <= value <= high:
        raise ShapeError(f"{where}.{key}: out of range ({low} to {high})")
    return value


def flag(data: dict[str, Any], key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ShapeError(f"{where}.{key}: expected true or false, got {_kind(value)}")
    return value


def moment(data: dict[str, Any], key: str, where: str, *, optional: bool = False) -> str | None:
    value = text(data, key, where, optional=optional, limit=64)
    if value is None:
        return None
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ShapeError(f"{where}.{key}: not an ISO 8601 date and time") from None
    return value


def server_time(data: object, where: str = "time") -> float:
    value = obj(data, where).get("server_time")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ShapeError(f"{where}.server_time: expected a number of seconds")
    return float(value)


def enroll_response(data: object) -> p.EnrollResponse:
    where = "enrollment"
    answer = obj(data, where)
    text(answer, "kiosk_id", where, limit=MAX_ID)
    whole(answer, "kiosk_number", where, 0, MAX_KIOSK_NUMBER)
    secret = text(answer, "secret", where, limit=MAX_ID)
    if not secret:
        raise ShapeError(f"{where}.secret: empty")
    return cast(p.EnrollResponse, answer)


def push_response(data: object) -> p.PushResponse:
    where = "push"
    answer = obj(data, where)
    for i, item in enumerate(items(answer.get("results"), f"{where}.results")):
        at = f"{where}.results[{i}]"
        result = obj(item, at)
        text(result, "id", at, limit=MAX_ID)
        status = text(result, "status", at, limit=32)
        if status not in (p.ACCEPTED, p.DUPLICATE, p.REJECTED):
            raise ShapeError(f"{at}.status: not accepted, duplicate or rejected")
        text(result, "server_ref", at, optional=True, limit=MAX_ID)
        text(result, "reason", at, optional=True, limit=MAX_ID)
        text(result, "message", at, optional=True, limit=1000)
    return cast(p.PushResponse, answer)


def _page(data: object, where: str, key: str) -> tuple[dict[str, Any], list[Any]]:
    page = obj(data, where)
    entries = items(page.get(key), f"{where}.{key}")
    whole(page, "cursor", where, 0, MAX_CURSOR)
    flag(page, "more", where)
    return page, entries


def status_page(data: object) -> p.StatusPage:
    where = "statuses"
    page, updates = _page(data, where, "updates")
    for i, item in enumerate(updates):
        at = f"{where}.updates[{i}]"
        update = obj(item, at)
        text(update, "id", at, limit=MAX_ID)
        text(update, "status", at, limit=64)
        text(update, "note", at, optional=True)
        moment(update, "changed_at", at)
        text(update, "server_ref", at, optional=True, limit=MAX_ID)
    return cast(p.StatusPage, page)


def announcement_page(data: object) -> p.AnnouncementPage:
    where = "announcements"
    page, entries = _page(data, where, "announcements")
    for i, item in enumerate(entries):
        at = f"{where}.announcements[{i}]"
        entry = obj(item, at)
        text(entry, "id", at, limit=MAX_ID)
        if flag(entry, "deleted", at):
            continue
        for part in ("title", "body"):
            texts = obj(entry.get(part), f"{at}.{part}")
            for lang in ("fa", "en"):
                text(texts, lang, f"{at}.{part}")
        moment(entry, "published_at", at)
        moment(entry, "expires_at", at, optional=True)
    return cast(p.AnnouncementPage, page)
