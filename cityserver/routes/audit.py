"""``POST /api/v1/audit``: the kiosk's audit entries, for the server's copy of its chain."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool

from cityserver import audit_witness, schemas
from cityserver.deps import AuthKiosk, RawBody, State, not_in_maintenance
from cityserver.jsonbody import load_json
from sync import protocol

router = APIRouter(tags=["sync"], dependencies=[Depends(not_in_maintenance)])
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": schemas.ErrorBody} for code in (400, 401, 413, 429, 503)
}


@router.post(
    protocol.PATH_AUDIT,
    response_model=schemas.AuditAnswer,
    responses=ERRORS,
    openapi_extra=schemas.json_body(schemas.AuditBatch),
    description=schemas.AUTH_HEADERS_DOC,
)
async def audit(kiosk: AuthKiosk, body: RawBody, state: State) -> protocol.AuditAnswer:
    """Entries after the last one the server holds, oldest first (a resend is harmless).

    ``held_through`` is the kiosk's new cursor. ``diverged: true``: the batch does not extend
    the server's copy of this kiosk's chain; nothing past the divergence is kept, and the city
    sees it (``cityserver audit verify``, ``kiosk list``).
    """
    links = audit_witness.parse_entries(load_json(body))
    now = state.clock()

    def store() -> protocol.AuditAnswer:
        with state.db.write() as session:
            return audit_witness.receive(session, kiosk.id, links, now)

    return await run_in_threadpool(store)
