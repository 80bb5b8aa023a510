"""``POST /api/v1/transactions``: a batch of queued transactions, one result per item."""

from __future__ import annotations

import contextlib
import logging
import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from cityserver import batches, intake, schemas
from cityserver.deps import AuthKiosk, RawBody, State, not_in_maintenance
from cityserver.errors import ApiError
from cityserver.jsonbody import load_json
from sync import protocol

log = logging.getLogger("cityserver.push")
router = APIRouter(tags=["sync"], dependencies=[Depends(not_in_maintenance)])
_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": schemas.ErrorBody} for code in (400, 401, 409, 413, 422, 429, 503)
}


def _items(body: bytes) -> list[object]:
    data = load_json(body)
    if not isinstance(data, dict) or not isinstance(data.get("transactions"), list):
        raise ApiError(400, "bad_request", 'the body must be {"transactions": [...]}')
    items: list[object] = data["transactions"]
    if len(items) > protocol.MAX_BATCH_ITEMS:
        raise ApiError(
            413,
            "too_many_items",
            f"{len(items)} items; at most {protocol.MAX_BATCH_ITEMS} per batch: split it",
        )
    return items


@router.post(
    protocol.PATH_TRANSACTIONS,
    response_model=schemas.PushResponse,
    responses=ERRORS,
    openapi_extra=schemas.json_body(schemas.PushRequest),
    description=schemas.AUTH_HEADERS_DOC,
)
def push(request: Request, kiosk: AuthKiosk, body: RawBody, state: State) -> JSONResponse:
    """Store each transaction exactly once: accepted, duplicate or rejected, in order.

    ``Idempotency-Key`` (required): 409 while a batch with this key is in flight, the stored
    answer once it is done, 422 if the key comes back with a different body.
    """
    key = request.headers.get(protocol.H_IDEMPOTENCY, "").strip()
    if not _KEY.match(key):
        raise ApiError(
            400,
            "missing_idempotency_key",
            f"{protocol.H_IDEMPOTENCY} is required: 8-128 letters, digits or ._:- (a UUID)",
        )
    items = _items(body)
    claim = batches.claim(state.db, key, kiosk.id, batches.body_digest(body), state.clock())
    if claim.outcome == "in_flight":
        raise ApiError(409, "in_flight", "a batch with this Idempotency-Key is being processed")
    if claim.outcome in ("other_body", "other_kiosk"):
        raise ApiError(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different batch; use a new key per batch",
        )
    if claim.outcome == "done":
        assert claim.response is not None
        return JSONResponse({**claim.response, "server_time": state.clock().timestamp()})
    try:
        now = state.clock()
        with state.db.read() as session:  # the checks need only the catalogs
            checked = intake.check_batch(session, state.catalogs, kiosk, items, now)
        results = state.db.write_retrying(lambda session: _store(session, key, checked, now))
    except BaseException:
        with contextlib.suppress(Exception):  # the original error matters more
            batches.release(state.db, key)
        raise
    counts = {
        s: sum(1 for r in results if r["status"] == s)
        for s in (protocol.ACCEPTED, protocol.DUPLICATE, protocol.REJECTED)
    }
    log.info("kiosk %d pushed %d items: %s", kiosk.number, len(items), counts)
    return JSONResponse({"results": results, "server_time": state.clock().timestamp()})


def _store(
    session: Session, key: str, checked: intake.CheckedBatch, now: datetime
) -> list[protocol.ItemResult]:
    results = intake.store_batch(session, checked)
    batches.finish(session, key, {"results": results}, now)
    return results
