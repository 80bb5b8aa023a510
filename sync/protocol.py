"""Protocol v1 between a kiosk and the city server: paths, headers, message shapes, signing.

Pure data and pure functions (standard library only), shared by the kiosk's sync engine and the
reference city server, so that the two cannot drift apart. ``docs/protocol.md`` describes the
same protocol in prose.

Every kiosk request after enrollment is signed with the kiosk's own secret (HMAC-SHA256 over the
method, path and query, a timestamp, a nonce and the body's SHA-256). The timestamp is the
kiosk's estimate of the *server's* clock: every response carries ``X-Server-Time``, and the kiosk
keeps the offset, so a kiosk clock that is days off still signs fresh requests. The server
refuses a timestamp outside ``MAX_CLOCK_SKEW_S`` with 401 ``clock_skew`` (and its own time), and a
nonce it has seen with 401 ``replayed``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any, Final, Literal, TypedDict
from urllib.parse import parse_qsl, urlencode

PROTOCOL_VERSION: Final = 1
API: Final = "/api/v1"

# -- paths ---------------------------------------------------------------------------------
PATH_TIME: Final = f"{API}/time"  # GET, unauthenticated: {"server_time": float}
PATH_ENROLL: Final = f"{API}/enroll"  # POST EnrollRequest -> EnrollResponse (token, no signature)
PATH_TRANSACTIONS: Final = f"{API}/transactions"  # POST PushRequest -> PushResponse
PATH_STATUSES: Final = f"{API}/statuses"  # GET ?since=CURSOR&limit=N -> StatusPage
PATH_CATALOG: Final = f"{API}/catalog"  # GET, If-None-Match -> catalog JSON bytes + ETag, or 304
PATH_ANNOUNCEMENTS: Final = f"{API}/announcements"  # GET ?since=CURSOR -> AnnouncementPage
PATH_HEARTBEAT: Final = f"{API}/heartbeat"  # POST Heartbeat -> {"server_time": float}
PATH_AUDIT: Final = f"{API}/audit"  # POST AuditBatch -> AuditAnswer

# -- headers -------------------------------------------------------------------------------
H_KIOSK: Final = "X-Kiosk-Id"
H_TIMESTAMP: Final = "X-Kiosk-Timestamp"  # integer seconds, server time as the kiosk estimates it
H_NONCE: Final = "X-Kiosk-Nonce"
H_SIGNATURE: Final = "X-Kiosk-Signature"
H_SERVER_TIME: Final = "X-Server-Time"  # on every response: float seconds since the epoch
H_IDEMPOTENCY: Final = "Idempotency-Key"  # one per push batch (a UUID)
H_CATALOG_VERSION: Final = "X-Catalog-Version"

MAX_CLOCK_SKEW_S: Final = 300
NONCE_TTL_S: Final = 2 * MAX_CLOCK_SKEW_S
DEFAULT_BATCH: Final = 100
MAX_BATCH_ITEMS: Final = 1000  # more items in one push: 413
MAX_BODY_BYTES: Final = 4_000_000  # a larger body: 413
MAX_AUDIT_BATCH: Final = 500  # audit entries per POST /audit

# -- results and errors ----------------------------------------------------------------------
ItemStatus = Literal["accepted", "duplicate", "rejected"]
ACCEPTED: Final = "accepted"
DUPLICATE: Final = "duplicate"
REJECTED: Final = "rejected"

# Why an item was rejected (machine-readable; a sentence for staff goes with it).
REJECT_MALFORMED: Final = "malformed"
REJECT_UNKNOWN_SERVICE: Final = "unknown_service"
REJECT_INVALID_ANSWERS: Final = "invalid_answers"
REJECT_ALREADY_ANSWERED: Final = "already_answered"  # a second survey answer for a national code
# What the server checks of a kiosk's own claims (docs/protocol.md, "What the server believes").
REJECT_RESERVED_NUMBER: Final = "reserved_number"  # kiosk number 0000 or 9999 (Open311's)
REJECT_WRONG_KIOSK: Final = "wrong_kiosk"  # kiosk_number is not the signing kiosk's number
REJECT_WRONG_TRACKING_CODE: Final = "wrong_tracking_code"  # not the code of kiosk_number + seq
REJECT_TRACKING_CODE_TAKEN: Final = "tracking_code_taken"  # another request has that code

# 401 error codes: the first two mean the kiosk must be enrolled again.
AUTH_UNKNOWN_KIOSK: Final = "unknown_kiosk"
AUTH_REVOKED: Final = "revoked"
AUTH_BAD_SIGNATURE: Final = "bad_signature"
AUTH_CLOCK_SKEW: Final = "clock_skew"
AUTH_REPLAYED: Final = "replayed"
AUTH_MISSING: Final = "missing_auth"
AUTH_MALFORMED: Final = "malformed_auth"  # 400: a signing header that cannot be parsed
NEEDS_ENROLLMENT: Final = frozenset({AUTH_UNKNOWN_KIOSK, AUTH_REVOKED, AUTH_BAD_SIGNATURE})

# Status of a request in the city, as the city server reports it.
STATUS_OPEN: Final = "open"
STATUS_IN_PROGRESS: Final = "in_progress"
STATUS_CLOSED: Final = "closed"
STATUSES: Final = (STATUS_OPEN, STATUS_IN_PROGRESS, STATUS_CLOSED)


class ErrorBody(TypedDict):
    """Every error of the sync API: ``{"error": {"code": ..., "message": ...}}``."""

    error: dict[str, str]


# -- messages ------------------------------------------------------------------------------


class EnrollRequest(TypedDict):
    token: str
    name: str  # the kiosk's display name
    app_version: str
    # The number the kiosk already uses ([station] number), or null for the next free one.
    kiosk_number: int | None


class EnrollResponse(TypedDict):
    kiosk_id: str
    kiosk_number: int
    secret: str  # base64url; the kiosk keeps it in its data dir and never logs it
    server_time: float


class WireTransaction(TypedDict):
    """One queued transaction as the kiosk sends it (no local bookkeeping fields)."""

    id: str  # UUIDv7: the idempotency key, forever
    tracking_code: str
    kiosk_number: int
    seq: int
    service_code: str
    catalog_version: str
    answers: dict[str, Any]
    lang: str
    created_at: str  # ISO 8601 with Z, the kiosk's clock
    channel: str  # kiosk | counter
    staff_id: str | None
    replaces_id: str | None


WIRE_FIELDS: Final = tuple(WireTransaction.__annotations__)


class PushRequest(TypedDict):
    transactions: list[WireTransaction]


class ItemResult(TypedDict, total=False):
    id: str
    status: ItemStatus
    server_ref: str  # accepted and duplicate
    reason: str  # rejected: one of REJECT_*
    message: str  # rejected: a sentence for staff


class PushResponse(TypedDict):
    results: list[ItemResult]
    server_time: float


class StatusUpdate(TypedDict):
    id: str  # the transaction's UUID
    server_ref: str
    status: str  # one of STATUSES
    note: str
    changed_at: str  # ISO 8601, the server's clock


class StatusPage(TypedDict):
    updates: list[StatusUpdate]
    cursor: int  # pass back as ?since= ; the server's sequence, never the kiosk's time
    more: bool


class WireAnnouncement(TypedDict):
    id: str
    title: dict[str, str]  # {"fa": ..., "en": ...}
    body: dict[str, str]
    published_at: str
    expires_at: str | None
    deleted: bool


class AnnouncementPage(TypedDict):
    announcements: list[WireAnnouncement]
    cursor: int
    more: bool


class AuditHead(TypedDict):
    """The last entry of the kiosk's audit chain: (0, 64 zeros) when it is empty."""

    seq: int
    hash: str


