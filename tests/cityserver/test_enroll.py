"""Enrollment: a one-time, expiring token buys a kiosk id, number and secret."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from cityserver.db import Database
from cityserver.models import EnrollmentToken, Kiosk
from sync import protocol
from tests.cityserver.conftest import FakeClock, TestClient, enroll, new_token


def enroll_with(client: TestClient, token: str) -> httpx.Response:
    return client.post(
        protocol.PATH_ENROLL, json={"token": token, "name": "Hall", "app_version": "0.1.0"}
    )


def test_enrollment_gives_id_number_and_secret(
    client: TestClient, database: Database, clock: FakeClock
) -> None:
    token = new_token(database, clock)
    answer = client.post(
        protocol.PATH_ENROLL, json={"token": token, "name": " Hall 2 ", "app_version": "0.1.0"}
    )
    assert answer.status_code == 200
    data = answer.json()
    assert set(data) == set(protocol.EnrollResponse.__annotations__)
    assert data["kiosk_number"] == 1
    assert data["server_time"] == clock().timestamp()
    with database.read() as session:
        kiosk = session.get_one(Kiosk, data["kiosk_id"])
        spent = session.execute(select(EnrollmentToken)).scalar_one()
    assert (kiosk.name, kiosk.secret, kiosk.app_version) == ("Hall 2", data["secret"], "0.1.0")
    assert spent.used_at == clock() and spent.kiosk_id == kiosk.id
    assert token not in (spent.token_sha256, kiosk.secret)  # the token itself is not stored


def test_a_token_works_once(client: TestClient, database: Database, clock: FakeClock) -> None:
    token = new_token(database, clock)
    assert enroll_with(client, token).status_code == 200
    again = enroll_with(client, token)
    assert again.status_code == 403
    assert again.json()["error"]["code"] == "token_used"


def test_an_expired_token_is_refused(
    client: TestClient, database: Database, clock: FakeClock
) -> None:
    token = new_token(database, clock, hours=1)
    clock.advance(hours=1, seconds=1)
    answer = enroll_with(client, token)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "token_expired"


def test_an_unknown_token_is_401(client: TestClient) -> None:
    answer = enroll_with(client, "no-such-token")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unknown_token"


def test_kiosk_numbers_are_given_in_order(
    client: TestClient, database: Database, clock: FakeClock
) -> None:
    numbers = [enroll(client, database, clock, name=f"K{i}").number for i in range(3)]
    assert numbers == [1, 2, 3]


def test_a_malformed_enrollment_is_400_in_the_error_format(client: TestClient) -> None:
    answer = client.post(protocol.PATH_ENROLL, json={"token": "x"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad_request"
    assert "name" in answer.json()["error"]["message"]


def test_a_standalone_kiosk_is_enrolled_with_its_own_number(
    client: TestClient, database: Database, clock: FakeClock
) -> None:
    """The number a kiosk already issues codes with is kept, if free; else 409 and the token
    stays good for the kiosk's next try."""
    token = new_token(database, clock)
    body = {"token": token, "name": "Hall", "app_version": "0.1.0", "kiosk_number": 42}
    answer = client.post(protocol.PATH_ENROLL, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["kiosk_number"] == 42
    second = new_token(database, clock)
    taken = client.post(protocol.PATH_ENROLL, json={**body, "token": second})
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "number_taken"
    assert "was not spent" in taken.json()["error"]["message"]
    answer = client.post(protocol.PATH_ENROLL, json={**body, "token": second, "kiosk_number": None})
    assert answer.status_code == 200 and answer.json()["kiosk_number"] == 43  # next in order
    for bad in (0, 9999, 10**30):
        third = new_token(database, clock)
        refused = client.post(
            protocol.PATH_ENROLL, json={**body, "token": third, "kiosk_number": bad}
        )
        assert refused.status_code == 400, bad
