"""Every signed request is checked: signature, freshness by the server's clock, nonce, kiosk."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from cityserver import kiosks
from cityserver.app import create_app
from cityserver.auth import housekeep
from cityserver.db import Database
from cityserver.models import Kiosk, Nonce
from cityserver.settings import Settings
from sync import protocol
from tests.cityserver.conftest import FakeClock, SignedKiosk, TestClient, enroll

STATUSES = protocol.PATH_STATUSES


def error_code(answer: httpx.Response) -> str:
    code: str = answer.json()["error"]["code"]
    return code


def test_a_signed_request_passes_and_marks_the_kiosk_seen(
    kiosk: SignedKiosk, database: Database, clock: FakeClock
) -> None:
    answer = kiosk.get(STATUSES, "since=0&limit=10")
    assert answer.status_code == 200, answer.text
    with database.read() as session:
        assert session.get_one(Kiosk, kiosk.kiosk_id).last_seen_at == clock()


def test_the_query_is_signed_in_sorted_order(kiosk: SignedKiosk) -> None:
    headers = kiosk.headers("GET", STATUSES, query="limit=5&since=0")
    answer = kiosk.http.get(f"{STATUSES}?since=0&limit=5", headers=headers)
    assert answer.status_code == 200


@pytest.mark.parametrize(
    "tamper",
    ["body", "query", "path", "secret", "method", "timestamp"],
)
def test_anything_changed_after_signing_is_bad_signature(kiosk: SignedKiosk, tamper: str) -> None:
    body = b'{"transactions": []}'
    path = protocol.PATH_HEARTBEAT
    signed = kiosk.headers("POST", path, body)
    if tamper == "body":
        body = b'{"transactions": [1]}'
    elif tamper == "query":
        path = f"{path}?x=1"
    elif tamper == "path":
        path = protocol.PATH_TRANSACTIONS
    elif tamper == "secret":
        signed = SignedKiosk(kiosk.http, kiosk.clock, kiosk.kiosk_id, 1, "A" * 43).headers(
            "POST", path, body
        )
    elif tamper == "method":
        signed = kiosk.headers("PUT", path, body)
    elif tamper == "timestamp":
        signed[protocol.H_TIMESTAMP] = str(int(signed[protocol.H_TIMESTAMP]) + 1)
    answer = kiosk.http.post(path, content=body, headers=signed)
    assert answer.status_code == 401
    assert error_code(answer) == protocol.AUTH_BAD_SIGNATURE


@pytest.mark.parametrize(
    "header", [protocol.H_KIOSK, protocol.H_NONCE, protocol.H_SIGNATURE, protocol.H_TIMESTAMP]
)
def test_a_missing_header_is_missing_auth(kiosk: SignedKiosk, header: str) -> None:
    headers = kiosk.headers("GET", STATUSES)
    del headers[header]
    answer = kiosk.http.get(STATUSES, headers=headers)
    assert answer.status_code == 401
    assert error_code(answer) == protocol.AUTH_MISSING
    assert header in answer.json()["error"]["message"]


def test_a_timestamp_that_is_not_whole_seconds_is_malformed_auth(kiosk: SignedKiosk) -> None:
    headers = kiosk.headers("GET", STATUSES)
    headers[protocol.H_TIMESTAMP] = "soon"
    answer = kiosk.http.get(STATUSES, headers=headers)
    assert answer.status_code == 400
    assert error_code(answer) == protocol.AUTH_MALFORMED
    assert protocol.H_TIMESTAMP in answer.json()["error"]["message"]


def test_unknown_kiosk(kiosk: SignedKiosk) -> None:
    stranger = SignedKiosk(
        kiosk.http, kiosk.clock, "0190a000-0000-7000-8000-000000000000", 5, kiosk.secret
    )
    answer = stranger.get(STATUSES)
    assert answer.status_code == 401
    assert error_code(answer) == protocol.AUTH_UNKNOWN_KIOSK


def test_revoked_kiosk_and_the_others_keep_working(
    kiosk: SignedKiosk, client: TestClient, database: Database, clock: FakeClock
) -> None:
    other = enroll(client, database, clock, name="Other")
    with database.write() as session:
        kiosks.revoke(session, str(kiosk.number), clock())
    answer = kiosk.get(STATUSES)
    assert answer.status_code == 401
    assert error_code(answer) == protocol.AUTH_REVOKED
    assert protocol.AUTH_REVOKED in protocol.NEEDS_ENROLLMENT
    assert other.get(STATUSES).status_code == 200


@pytest.mark.parametrize("skew", [-301, 301, -86_400 * 3])
def test_a_timestamp_off_the_servers_clock_is_clock_skew(kiosk: SignedKiosk, skew: int) -> None:
    kiosk.offset = skew
    answer = kiosk.get(STATUSES)
    assert answer.status_code == 401
    assert error_code(answer) == protocol.AUTH_CLOCK_SKEW
    server_time = float(answer.headers[protocol.H_SERVER_TIME])
    assert server_time == pytest.approx(kiosk.clock().timestamp(), abs=0.01)


def test_a_kiosk_days_off_signs_fresh_requests_with_the_servers_time(
    kiosk: SignedKiosk, client: TestClient
) -> None:
    """The kiosk's own clock does not matter: it signs with the time the server reports."""
    server_time = float(client.get(protocol.PATH_TIME).headers[protocol.H_SERVER_TIME])
    kiosk.clock = None  # the kiosk's wall clock (days away from the fake server clock) ...
    kiosk.offset = server_time - kiosk.timestamp()  # ... corrected by the offset it keeps
    assert kiosk.get(STATUSES).status_code == 200


