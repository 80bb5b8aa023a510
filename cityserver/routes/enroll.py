"""Unauthenticated routes: the server's clock, and enrollment with a one-time token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool

from cityserver import kiosks, schemas
from cityserver.deps import State, not_in_maintenance, public_rate_limit
from cityserver.errors import ApiError
from sync import protocol

router = APIRouter(tags=["sync"], dependencies=[Depends(public_rate_limit)])
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": schemas.ErrorBody} for code in (400, 401, 403, 409, 503)
}


@router.get(protocol.PATH_TIME, response_model=schemas.TimeResponse)
def server_time(state: State) -> dict[str, float]:
    """The server's clock (also on every response as ``X-Server-Time``)."""
    return {"server_time": state.clock().timestamp()}


@router.post(
    protocol.PATH_ENROLL,
    response_model=schemas.EnrollResponse,
    responses=ERRORS,
    dependencies=[Depends(not_in_maintenance)],
)
async def enroll(payload: schemas.EnrollRequest, state: State) -> protocol.EnrollResponse:
    """Spend a one-time enrollment token: the kiosk's id, number and secret.

    With ``kiosk_number`` (the number a standalone kiosk already issues codes with), that
    number, if no kiosk has it. 401 ``unknown_token``; 403 ``token_used`` or ``token_expired``;
    409 ``number_taken`` (the token is not spent).
    """
    try:
        return await run_in_threadpool(
            kiosks.enroll,
            state.db,
            payload.token,
            payload.name.strip(),
            payload.app_version.strip(),
            state.clock(),
            payload.kiosk_number,
        )
    except kiosks.EnrollmentRefused as exc:
        raise ApiError(exc.status, exc.code, str(exc)) from None
    except kiosks.FleetFull as exc:
        raise ApiError(409, "fleet_full", str(exc)) from None
