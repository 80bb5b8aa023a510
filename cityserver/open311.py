"""Open311 GeoReport v2 over the service catalog and the stored requests (JSON format only).

Mapping: a queued service of kind ``request`` is an Open311 service (surveys and bill inquiries
are not service requests and are not listed); its catalog fields are the service definition's
attributes; a tracking code is a ``service_request_id``; ``in_progress`` shows as ``open`` with
its note in ``status_notes``. What a read shows is decided by :mod:`cityserver.publish`: only
requests of public services, only answers to public fields (never a personal one).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any, Final

from cityserver import publish
from cityserver.models import Request
from cityserver.publish import ANONYMOUS, Reader
from kiosk.catalog import Catalog, Field, FieldType, Service, ServiceKind, UnknownService
from kiosk.jalali import JalaliDate
from kiosk.timeutil import iso
from sync import protocol

SERVICE_NOTICE: Final = "Filed with the city; the status is updated as it is handled."
STANDARD_FIELDS: Final = (
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
)


class Open311Error(Exception):
    """One or more GeoReport errors, answered as ``[{"code": status, "description": ...}]``."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = descriptions

    def body(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": d} for d in self.descriptions]


def listed_services(catalog: Catalog) -> list[Service]:
    return [s for s in catalog.services if s.kind is ServiceKind.REQUEST]


def listed_service(catalog: Catalog, code: str) -> Service:
    try:
        service = catalog.service(code)
    except UnknownService:
        raise Open311Error(404, f"service_code {code!r} not found") from None
    if service.kind is not ServiceKind.REQUEST:
        raise Open311Error(404, f"service_code {code!r} not found")
    return service


def service_entry(catalog: Catalog, service: Service, lang: str) -> dict[str, Any]:
    group = next((g for g in catalog.groups if g.code == service.group), None)
    return {
        "service_code": service.code,
        "service_name": service.title.get(lang),
        "description": service.description.get(lang),
        "metadata": bool(service.fields),
        "type": "batch",
        "keywords": ", ".join(service.keywords),
        "group": group.title.get(lang) if group is not None else service.group,
    }


def _values(catalog: Catalog, f: Field, lang: str) -> list[dict[str, str]]:
    if f.type is FieldType.YES_NO:
        return [
            {"key": "true", "name": "بله" if lang == "fa" else "Yes"},
            {"key": "false", "name": "خیر" if lang == "fa" else "No"},
        ]
    choices = catalog.districts if f.type is FieldType.DISTRICT else f.choices
    return [{"key": c.value, "name": c.label.get(lang)} for c in choices]


def attribute(catalog: Catalog, f: Field, lang: str) -> dict[str, Any]:
    notes = [n for n in (f.open311_description,) if n]
    if f.visible_when is not None:
        values = ", ".join(str(v).lower() for v in f.visible_when.values)
        notes.append(f"asked only when {f.visible_when.field} is {values}")
    if f.type is FieldType.MULTI_CHOICE:
        notes.append("repeat attribute[CODE][]= for each value")
    if f.type is FieldType.JALALI_DATE:
        notes.append("send YYYY-MM-DD (Gregorian) or a Jalali date such as 1405-09-06")
    entry: dict[str, Any] = {
        "variable": True,
        "code": f.key,
        "datatype": f.open311_datatype,
        "required": f.required and f.visible_when is None,
        "datatype_description": "; ".join(notes) or None,
        "order": f.order,
        "description": f.label.get(lang) + (f" ({f.help.get(lang)})" if f.help else ""),
    }
    if f.open311_datatype in ("singlevaluelist", "multivaluelist"):
        entry["values"] = _values(catalog, f, lang)
    return entry


def service_definition(catalog: Catalog, service: Service, lang: str) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "attributes": [attribute(catalog, f, lang) for f in service.fields],
    }


# -- reading requests --------------------------------------------------------------------------