class Heartbeat(TypedDict):
    queue_depth: int
    oldest_unsent_at: str | None
    last_sync_at: str | None
    last_error: str | None
    app_version: str
    free_disk_bytes: int
    printer_state: str  # "ok", "not_configured", "error: ..."
    catalog_version: str
    audit_head: AuditHead | None  # checked against the server's copy of the chain


class WireAuditEntry(TypedDict):
    """One entry of the kiosk's audit log, exactly as stored and hashed (kiosk.auditchain)."""

    seq: int
    time: str  # the stored text form, as hashed
    actor: str
    action: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditBatch(TypedDict):
    entries: list[WireAuditEntry]  # after the last one the server acknowledged, in order


class AuditAnswer(TypedDict):
    held_through: int  # the server holds the kiosk's chain up to this entry: the kiosk's cursor
    diverged: bool  # the batch does not extend the server's copy (recorded there for the city)
    message: str | None
    server_time: float


# -- signing -------------------------------------------------------------------------------


def new_secret() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")


def new_nonce() -> str:
    return secrets.token_hex(16)


def _secret_bytes(secret: str) -> bytes:
    padded = secret + "=" * (-len(secret) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def canonical_target(path: str, query: str | Mapping[str, str] = "") -> str:
    """The path with its query parameters sorted (so both sides sign the same string)."""
    pairs = sorted(
        parse_qsl(query, keep_blank_values=True) if isinstance(query, str) else query.items()
    )
    return f"{path}?{urlencode(pairs)}" if pairs else path


def string_to_sign(method: str, target: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join(
        [
            f"KIOSK-HMAC-SHA256/v{PROTOCOL_VERSION}",
            method.upper(),
            target,
            str(timestamp),
            nonce,
            digest,
        ]
    ).encode("utf-8")


def sign(secret: str, method: str, target: str, timestamp: int, nonce: str, body: bytes) -> str:
    mac = hmac.new(
        _secret_bytes(secret),
        string_to_sign(method, target, timestamp, nonce, body),
        hashlib.sha256,
    )
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")


def verify(
    secret: str,
    signature: str,
    method: str,
    target: str,
    timestamp: int,
    nonce: str,
    body: bytes,
) -> bool:
    expected = sign(secret, method, target, timestamp, nonce, body)
    # As bytes: compare_digest refuses str with characters outside ASCII (a TypeError).
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogatepass"))


def signed_headers(
    kiosk_id: str,
    secret: str,
    method: str,
    target: str,
    body: bytes,
    timestamp: int,
    nonce: str | None = None,
) -> dict[str, str]:
    nonce = nonce or new_nonce()
    return {
        H_KIOSK: kiosk_id,
        H_TIMESTAMP: str(timestamp),
        H_NONCE: nonce,
        H_SIGNATURE: sign(secret, method, target, timestamp, nonce, body),
    }


def error_body(code: str, message: str) -> ErrorBody:
    return {"error": {"code": code, "message": message}}
