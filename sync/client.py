"""The kiosk's HTTP client for protocol v1 (``requests.Session``), with typed failures.

Every call signs its request with the kiosk's secret and a timestamp on the *server's* clock
(local time plus the offset learnt from ``X-Server-Time``); every response updates the offset.
Failures become exceptions the engine can act on: back off, honour ``Retry-After``, split a
batch, or ask for re-enrollment. Nothing here retries on its own.

Nothing the server says is believed unchecked: a wait it asks for is clamped
(:func:`bounded_wait`), a clock that is not a plausible time is ignored, an answer is read up to
:data:`MAX_RESPONSE_BYTES` and checked against the protocol's shapes (``sync.shapes``) before
it is returned; anything else is a :class:`BadResponse`.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlencode, urlsplit

import requests

from sync import protocol as p
from sync import shapes
from sync.shapes import ShapeError

log = logging.getLogger("sync.client")

T = TypeVar("T")

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 60.0
MIN_SERVER_WAIT_S = 1.0  # "retry after 0 s" (or -5, or a date gone by): not a tight loop
MAX_SERVER_WAIT_S = 3600.0  # "retry after 1e300 s": an hour, then ask again
MAX_RESPONSE_BYTES = 32_000_000  # a catalog is well under 1 MB; nothing is read past this
# A server's clock is believed only inside these years (2020 to 2200); the kiosk's own may be
# anything (a dead RTC battery says 1970), so the check is on the server's time, not the offset.
PLAUSIBLE_SERVER_TIME = (1_577_836_800.0, 7_258_118_400.0)


def bounded_wait(seconds: float) -> float:
    """A wait the server (or a backoff) asked for, as seconds the kiosk will really wait:
    from :data:`MIN_SERVER_WAIT_S` to :data:`MAX_SERVER_WAIT_S`; not-a-number is the maximum."""
    if math.isnan(seconds):
        return MAX_SERVER_WAIT_S
    return min(MAX_SERVER_WAIT_S, max(MIN_SERVER_WAIT_S, seconds))


class SyncError(Exception):
    """Base of the client's failures; ``str()`` is safe to log (no personal data)."""

    safe_to_log: ClassVar[bool] = True  # kiosk.logs.describe keeps the message


class NetworkError(SyncError):
    """The server could not be reached, or the connection broke before an answer."""


class ServerError(SyncError):
    """The server answered 5xx (other than 503 with Retry-After)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"server error {status}: {message}")
        self.status = status


class RetryLater(SyncError):
    """429 or 503 with ``Retry-After``: wait that long, then try again."""

    def __init__(self, status: int, seconds: float) -> None:
        super().__init__(f"server busy ({status}); retry after {seconds:.0f} s")
        self.status = status
        self.seconds = seconds


class BadResponse(SyncError):
    """The server answered with something that is not protocol v1 (not JSON, HTML from a
    proxy, a wrong shape); the message says what, never quoting it."""


class TooLarge(SyncError):
    """413: the batch is too big for the server; split it."""


class InFlight(SyncError):
    """409: the server is still working on this batch (same Idempotency-Key)."""


class AuthFailed(SyncError):
    """401: the credential is refused. ``needs_enrollment`` when only a new one helps."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"authentication refused ({code}): {message}")
        self.code = code

    @property
    def needs_enrollment(self) -> bool:
        return self.code in p.NEEDS_ENROLLMENT


class Refused(SyncError):
    """Any other 4xx: a bug or a version mismatch; the message says which."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"refused ({status} {code}): {message}")
        self.status = status
        self.code = code


@dataclass
class Credentials:
    kiosk_id: str
    secret: str


@dataclass
class ClockOffset:
    """Server time minus local time; updated from every response."""

    seconds: float = 0.0
    known: bool = False
    on_change: Callable[[float], None] | None = field(default=None, repr=False)

    def server_now(self) -> float:
        return time.time() + self.seconds

    def learn(self, server_time: float) -> None:
        """Take the server's time into account, unless it is not a plausible time at all
        (not a number, infinite, before 2020 or after 2200): then it is ignored."""
        low, high = PLAUSIBLE_SERVER_TIME
        if not (math.isfinite(server_time) and low <= server_time <= high):
            log.warning("ignoring an implausible %s from the server", p.H_SERVER_TIME)
            return
        offset = server_time - time.time()
        if not self.known or abs(offset - self.seconds) > 1.0:
            self.seconds = offset
            self.known = True
            if self.on_change is not None:
                self.on_change(offset)


@dataclass
class Response:
    status: int
    body: bytes
    headers: Mapping[str, str]

    def json(self) -> Any:
        """The body as JSON, or :class:`BadResponse` (invalid, not UTF-8, nested too deep)."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            kind = self.headers.get("Content-Type", "").split(";")[0].strip() or "no type"
            raise BadResponse(f"the server's answer is not JSON ({kind})") from None