def test_a_nonce_is_accepted_once(kiosk: SignedKiosk) -> None:
    headers = kiosk.headers("GET", STATUSES)
    assert kiosk.http.get(STATUSES, headers=headers).status_code == 200
    again = kiosk.http.get(STATUSES, headers=headers)
    assert again.status_code == 401
    assert error_code(again) == protocol.AUTH_REPLAYED


def test_expired_nonces_are_forgotten(
    kiosk: SignedKiosk, database: Database, clock: FakeClock
) -> None:
    assert kiosk.get(STATUSES).status_code == 200
    with database.write() as session:
        housekeep(session, clock() + timedelta(seconds=protocol.NONCE_TTL_S + 1))
        left = session.execute(select(func.count()).select_from(Nonce)).scalar_one()
    assert left == 0


def test_requests_over_the_limit_get_429_with_retry_after(
    settings: Settings, database: Database, clock: FakeClock
) -> None:
    limited = Settings(**{**settings.__dict__, "max_requests_per_minute": 2})
    with TestClient(create_app(limited, db=database, clock=clock)) as http:
        kiosk = enroll(http, database, clock)
        assert [kiosk.get(STATUSES).status_code for _ in range(2)] == [200, 200]
        answer = kiosk.get(STATUSES)
    assert answer.status_code == 429
    assert error_code(answer) == "rate_limited"
    assert 1 <= int(answer.headers["Retry-After"]) <= 60


def test_maintenance_is_503_with_retry_after(
    settings: Settings, database: Database, clock: FakeClock
) -> None:
    closed = Settings(**{**settings.__dict__, "maintenance": True})
    with TestClient(create_app(closed, db=database, clock=clock)) as http:
        answer = http.post(protocol.PATH_TRANSACTIONS, content=b"{}")
        time_answer = http.get(protocol.PATH_TIME)
        open311 = http.get("/open311/v2/services.json")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == str(closed.retry_after_s)
    assert error_code(answer) == "maintenance"
    assert time_answer.status_code == 200  # the clock stays readable
    assert open311.status_code == 503 and open311.json()[0]["code"] == 503
