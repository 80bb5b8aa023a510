"""Typed FastAPI dependencies: the server's state, the raw body, the authenticated kiosk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from cityserver.auth import Authenticator, AuthFailed, KioskIdentity, MalformedAuth, read_headers
from cityserver.catalogs import CatalogStore
from cityserver.db import Database
from cityserver.errors import ApiError
from cityserver.ratelimit import RateLimiter
from cityserver.settings import Settings
from sync import protocol


@dataclass
class ServerState:
    """Everything a request needs, made once by :func:`cityserver.app.create_app`."""

    settings: Settings
    db: Database
    catalogs: CatalogStore
    auth: Authenticator
    clock: Callable[[], datetime]
    limiter: RateLimiter | None = None  # per kiosk, on the signed routes
    public_limiter: RateLimiter | None = None  # per client address, on the unsigned routes
    maintenance: bool = False


async def get_state(request: Request) -> ServerState:  # async: no thread hop for a lookup
    state = request.app.state.server
    assert isinstance(state, ServerState)
    return state


State = Annotated[ServerState, Depends(get_state)]


async def not_in_maintenance(state: State) -> None:
    if state.maintenance:
        raise ApiError(
            503,
            "maintenance",
            "the city server is in maintenance; try again later",
            headers={"Retry-After": str(state.settings.retry_after_s)},
        )


def _too_many(wait: float, who: str) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        f"too many requests from this {who}; wait {wait:.0f} s",
        headers={"Retry-After": f"{wait:.0f}"},
    )


async def public_rate_limit(request: Request, state: State) -> None:
    """The limit of the unsigned routes (enrollment, the clock, Open311), per client address:
    behind a reverse proxy, run uvicorn with ``--forwarded-allow-ips`` so it is the client's."""
    if state.public_limiter is None:
        return
    client = request.client.host if request.client is not None else "unknown"
    wait = state.public_limiter.check(client)
    if wait is not None:
        raise _too_many(wait, "address")


async def raw_body(request: Request) -> bytes:
    """The body bytes (what the signature covers); :class:`cityserver.limits.BodyLimit` has
    refused it with 413 already if it is larger than the route takes."""
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


def current_kiosk(request: Request, body: RawBody, state: State) -> KioskIdentity:
    """The kiosk that signed this request (401 with the protocol's code otherwise)."""
    try:
        headers = read_headers(dict(request.headers))
        target = protocol.canonical_target(request.url.path, request.url.query)
        kiosk = state.auth.authenticate(headers, request.method, target, body, state.clock())
    except MalformedAuth as exc:
        raise ApiError(400, exc.code, str(exc)) from None
    except AuthFailed as exc:
        raise ApiError(401, exc.code, str(exc)) from None
    if state.limiter is not None:
        wait = state.limiter.check(kiosk.id)
        if wait is not None:
            raise _too_many(wait, "kiosk")
    return kiosk


AuthKiosk = Annotated[KioskIdentity, Depends(current_kiosk)]
