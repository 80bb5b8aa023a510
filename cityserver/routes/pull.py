"""What kiosks pull: status updates, the catalog (by ETag), announcements; and the heartbeat."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from cityserver import announcements, audit_witness, casework, kiosks, schemas
from cityserver.deps import AuthKiosk, RawBody, State, not_in_maintenance
from cityserver.errors import ApiError
from sync import protocol

router = APIRouter(tags=["sync"], dependencies=[Depends(not_in_maintenance)])
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": schemas.ErrorBody} for code in (400, 401, 429, 503)
}
MAX_CURSOR = 2**63 - 1  # cursors are 64-bit sequence values in the database
Since = Annotated[
    int, Query(ge=0, le=MAX_CURSOR, description="the cursor of the previous page; 0 at first")
]


@router.get(
    protocol.PATH_STATUSES,
    response_model=schemas.StatusPage,
    responses=ERRORS,
    description=schemas.AUTH_HEADERS_DOC,
)
def statuses(
    kiosk: AuthKiosk,
    state: State,
    since: Since = 0,
    limit: Annotated[int, Query(ge=1, le=casework.MAX_PAGE)] = casework.DEFAULT_PAGE,
) -> JSONResponse:
    """Status changes of this kiosk's requests after the cursor ``since``, oldest first."""
    with state.db.read() as session:
        page = casework.status_page(session, kiosk.id, since, limit)
    return JSONResponse(page)  # already the protocol's shape: no second pass through the model


def _etag_matches(header: str, digest: str) -> bool:
    tags = [t.strip().removeprefix("W/").strip('"') for t in header.split(",")]
    return "*" in tags or digest in tags


@router.get(
    protocol.PATH_CATALOG,
    responses={**ERRORS, 200: {"content": {"application/json": {}}}, 304: {}},
    description=schemas.AUTH_HEADERS_DOC,
)
def catalog(request: Request, kiosk: AuthKiosk, state: State) -> Response:
    """The current catalog's exact bytes; ``ETag`` is its SHA-256, so ``If-None-Match`` → 304."""
    with state.db.read() as session:
        doc = state.catalogs.current(session)
    headers = {"ETag": f'"{doc.digest}"', protocol.H_CATALOG_VERSION: doc.version}
    if _etag_matches(request.headers.get("if-none-match", ""), doc.digest):
        return Response(status_code=304, headers=headers)
    return Response(doc.body, media_type="application/json", headers=headers)


@router.get(
    protocol.PATH_ANNOUNCEMENTS,
    response_model=schemas.AnnouncementPage,
    responses=ERRORS,
    description=schemas.AUTH_HEADERS_DOC,
)
def announcement_page(
    kiosk: AuthKiosk,
    state: State,
    since: Since = 0,
    limit: Annotated[int, Query(ge=1, le=announcements.MAX_PAGE)] = announcements.DEFAULT_PAGE,
) -> protocol.AnnouncementPage:
    """Announcements changed after revision ``since`` (removed ones as ``deleted: true``)."""
    with state.db.read() as session:
        return announcements.page(session, since, limit)


@router.post(
    protocol.PATH_HEARTBEAT,
    response_model=schemas.TimeResponse,
    responses=ERRORS,
    openapi_extra=schemas.json_body(schemas.Heartbeat),
    description=schemas.AUTH_HEADERS_DOC,
)
async def heartbeat(kiosk: AuthKiosk, body: RawBody, state: State) -> dict[str, float]:
    """The kiosk's health: queue depth, oldest unsent item, last sync and error, disk, printer."""
    try:
        beat = schemas.Heartbeat.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ApiError(400, "bad_request", f"heartbeat {where}: {first['msg']}") from None
    now = state.clock()

    def store() -> None:
        with state.db.write() as session:
            stored = beat.model_dump(mode="json", exclude_unset=True)  # as sent
            kiosks.record_heartbeat(session, kiosk.id, stored, now)
            if beat.audit_head is not None:
                head: protocol.AuditHead = {
                    "seq": beat.audit_head.seq,
                    "hash": beat.audit_head.hash,
                }
                audit_witness.check_head(session, kiosk.id, head, now)

    await run_in_threadpool(store)
    return {"server_time": state.clock().timestamp()}
