"""The city server's ASGI application: :func:`create_app` wires settings, database and routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import kiosk
from cityserver import errors, schemas
from cityserver.auth import Authenticator
from cityserver.catalogs import CatalogStore
from cityserver.db import Database
from cityserver.deps import ServerState
from cityserver.limits import BodyLimit
from cityserver.ratelimit import RateLimiter
from cityserver.routes import (
    audit,
    enroll,
    open311_requests,
    open311_services,
    pull,
    transactions,
)
from cityserver.settings import Settings
from kiosk.timeutil import utcnow
from sync import protocol

log = logging.getLogger("cityserver")


class ServerTimeHeader:
    """Adds ``X-Server-Time`` (float seconds) to every response, errors and 404s included."""

    def __init__(self, app: ASGIApp, clock: Callable[[], datetime]) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                value = f"{self.clock().timestamp():.3f}".encode("ascii")
                headers.append((protocol.H_SERVER_TIME.lower().encode("ascii"), value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_time)


class CityServerApp(FastAPI):
    """FastAPI with :class:`ServerTimeHeader` outside everything, even the 500 handler, and
    the body-size limit (:class:`cityserver.limits.BodyLimit`) outside the application."""

    def build_middleware_stack(self) -> ASGIApp:
        state = self.state.server
        assert isinstance(state, ServerState)
        return ServerTimeHeader(BodyLimit(super().build_middleware_stack()), state.clock)


def create_app(
    settings: Settings, *, db: Database | None = None, clock: Callable[[], datetime] = utcnow
) -> FastAPI:
    """The application over ``settings``' database (migrated now), or over ``db`` if given."""
    database = db if db is not None else Database(settings.db_url)
    state = ServerState(
        settings=settings,
        db=database,
        catalogs=CatalogStore(),
        auth=Authenticator(
            database, max_skew_s=settings.max_clock_skew_s, nonce_ttl_s=settings.nonce_ttl_s
        ),
        clock=clock,
        limiter=(
            RateLimiter(settings.max_requests_per_minute)
            if settings.max_requests_per_minute
            else None
        ),
        public_limiter=(
            RateLimiter(settings.max_public_requests_per_minute)
            if settings.max_public_requests_per_minute
            else None
        ),
        maintenance=settings.maintenance,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if db is None:
            database.close()

    app = CityServerApp(
        title="Municipal kiosk city server",
        version=kiosk.__version__,
        summary=f"Sync protocol v{protocol.PROTOCOL_VERSION} for kiosks, and Open311 GeoReport v2",
        lifespan=lifespan,
        # Swagger UI and ReDoc load their scripts from a CDN: off unless asked for (--docs).
        # /openapi.json, the protocol's own description, is always served.
        docs_url="/docs" if settings.docs else None,
        redoc_url="/redoc" if settings.docs else None,
    )
    app.state.server = state
    errors.install(app)
    for module in (enroll, transactions, pull, audit, open311_services, open311_requests):
        app.include_router(module.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated document, plus the protocol's message shapes as components."""
    if app.openapi_schema is None:
        doc = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes
        )
        _, defs = models_json_schema(
            [(m, "validation") for m in schemas.MIRRORS.values()],
            ref_template="#/components/schemas/{model}",
        )
        components = doc.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in defs.get("$defs", {}).items():
            components.setdefault(name, schema)
        app.openapi_schema = doc
    return app.openapi_schema
