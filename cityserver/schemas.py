"""Pydantic mirrors of :mod:`sync.protocol`'s message shapes, for the OpenAPI document.

The protocol module is the source of truth (standard library only, shared with the kiosk); a test
checks that every model here has exactly the fields of its ``TypedDict`` there. Handlers of signed
requests parse the raw body themselves: the signature covers those exact bytes, and a batch must
be answered item by item rather than refused whole.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

NO_CONTROLS = r"^[^\x00-\x1f\x7f-\x9f]*$"  # what a person or a terminal reads: no controls


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class TimeResponse(BaseModel):
    server_time: float


class EnrollRequest(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=100, pattern=NO_CONTROLS)
    app_version: str = Field(min_length=1, max_length=64, pattern=NO_CONTROLS)
    kiosk_number: int | None = Field(default=None, ge=1, le=9998)


class EnrollResponse(BaseModel):
    kiosk_id: str
    kiosk_number: int
    secret: str
    server_time: float


class WireTransaction(BaseModel):
    id: str
    tracking_code: str
    kiosk_number: int
    seq: int
    service_code: str
    catalog_version: str
    answers: dict[str, Any]
    lang: str
    created_at: str
    channel: str
    staff_id: str | None
    replaces_id: str | None


class PushRequest(BaseModel):
    transactions: list[WireTransaction]


class ItemResult(BaseModel):
    id: str
    status: Literal["accepted", "duplicate", "rejected"]
    server_ref: str | None = None
    reason: str | None = None
    message: str | None = None


class PushResponse(BaseModel):
    results: list[ItemResult]
    server_time: float


class StatusUpdate(BaseModel):
    id: str
    server_ref: str
    status: str
    note: str
    changed_at: str


class StatusPage(BaseModel):
    updates: list[StatusUpdate]
    cursor: int
    more: bool


class WireAnnouncement(BaseModel):
    id: str
    title: dict[str, str]
    body: dict[str, str]
    published_at: str
    expires_at: str | None
    deleted: bool


class AnnouncementPage(BaseModel):
    announcements: list[WireAnnouncement]
    cursor: int
    more: bool


class AuditHead(BaseModel):
    seq: int = Field(ge=0, le=2**62)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")


class WireAuditEntry(BaseModel):
    seq: int
    time: str
    actor: str
    action: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditBatch(BaseModel):
    entries: list[WireAuditEntry]


class AuditAnswer(BaseModel):
    held_through: int
    diverged: bool
    message: str | None
    server_time: float


class Heartbeat(BaseModel):
    model_config = ConfigDict(extra="allow")

    queue_depth: int = Field(ge=0, le=2**53)
    oldest_unsent_at: str | None
    last_sync_at: str | None
    last_error: str | None = Field(max_length=2000)
    app_version: str = Field(max_length=64)
    free_disk_bytes: int = Field(ge=0, le=2**63 - 1)
    printer_state: str = Field(max_length=200)
    catalog_version: str = Field(max_length=64)
    audit_head: AuditHead | None = None  # older kiosks do not send it


MIRRORS: dict[str, type[BaseModel]] = {
    "ErrorBody": ErrorBody,
    "EnrollRequest": EnrollRequest,
    "EnrollResponse": EnrollResponse,
    "WireTransaction": WireTransaction,
    "PushRequest": PushRequest,
    "ItemResult": ItemResult,
    "PushResponse": PushResponse,
    "StatusUpdate": StatusUpdate,
    "StatusPage": StatusPage,
    "WireAnnouncement": WireAnnouncement,
    "AnnouncementPage": AnnouncementPage,
    "Heartbeat": Heartbeat,
    "AuditHead": AuditHead,
    "WireAuditEntry": WireAuditEntry,
    "AuditBatch": AuditBatch,
    "AuditAnswer": AuditAnswer,
}
"""Model by the name of the protocol ``TypedDict`` it mirrors."""


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting a JSON request body the handler reads itself."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }


AUTH_HEADERS_DOC = (
    "Signed with the kiosk's secret: X-Kiosk-Id, X-Kiosk-Timestamp, X-Kiosk-Nonce and "
    "X-Kiosk-Signature (see docs/protocol.md). 400 malformed_auth for a header that cannot be "
    "parsed; 401 codes: missing_auth, unknown_kiosk, revoked, bad_signature, clock_skew, replayed."
)