class SyncClient:
    def __init__(
        self,
        base_url: str,
        credentials: Credentials | None = None,
        *,
        offset: ClockOffset | None = None,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"server URL must be http(s)://host[:port], got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.offset = offset or ClockOffset()
        self.session = session or requests.Session()
        self.timeout = timeout

    def close(self) -> None:
        self.session.close()

    # -- the protocol's calls --------------------------------------------------------------

    def server_time(self) -> float:
        return _checked(shapes.server_time, self._call("GET", p.PATH_TIME, signed=False))

    def enroll(
        self, token: str, name: str, app_version: str, kiosk_number: int | None = None
    ) -> p.EnrollResponse:
        """Spend ``token``; ``kiosk_number``: the number this kiosk already uses, if any (the
        server gives it or answers 409 ``number_taken``, and the token stays unspent)."""
        body: p.EnrollRequest = {
            "token": token,
            "name": name,
            "app_version": app_version,
            "kiosk_number": kiosk_number or None,
        }
        reply = self._call("POST", p.PATH_ENROLL, body=body, signed=False)
        return _checked(shapes.enroll_response, reply)

    def push(self, batch_key: str, transactions: list[p.WireTransaction]) -> p.PushResponse:
        body: p.PushRequest = {"transactions": transactions}
        reply = self._call(
            "POST", p.PATH_TRANSACTIONS, body=body, headers={p.H_IDEMPOTENCY: batch_key}
        )
        return _checked(shapes.push_response, reply)

    def push_encoded(self, batch_key: str, items: list[str]) -> p.PushResponse:
        """Like :meth:`push`, with each transaction already encoded as a JSON object."""
        raw = ('{"transactions":[' + ",".join(items) + "]}").encode("utf-8")
        reply = self._call(
            "POST", p.PATH_TRANSACTIONS, raw_body=raw, headers={p.H_IDEMPOTENCY: batch_key}
        )
        return _checked(shapes.push_response, reply)

    def statuses(self, since: int, limit: int = 500) -> p.StatusPage:
        reply = self._call("GET", p.PATH_STATUSES, query={"since": str(since), "limit": str(limit)})
        return _checked(shapes.status_page, reply)

    def announcements(self, since: int) -> p.AnnouncementPage:
        reply = self._call("GET", p.PATH_ANNOUNCEMENTS, query={"since": str(since)})
        return _checked(shapes.announcement_page, reply)

    def catalog(self, etag: str | None) -> tuple[bytes, str] | None:
        """The current catalog and its ETag, or None when ``etag`` is still current (304)."""
        headers = {"If-None-Match": f'"{etag}"'} if etag else {}
        response = self._call("GET", p.PATH_CATALOG, headers=headers, allow=(304,))
        if response.status == 304:
            return None
        return response.body, response.headers.get("ETag", "").strip('"')

    def audit(self, entries: list[p.WireAuditEntry]) -> p.AuditAnswer:
        body: p.AuditBatch = {"entries": entries}
        data: p.AuditAnswer = self._call("POST", p.PATH_AUDIT, body=body).json()
        return data

    def heartbeat(self, beat: p.Heartbeat) -> None:
        _checked(shapes.server_time, self._call("POST", p.PATH_HEARTBEAT, body=beat))

    # -- plumbing --------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        raw_body: bytes | None = None,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        signed: bool = True,
        allow: tuple[int, ...] = (),
    ) -> Response:
        if raw_body is not None:
            raw = raw_body
        elif body is not None:
            raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        else:
            raw = b""
        all_headers = {"Accept": "application/json", **(headers or {})}
        if raw:
            all_headers["Content-Type"] = "application/json"
        target = p.canonical_target(path, dict(query or {}))
        if signed:
            if self.credentials is None:
                raise AuthFailed(p.AUTH_MISSING, "this kiosk is not enrolled")
            all_headers.update(
                p.signed_headers(
                    self.credentials.kiosk_id,
                    self.credentials.secret,
                    method,
                    target,
                    raw,
                    int(self.offset.server_now()),
                )
            )
        url = self.base_url + path + ("?" + urlencode(sorted(query.items())) if query else "")
        try:
            reply = self.session.request(
                method,
                url,
                data=raw or None,
                headers=all_headers,
                timeout=self.timeout,
                stream=True,
            )
            try:  # read it all here: a reset mid-body is a network error
                content = _read_bounded(reply)
            finally:
                reply.close()
        except requests.RequestException as exc:
            raise NetworkError(f"{type(exc).__name__}: {_short(exc)}") from exc
        server_time = reply.headers.get(p.H_SERVER_TIME)
        if server_time:
            try:
                self.offset.learn(float(server_time))
            except ValueError:
                log.warning("ignoring a malformed %s header", p.H_SERVER_TIME)
        response = Response(reply.status_code, content, reply.headers)
        if 200 <= reply.status_code < 300 or reply.status_code in allow:
            return response
        raise _failure(response)


def _read_bounded(reply: requests.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in reply.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise BadResponse(f"the server's answer is larger than {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _checked(shape: Callable[[Any], T], response: Response) -> T:
    try:
        return shape(response.json())
    except ShapeError as exc:
        raise BadResponse(f"the server's answer is not protocol v1: {exc}") from None


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."


def _error_of(response: Response) -> tuple[str, str]:
    """The error's code and message, as one line (whatever the body is)."""
    try:
        data = response.json()
        error = data.get("error", {}) if isinstance(data, dict) else {}
        code, message = str(error.get("code", ""))[:64], str(error.get("message", ""))
    except (BadResponse, AttributeError):
        code, message = "", response.body[:300].decode("utf-8", "replace")
    return code, " ".join(message.split())[:300]


def _retry_after(response: Response) -> float | None:
    """The ``Retry-After`` header (seconds or an HTTP date) as a bounded wait, or None."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return bounded_wait(float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
            return bounded_wait(when.timestamp() - time.time())
        except (TypeError, ValueError, OverflowError, IndexError):
            return None


def _failure(response: Response) -> SyncError:
    status = response.status
    code, message = _error_of(response)
    wait = _retry_after(response)
    if status in (429, 503) and wait is not None:
        return RetryLater(status, wait)
    if status == 413:
        return TooLarge(message or "batch too large")
    if status == 409:
        return InFlight(message or "batch in flight")
    if status == 401:
        return AuthFailed(code or p.AUTH_MISSING, message)
    if status >= 500:
        return ServerError(status, message or code)
    return Refused(status, code, message)
