"""The Open311 POST body: form-encoded only, bounded, and each standard field checked.

The body is at most :data:`cityserver.limits.OPEN311_MAX_BYTES` (the limit applies before it is
read), multipart is refused (415: no file is ever spooled), at most :data:`MAX_FIELDS` fields,
and every value is UTF-8 without control characters (line breaks only where a text may have
them) and within its field's length. ``media_url`` must be an ``http`` or ``https`` URL: a
``javascript:`` or ``data:`` URL would be republished to every reader.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final
from urllib.parse import parse_qsl, urlsplit

from cityserver.open311 import Open311Error

FORM_TYPE: Final = "application/x-www-form-urlencoded"
MAX_FIELDS: Final = 200
MAX_NAME: Final = 100
MAX_ATTRIBUTE: Final = 10_000  # the catalog's longest text answer
STANDARD_LIMITS: Final[Mapping[str, int]] = {
    "api_key": 200,
    "service_code": 40,
    "jurisdiction_id": 64,
    "locale": 16,
    "lat": 32,
    "long": 32,
    "address_string": 500,
    "address_id": 64,
    "email": 254,
    "device_id": 128,
    "account_id": 128,
    "first_name": 100,
    "last_name": 100,
    "phone": 32,
    "description": 4000,
    "media_url": 2000,
}
MULTILINE: Final = frozenset({"description"})  # and the attributes (long texts)
_CONTROLS: Final = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e]")
_CONTROLS_BUT_BREAKS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]")


def parse_form(content_type: str, body: bytes) -> dict[str, list[str]]:
    """The fields of a form-encoded body, each value checked; :class:`Open311Error` otherwise."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind != FORM_TYPE:
        raise Open311Error(
            415,
            f"send the request as {FORM_TYPE}; multipart bodies and files are not accepted",
        )
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except UnicodeDecodeError:
        raise Open311Error(400, "the form is not UTF-8") from None
    except ValueError:
        raise Open311Error(400, f"the form has more than {MAX_FIELDS} fields") from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        check_field(name, value)
        fields.setdefault(name, []).append(value)
    return fields


def check_field(name: str, value: str) -> None:
    if len(name) > MAX_NAME or _controls(name, allow_breaks=False):
        raise Open311Error(400, f"a field name is malformed: {name[:40]!r}")
    attribute = name.startswith("attribute[")
    limit = MAX_ATTRIBUTE if attribute else STANDARD_LIMITS.get(name, MAX_ATTRIBUTE)
    if len(value) > limit:
        raise Open311Error(400, f"{name}: at most {limit} characters")
    if _controls(value, allow_breaks=attribute or name in MULTILINE):
        raise Open311Error(400, f"{name}: control characters are not allowed")
    if name == "media_url" and value.strip():
        check_media_url(value.strip())


def check_media_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in url:
        raise Open311Error(400, "media_url: must be an http:// or https:// URL")


def _controls(text: str, *, allow_breaks: bool) -> bool:
    """Control characters (C0, DEL, C1) and bidi overrides, which reorder what readers see."""
    return (_CONTROLS_BUT_BREAKS if allow_breaks else _CONTROLS).search(text) is not None
