"""What a public read may show of a request: an allow-list from the catalog, then masking.

The rule is the allow-list (``docs/catalog.md``, "Public reads"): a request is listed only if
its service is ``"public": true`` in the current catalog (or the reader has an API key), and of
its answers only those to fields marked ``"public": true`` are shown; a public field is never a
personal one (the catalog parser refuses that). Nothing from the fields an Open311 client filed
beside the answers is shown but the location (``lat``/``long``) and an ``http(s)`` ``media_url``.

Defence in depth on top: every published free text (a public text answer, the city's status
note) has national codes and postal codes (runs of ten digits), mobile numbers and e-mail
addresses masked, whatever the allow-list let through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from kiosk.catalog import Catalog, FieldType, Service, UnknownService
from kiosk.identifiers import InvalidIdentifier, mobile
from kiosk.text import to_ascii_digits

MASK: Final = "***"
# A run of digits (any script) that may be split by spaces, dashes or dots, perhaps after "+".
_NUMBER_RUN: Final = re.compile(r"\+?[0-9۰-۹٠-٩](?:[\s\-.]?[0-9۰-۹٠-٩]){7,15}")
_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SEPARATORS: Final = re.compile(r"[\s\-.]")


def mask_identifiers(text: str) -> str:
    """``text`` with e-mail addresses, mobile numbers and ten-digit numbers (national codes,
    postal codes) replaced by ``***``; other numbers (a tracking code, a bus line) stay."""

    def number(match: re.Match[str]) -> str:
        digits = to_ascii_digits(_SEPARATORS.sub("", match.group()))
        if len(digits.lstrip("+")) == 10:
            return MASK
        try:
            mobile(digits)
        except InvalidIdentifier:
            return match.group()
        return MASK

    return _NUMBER_RUN.sub(number, _EMAIL.sub(MASK, text))


@dataclass(frozen=True)
class Reader:
    """Who reads: anyone (``keyed=False``), or an Open311 client with a valid API key, which
    may also see requests of services that are not public (still only their public fields)."""

    keyed: bool = False


ANONYMOUS: Final = Reader()


def public_services(catalog: Catalog) -> frozenset[str]:
    return frozenset(s.code for s in catalog.services if s.public)


def listed_service(catalog: Catalog, code: str, reader: Reader) -> Service | None:
    """The service of a request, if the reader may see requests of it at all."""
    try:
        service = catalog.service(code)
    except UnknownService:
        return None
    return service if service.public or reader.keyed else None


def published_answers(service: Service, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to the service's public fields, text masked."""
    shown: dict[str, Any] = {}
    for f in service.fields:
        if not f.public or f.personal or f.key not in answers:  # personal: never, belt and braces
            continue
        value = answers[f.key]
        shown[f.key] = mask_identifiers(value) if isinstance(value, str) else value
    return shown


def district_field(service: Service) -> str | None:
    return next((f.key for f in service.fields if f.type is FieldType.DISTRICT), None)


def media_url(value: object) -> str | None:
    """An ``http(s)`` URL as filed (the POST checks it; older rows are checked again)."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value)
    return value if parts.scheme.lower() in ("http", "https") and parts.hostname else None
