"""Open311 GeoReport v2: reading and filing service requests, and tokens (``.json`` only)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cityserver import apikeys, intake, open311, open311_form, publish
from cityserver.db import next_values
from cityserver.deps import ServerState, State, not_in_maintenance, public_rate_limit
from cityserver.models import Request as RequestRow
from cityserver.models import RequestChannel
from cityserver.publish import ANONYMOUS, Reader
from cityserver.routes.open311_services import Jurisdiction, Locale, check_format, language
from kiosk.forms import ValidationFailed, clean_answers
from kiosk.tracking import (
    OPEN311_KIOSK_NUMBER,
    InvalidTrackingCode,
    make_tracking_code,
    parse_tracking_code,
)
from kiosk.uuid7 import uuid7
from sync import protocol

router = APIRouter(
    prefix="/open311/v2",
    tags=["open311"],
    dependencies=[Depends(not_in_maintenance), Depends(public_rate_limit)],
)
DEFAULT_SPAN: Final = dt.timedelta(days=90)
MAX_RESULTS: Final = 1000
MAX_IDS: Final = 100
_STATUS_FILTER: Final = {
    "open": (protocol.STATUS_OPEN, protocol.STATUS_IN_PROGRESS),
    "closed": (protocol.STATUS_CLOSED,),
}
CommaList = Annotated[str | None, Query(description="comma-separated")]
W3CTime = Annotated[str | None, Query(description="W3C datetime with a timezone")]
ApiKeyParam = Annotated[
    str | None, Query(max_length=200, description="optional: a key also lists non-public services")
]


def _codes(raw: str) -> list[str]:
    codes = []
    parts = raw.split(",")
    if len(parts) > MAX_IDS:
        raise open311.Open311Error(400, f"service_request_id: at most {MAX_IDS} ids")
    for part in parts:
        if not part.strip():
            continue
        try:
            codes.append(parse_tracking_code(part).code)
        except InvalidTrackingCode as exc:
            raise open311.Open311Error(400, f"service_request_id {part.strip()!r}: {exc}") from None
    return codes


def _filtered(
    service_request_id: str | None,
    service_code: str | None,
    start_date: str | None,
    end_date: str | None,
    status: str | None,
    now: dt.datetime,
    reader: Reader,
    public: frozenset[str],
) -> Select[RequestRow]:
    """The query of a list read. Anyone sees the last 90 days of public services' requests
    (``start_date`` cannot reach further back); an API key lifts both limits."""
    query = select(RequestRow).where(RequestRow.survey_key.is_(None))
    if not reader.keyed:
        query = query.where(RequestRow.service_code.in_(sorted(public)))
        query = query.where(RequestRow.created_at >= now - DEFAULT_SPAN)
    if service_request_id:
        return query.where(RequestRow.tracking_code.in_(_codes(service_request_id)))
    if service_code:
        query = query.where(
            RequestRow.service_code.in_([c.strip() for c in service_code.split(",")])
        )
    start = open311.parse_datetime("start_date", start_date) if start_date else None
    end = open311.parse_datetime("end_date", end_date) if end_date else None
    if start is None and end is None:
        start = now - DEFAULT_SPAN
    if start is not None and end is not None and start > end:
        raise open311.Open311Error(400, "start_date is after end_date")
    if start is not None:
        query = query.where(RequestRow.created_at >= start)
    if end is not None:
        query = query.where(RequestRow.created_at <= end)
    if status:
        wanted: list[str] = []
        for part in (p.strip().lower() for p in status.split(",") if p.strip()):
            if part not in _STATUS_FILTER:
                raise open311.Open311Error(400, f"status must be open or closed, got {part!r}")
            wanted.extend(_STATUS_FILTER[part])
        query = query.where(RequestRow.status.in_(wanted))
    return query


def _reader(session: Session, api_key: str | None) -> Reader:
    if not api_key:
        return ANONYMOUS
    if apikeys.valid(session, api_key) is None:
        raise open311.Open311Error(403, "invalid api_key")
    return Reader(keyed=True)


@router.get("/requests.{fmt}")
def requests_list(
    fmt: str,
    state: State,
    service_request_id: CommaList = None,
    service_code: CommaList = None,
    start_date: W3CTime = None,
    end_date: W3CTime = None,
    status: CommaList = None,
    locale: Locale = "en",
    jurisdiction_id: Jurisdiction = None,
    api_key: ApiKeyParam = None,
) -> list[dict[str, Any]]:
    """Requests of public services, newest first: at most 1000, of the last 90 days (without
    dates, or with an API key, which also lists the other services' requests)."""
    check_format(fmt)
    with state.db.read() as session:
        reader = _reader(session, api_key)
        catalog = state.catalogs.current(session).catalog
        query = _filtered(
            service_request_id,
            service_code,
            start_date,
            end_date,
            status,
            state.clock(),
            reader,
            publish.public_services(catalog),
        )
        query = query.order_by(RequestRow.created_at.desc()).limit(MAX_RESULTS)
        rows = list(session.execute(query).scalars())
        entries = (open311.request_entry(r, catalog, language(locale), reader) for r in rows)
        return [e for e in entries if e is not None]


@router.get("/requests/{service_request_id}.{fmt}")
def request_one(
    service_request_id: str,
    fmt: str,
    state: State,
    locale: Locale = "en",
    jurisdiction_id: Jurisdiction = None,
    api_key: ApiKeyParam = None,
) -> list[dict[str, Any]]:
    """One request by its id (the tracking code; a list, as the spec has it). A request of a
    service that is not public is not found, unless the reader has an API key."""
    check_format(fmt)
    codes = _codes(service_request_id)
    with state.db.read() as session:
        reader = _reader(session, api_key)
        catalog = state.catalogs.current(session).catalog
        rows = list(
            session.execute(
                select(RequestRow)
                .where(RequestRow.tracking_code.in_(codes))
                .where(RequestRow.survey_key.is_(None))
            ).scalars()
        )
        entries = [open311.request_entry(r, catalog, language(locale), reader) for r in rows]
        shown = [e for e in entries if e is not None]
        if not shown:  # unknown, or not public: the same answer, so nothing is revealed
            raise open311.Open311Error(404, f"service_request_id {service_request_id!r} not found")
        return shown


@router.get("/tokens/{token}.{fmt}")
def token(
    token: str, fmt: str, state: State, jurisdiction_id: Jurisdiction = None
) -> list[dict[str, Any]]:
    """The request a token (returned when it was filed) stands for."""
    check_format(fmt)
    with state.db.read() as session:
        row = session.get(RequestRow, token.strip().lower())
        if row is None or row.channel != RequestChannel.OPEN311:
            raise open311.Open311Error(404, f"token {token!r} not found")
        return [{"service_request_id": row.tracking_code, "token": row.id}]


async def form_fields(request: Request) -> dict[str, list[str]]:
    """The form's fields, checked (415 for multipart: nothing is parsed or spooled)."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() != open311_form.FORM_TYPE:
        return open311_form.parse_form(content_type, b"")  # refuses without reading the body
    return open311_form.parse_form(content_type, await request.body())


FormFields = Annotated[dict[str, list[str]], Depends(form_fields)]


FORM_BODY: Final[dict[str, Any]] = {
    "requestBody": {
        "required": True,
        "content": {
            open311_form.FORM_TYPE: {
                "schema": {
                    "type": "object",
                    "required": ["api_key", "service_code"],
                    "properties": {
                        name: {"type": "string", "maxLength": limit}
                        for name, limit in open311_form.STANDARD_LIMITS.items()
                    },
                    "additionalProperties": {"type": "string"},  # attribute[CODE]
                }
            }
        },
    }
}


@router.post("/requests.{fmt}", openapi_extra=FORM_BODY)
def create_request(fmt: str, form: FormFields, state: State) -> list[dict[str, Any]]:
    """File a request (form-encoded: ``api_key``, ``service_code``, ``attribute[CODE]=...``)."""
    check_format(fmt)
    api_key = (form.get("api_key") or [""])[-1]
    code = (form.get("service_code") or [""])[-1].strip()
    if not api_key:
        raise open311.Open311Error(400, "api_key is required")
    if not code:
        raise open311.Open311Error(400, "service_code is required")
    lang = language((form.get("locale") or ["en"])[-1])
    row = state.db.write_retrying(lambda session: _file(session, state, api_key, code, form, lang))
    return [
        {
            "service_request_id": row["tracking_code"],
            "token": row["id"],
            "service_notice": open311.SERVICE_NOTICE,
            "account_id": None,
        }
    ]


def _file(
    session: Session,
    state: ServerState,
    api_key: str,
    code: str,
    form: dict[str, list[str]],
    lang: str,
) -> dict[str, Any]:
    if apikeys.valid(session, api_key) is None:
        raise open311.Open311Error(
            403, "invalid api_key received -- can't proceed with create_request"
        )
    doc = state.catalogs.current(session)
    service = open311.listed_service(doc.catalog, code)
    raw, extra = open311.answers_from_form(service, form)
    now = state.clock()
    try:
        answers = clean_answers(doc.catalog, service, raw, today=now.date())
    except ValidationFailed as exc:
        raise open311.Open311Error(
            400, *(f"attribute[{e.key}]: {e.render('en')}" for e in exc.errors)
        ) from None
    seq = next_values(session, "open311_tracking", 1)[0]
    row: dict[str, Any] = {
        "id": str(uuid7()),
        "kiosk_id": None,
        "kiosk_number": OPEN311_KIOSK_NUMBER,
        "kiosk_seq": seq,
        "tracking_code": make_tracking_code(OPEN311_KIOSK_NUMBER, seq),
        "service_code": service.code,
        "catalog_version": doc.version,
        "answers": answers,
        "lang": lang,
        "created_at": now,
        "received_at": now,
        "channel": RequestChannel.OPEN311,
        "staff_id": None,
        "replaces_id": None,
        "status": protocol.STATUS_OPEN,
        "status_note": "",
        "status_changed_at": now,
        "survey_key": None,
        "open311": extra,
    }
    intake.insert_requests(session, [row])
    return row
