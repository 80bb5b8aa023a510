"""Bounded, validated input everywhere: limits before bodies are read, and no parser raises into
a 500 (issue 9, item 7). Every case here was a 500 or an unbounded read before."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from sync import protocol
from tests.cityserver.conftest import SignedKiosk, TestClient


def _status_and_error(answer: Any) -> tuple[int, str]:
    body = answer.json()
    code = body["error"]["code"] if isinstance(body, dict) else str(body[0]["code"])
    return answer.status_code, code


@pytest.mark.parametrize("timestamp", ["²", "--5", "5" * 5000, "١٧٠٠٠٠٠٠٠٠", "12.5", " "])
def test_malformed_timestamps_are_refused_with_a_reason(
    client: TestClient, kiosk: SignedKiosk, timestamp: str
) -> None:
    headers: dict[str, Any] = kiosk.headers("GET", protocol.PATH_STATUSES)
    headers[protocol.H_TIMESTAMP] = timestamp.encode("utf-8")  # bytes on the wire
    answer = client.get(protocol.PATH_STATUSES, headers=headers)
    assert _status_and_error(answer) == (400, protocol.AUTH_MALFORMED)


@pytest.mark.parametrize("signature", ["é" * 43, "\u0661" * 43, "a" * 5000, "a b"])
def test_malformed_signatures_are_refused(
    client: TestClient, kiosk: SignedKiosk, signature: str
) -> None:
    headers: dict[str, Any] = kiosk.headers("GET", protocol.PATH_STATUSES)
    headers[protocol.H_SIGNATURE] = signature.encode("utf-8")  # bytes on the wire
    answer = client.get(protocol.PATH_STATUSES, headers=headers)
    assert _status_and_error(answer) == (400, protocol.AUTH_MALFORMED)


def test_a_non_ascii_signature_never_reaches_compare_digest_as_str() -> None:
    secret = protocol.new_secret()
    assert not protocol.verify(secret, "é" * 43, "GET", "/", 1, "n" * 8, b"")


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"transactions": [' + b"7" * 5000 + b"]}", "more than 19 digits"),
        (b'{"transactions": [NaN]}', "NaN"),
        (b'{"transactions": [1e999]}', "too large"),
        (b"\xff\xfe", "not JSON"),
    ],
)
def test_hostile_json_is_400(kiosk: SignedKiosk, body: bytes, needle: str) -> None:
    headers = kiosk.headers("POST", protocol.PATH_TRANSACTIONS, body)
    headers[protocol.H_IDEMPOTENCY] = "k" * 12
    answer = kiosk.http.post(protocol.PATH_TRANSACTIONS, content=body, headers=headers)
    assert answer.status_code == 400, answer.text
    assert needle in answer.json()["error"]["message"]


def test_hostile_heartbeats_are_400(kiosk: SignedKiosk) -> None:
    deep: Any = []
    for _ in range(500):
        deep = [deep]
    beat = {
        "queue_depth": 10**30,
        "oldest_unsent_at": None,
        "last_sync_at": None,
        "last_error": None,
        "app_version": "1",
        "free_disk_bytes": 1,
        "printer_state": "ok",
        "catalog_version": "1",
    }
    assert kiosk.post(protocol.PATH_HEARTBEAT, beat).status_code == 400
    nested = {**beat, "queue_depth": 1, "x": deep}
    assert kiosk.post(protocol.PATH_HEARTBEAT, nested).status_code == 400


@pytest.mark.parametrize(
    "created_at",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1970-01-01T00:00:00Z"],
)
def test_out_of_range_created_at_is_malformed(kiosk: SignedKiosk, created_at: str) -> None:
    answer = kiosk.push([kiosk.transaction(created_at=created_at)])
    assert answer.status_code == 200
    [result] = answer.json()["results"]
    assert result["reason"] == "malformed" and "out of range" in result["message"]


@pytest.mark.parametrize("path", [protocol.PATH_STATUSES, protocol.PATH_ANNOUNCEMENTS])
@pytest.mark.parametrize("since", [str(2**63), str(2**64), "9" * 5000, "-1"])
def test_cursors_out_of_range_are_400(kiosk: SignedKiosk, path: str, since: str) -> None:
    answer = kiosk.get(path, f"since={since}")
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "bad_request"


def test_the_largest_cursor_is_fine(kiosk: SignedKiosk) -> None:
    answer = kiosk.get(protocol.PATH_STATUSES, f"since={2**63 - 1}")
    assert answer.status_code == 200 and answer.json()["updates"] == []


@pytest.mark.parametrize(
    "start", ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00Z"]
)
def test_open311_dates_at_the_extremes_are_400(client: TestClient, start: str) -> None:
    answer = client.get("/open311/v2/requests.json", params={"start_date": start})
    assert answer.status_code == 400
    assert "start_date" in answer.json()[0]["description"]


# -- body limits before the body is read --------------------------------------------------------


class Sender:
    """An ASGI client that counts how much of its body the server asked for."""

    def __init__(self, chunks: int, size: int) -> None:
        self.left = chunks
        self.size = size
        self.pulled = 0

    async def receive(self) -> dict[str, Any]:
        if self.left <= 0:
            return {"type": "http.disconnect"}
        self.left -= 1
        self.pulled += self.size
        return {"type": "http.request", "body": b"x" * self.size, "more_body": self.left > 0}


def _call(app: Any, path: str, sender: Sender, declared: int | bytes | None) -> tuple[int, bytes]:
    headers = [(b"content-type", b"application/json")]
    if declared is not None:
        raw = declared if isinstance(declared, bytes) else str(declared).encode()
        headers.append((b"content-length", raw))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 5), "server": ("t", 80),
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, sender.receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


@pytest.mark.parametrize(
    ("path", "limit"),
    [  # cityserver.limits: ENROLL_, OPEN311_, HEARTBEAT_MAX_BYTES and the protocol's
        (protocol.PATH_ENROLL, 4_096),
        ("/open311/v2/requests.json", 65_536),
        (protocol.PATH_HEARTBEAT, 16_384),
        (protocol.PATH_TRANSACTIONS, protocol.MAX_BODY_BYTES),
    ],
)
def test_a_declared_body_over_the_routes_limit_is_never_read(
    client: TestClient, path: str, limit: int
) -> None:
    sender = Sender(chunks=40, size=1_000_000)  # 40 MB
    status, body = _call(client.app, path, sender, declared=40_000_000)
    assert status == 413 and sender.pulled == 0
    assert str(limit) in body.decode()


def test_a_streamed_body_is_cut_off_at_the_limit(client: TestClient) -> None:
    sender = Sender(chunks=40, size=1_000)
    status, body = _call(client.app, protocol.PATH_ENROLL, sender, declared=None)
    assert status == 413 and b"body_too_large" in body
    assert sender.pulled <= 4_096 + 1_000


def test_open311_limit_errors_are_in_the_spec_format(client: TestClient) -> None:
    sender = Sender(chunks=1, size=10)
    status, body = _call(client.app, "/open311/v2/requests.json", sender, declared=10**9)
    assert status == 413 and json.loads(body)[0]["code"] == 413


@pytest.mark.parametrize("declared", [b"12, 12", b"-1", b"\xb2", b"9" * 40])
def test_a_malformed_content_length_is_400(client: TestClient, declared: bytes) -> None:
    sender = Sender(chunks=1, size=12)
    status, body = _call(client.app, protocol.PATH_ENROLL, sender, declared=declared)
    assert status == 400 and b"Content-Length" in body and sender.pulled == 0


def test_enrollment_names_with_control_characters_are_400(client: TestClient) -> None:
    body = {"token": "t" * 20, "name": "Hall\x1b[2J", "app_version": "1"}
    answer = client.post(protocol.PATH_ENROLL, json=body)
    assert answer.status_code == 400 and "name" in answer.json()["error"]["message"]
