"""Error answers: ``{"error": {"code", "message"}}`` on the sync API, a GeoReport error list
(``[{"code": status, "description": ...}]``) under ``/open311/``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cityserver.open311 import Open311Error
from sync import protocol

OPEN311_PREFIX = "/open311/"


class ApiError(Exception):
    """An error of the sync API, answered as the protocol's error body."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def _is_open311(request: Request) -> bool:
    return request.url.path.startswith(OPEN311_PREFIX)


def api_error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(
        dict(protocol.error_body(exc.code, exc.message)),
        status_code=exc.status,
        headers=exc.headers,
    )


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    if _is_open311(request):
        return JSONResponse(
            [{"code": exc.status, "description": exc.message}], exc.status, headers=exc.headers
        )
    return api_error_response(exc)


async def _open311_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Open311Error)
    return JSONResponse(exc.body(), status_code=exc.status)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if _is_open311(request):
        return JSONResponse(
            [{"code": exc.status_code, "description": str(exc.detail)}],
            exc.status_code,
            headers=headers,
        )
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return JSONResponse(
        dict(protocol.error_body(code, str(exc.detail))), exc.status_code, headers=headers
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
        for e in exc.errors()
    ]
    if _is_open311(request):
        return JSONResponse([{"code": 400, "description": p} for p in problems], 400)
    return JSONResponse(dict(protocol.error_body("bad_request", "; ".join(problems))), 400)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette re-raises the exception after this answer, and the server logs it there.
    if _is_open311(request):
        return JSONResponse([{"code": 500, "description": "internal server error"}], 500)
    return JSONResponse(
        dict(protocol.error_body("internal_error", "internal server error; try again later")), 500
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(Open311Error, _open311_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
