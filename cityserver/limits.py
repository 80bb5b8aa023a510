"""Bounded input: a body-size limit per route, enforced before the body is read.

:class:`BodyLimit` is ASGI middleware outside the application: a ``Content-Length`` over the
route's limit is answered 413 at once (the body is never read), and a body sent without one
(chunked) is counted as it streams, refused the moment it passes the limit. Unsigned routes
(enrollment, Open311) are small; a push may be as large as the protocol allows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync import protocol

ENROLL_MAX_BYTES: Final = 4_096
HEARTBEAT_MAX_BYTES: Final = 16_384
OPEN311_MAX_BYTES: Final = 65_536
OTHER_MAX_BYTES: Final = 16_384  # any other route (they take no body)
ROUTE_LIMITS: Final[tuple[tuple[str, int], ...]] = (
    (protocol.PATH_TRANSACTIONS, protocol.MAX_BODY_BYTES),
    (protocol.PATH_AUDIT, protocol.MAX_BODY_BYTES),
    (protocol.PATH_HEARTBEAT, HEARTBEAT_MAX_BYTES),
    (protocol.PATH_ENROLL, ENROLL_MAX_BYTES),
    ("/open311/", OPEN311_MAX_BYTES),
)


def limit_for(path: str) -> int:
    """The largest body the route at ``path`` takes, in bytes."""
    for prefix, limit in ROUTE_LIMITS:
        if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
            return limit
    return OTHER_MAX_BYTES


def too_large(limit: int) -> str:
    return f"the body is larger than {limit} bytes; split it"


def error_body(path: str, status: int, code: str, message: str) -> bytes:
    """An error in the format of the route: GeoReport's list under /open311/, else ours."""
    if path.startswith("/open311/"):
        return json.dumps([{"code": status, "description": message}]).encode()
    return json.dumps(protocol.error_body(code, message)).encode()


class BodyLimit:
    """Refuse a body over the route's limit before the application reads it (413)."""

    def __init__(self, app: ASGIApp, limits: Callable[[str], int] = limit_for) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = self.limits(path)
        declared = [v for k, v in scope.get("headers", ()) if k.lower() == b"content-length"]
        if declared:
            raw = declared[0].strip()
            if len(declared) > 1 or not (raw.isdigit() and len(raw) <= 18):
                await _answer(send, path, 400, "bad_request", "Content-Length is malformed")
                return
            if int(raw) > limit:
                await _answer(send, path, 413, "body_too_large", too_large(limit))
                return
        received = 0
        exceeded = False

        async def counted() -> Message:
            # Past the limit the application is told the client went away (whatever it does
            # with that, and whatever it answers, the answer is 413).
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            if not exceeded:
                await send(message)

        try:
            await self.app(scope, counted, watched)
        except Exception:
            if not exceeded:
                raise
        if exceeded:
            await _answer(send, path, 413, "body_too_large", too_large(limit))


async def _answer(send: Send, path: str, status: int, code: str, message: str) -> None:
    body = error_body(path, status, code, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),  # the rest of the body is never read
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