def parse_datetime(name: str, value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise Open311Error(
            400, f"{name} must be a W3C datetime such as 2026-11-27T08:15:30+03:30"
        ) from None
    if parsed.tzinfo is None:
        raise Open311Error(400, f"{name} must include a timezone (Z or an offset such as +03:30)")
    try:
        utc = parsed.astimezone(dt.UTC)
    except OverflowError:  # year 1 or 9999 with an offset
        utc = None
    if utc is None or not 1900 <= utc.year <= 2999:
        raise Open311Error(400, f"{name} must be a datetime between 1900 and 2999")
    return utc


def request_entry(
    row: Request, catalog: Catalog, lang: str, reader: Reader = ANONYMOUS
) -> dict[str, Any] | None:
    """The request as GeoReport shows it to ``reader``, by the catalog's allow-list
    (:mod:`cityserver.publish`); None when the reader may not see it at all."""
    service = publish.listed_service(catalog, row.service_code, reader)
    if service is None:
        return None
    shown = publish.published_answers(service, row.answers or {})
    district_key = publish.district_field(service)
    district = shown.get(district_key) if district_key is not None else None
    district = district if isinstance(district, str) else None
    district_name = None
    if district is not None:
        choice = catalog.district(district)
        district_name = choice.label.get(lang) if choice is not None else district
    address = shown.get("address") if isinstance(shown.get("address"), str) else None
    notes = publish.mask_identifiers(row.status_note) if row.status_note else ""
    if row.status == protocol.STATUS_IN_PROGRESS:
        notes = f"in progress: {notes}" if notes else "in progress"
    description = shown.get("description")
    extra = (row.open311 or {}) if service.public else {}  # the location of a public report
    return {
        "service_request_id": row.tracking_code,
        "status": "closed" if row.status == protocol.STATUS_CLOSED else "open",
        "status_notes": notes or None,
        "service_name": service.title.get(lang),
        "service_code": row.service_code,
        "description": description if isinstance(description, str) else None,
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": iso(row.created_at),
        "updated_datetime": iso(row.status_changed_at),
        "expected_datetime": None,
        "address": ", ".join(p for p in (address, district_name) if p) or None,
        "address_id": district,
        "zipcode": None,
        "lat": extra.get("lat"),
        "long": extra.get("long"),
        "media_url": publish.media_url(extra.get("media_url")),
        # An extension: the answers to the service's public fields (district, category...).
        "attributes": [{"code": k, "value": v} for k, v in shown.items()],
    }


# -- filing requests ---------------------------------------------------------------------------


def _coordinate(name: str, raw: str, bound: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, f"{name} must be a decimal number") from None
    if not math.isfinite(value) or abs(value) > bound:
        raise Open311Error(400, f"{name} must be between -{bound:g} and {bound:g}")
    return value


def _as_jalali(raw: str) -> str:
    """A Gregorian ``YYYY-MM-DD`` (or datetime) becomes the Jalali date the catalog expects."""
    head = raw.strip()[:10]
    try:
        day = dt.date.fromisoformat(head)
    except ValueError:
        return raw
    return JalaliDate.from_gregorian(day).isoformat() if day.year >= 1700 else raw


def answers_from_form(
    service: Service, form: Mapping[str, list[str]]
) -> tuple[dict[str, object], dict[str, Any]]:
    """(raw answers for the catalog's rules, Open311 fields kept beside them).

    ``attribute[CODE]=v`` gives a field's answer; a multivaluelist takes ``attribute[CODE][]``
    (or ``attribute[CODE]``) repeated. The standard fields fill a catalog field of the same
    meaning when the client did not answer it as an attribute: ``address_string`` the
    ``address``, ``address_id`` the district, ``description`` the ``description``, ``phone``
    the mobile field, ``first_name``/``last_name`` the ``name``.
    """
    answers: dict[str, object] = {}
    unknown: list[str] = []
    for name, values in form.items():
        if not name.startswith("attribute["):
            continue
        code = name[len("attribute[") :].removesuffix("[]").removesuffix("]")
        if not service.has_field(code):
            unknown.append(code)
            continue
        f = service.field(code)
        if f.type is FieldType.MULTI_CHOICE:
            existing = answers.get(code)
            answers[code] = (existing if isinstance(existing, list) else []) + list(values)
        else:
            value = values[-1]
            answers[code] = _as_jalali(value) if f.type is FieldType.JALALI_DATE else value
    if unknown:
        raise Open311Error(
            400, *(f"attribute[{c}] is not an attribute of {service.code!r}" for c in unknown)
        )
    extra: dict[str, Any] = {}
    for key in STANDARD_FIELDS:
        if form.get(key) and form[key][-1].strip():
            extra[key] = form[key][-1].strip()
    if "lat" in extra or "long" in extra:
        if "lat" not in extra or "long" not in extra:
            raise Open311Error(400, "lat and long go together")
        extra["lat"] = _coordinate("lat", extra["lat"], 90)
        extra["long"] = _coordinate("long", extra["long"], 180)
    by_type = {f.type: f.key for f in reversed(service.fields)}
    fills = {
        "address_string": "address" if service.has_field("address") else None,
        "address_id": by_type.get(FieldType.DISTRICT),
        "description": "description" if service.has_field("description") else None,
        "phone": by_type.get(FieldType.MOBILE),
    }
    for source, target in fills.items():
        if target is not None and source in extra and target not in answers:
            answers[target] = extra[source]
    names = " ".join(extra[k] for k in ("first_name", "last_name") if k in extra)
    if names and service.has_field("name") and "name" not in answers:
        answers["name"] = names
    return answers, extra
