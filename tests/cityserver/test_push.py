"""Pushing batches: one result per item, in order; exactly one request row per UUID."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import func, select

from cityserver import batches, catalogs
from cityserver.db import Database
from cityserver.models import Request, StatusEvent
from kiosk.catalog import Catalog, load_default_catalog
from kiosk.db import Database as KioskDatabase
from kiosk.jalali import JalaliDate
from kiosk.queue import Queue
from kiosk.timeutil import iso
from kiosk.tracking import make_tracking_code
from sync import protocol
from tests.cityserver.conftest import FakeClock, SignedKiosk

SURVEY = "district-survey-1405-autumn"
SURVEY_ANSWERS = {
    "national_code": "0499370899",
    "district": "3",
    "cleaning": "4",
    "green_space": "3",
    "streets": "2",
    "transport": "5",
    "responsiveness": "1",
}

VALID: dict[str, Any] = {
    "district": "2",
    "address": "Vali-Asr St",
    "problem_type": "off",
    "how_many": "one",
    "anonymous": True,
}


def rows(db: Database) -> int:
    with db.read() as session:
        return int(session.execute(select(func.count()).select_from(Request)).scalar_one())


def test_accepted_then_duplicate_with_the_same_server_ref(
    kiosk: SignedKiosk, database: Database
) -> None:
    tx = kiosk.transaction()
    first = kiosk.push([tx])
    assert first.status_code == 200, first.text
    [result] = first.json()["results"]
    assert result["status"] == "accepted" and result["id"] == tx["id"]
    again = kiosk.push([tx]).json()["results"][0]
    assert again == {"id": tx["id"], "status": "duplicate", "server_ref": result["server_ref"]}
    assert rows(database) == 1
    with database.read() as session:
        events = session.execute(select(StatusEvent)).scalars().all()
        stored = session.get_one(Request, tx["id"])
    assert events == []  # the push answer says "the city has it"; events are later changes
    assert stored.status == "open" and stored.status_changed_at == stored.received_at
    assert stored.tracking_code == tx["tracking_code"] and stored.kiosk_id == kiosk.kiosk_id
    assert stored.answers["address"] == "Vali-Asr St, near Tajrish square"
    assert "mobile" not in stored.answers


def test_results_follow_item_order_with_every_reason(kiosk: SignedKiosk) -> None:
    good = kiosk.transaction()
    missing = kiosk.transaction()
    del missing["lang"]
    bad_uuid = kiosk.transaction(id="not-a-uuid")
    bad_code = kiosk.transaction(tracking_code="00010000019")
    unknown = kiosk.transaction(service="no-such-service")
    bill = kiosk.transaction(service="bill-inquiry", answers={"bill_id": "7748317800142"})
    invalid = kiosk.transaction(answers={**VALID, "district": "99", "address": ""})
    not_object = ["a string"]
    items: list[Any] = [good, missing, bad_uuid, bad_code, unknown, bill, invalid, *not_object]
    results = kiosk.push(items).json()["results"]
    assert [r["status"] for r in results] == ["accepted"] + ["rejected"] * 7
    assert [r.get("reason") for r in results[1:]] == [
        "malformed",
        "malformed",
        "malformed",
        "unknown_service",
        "unknown_service",
        "invalid_answers",
        "malformed",
    ]
    assert [r["id"] for r in results[:7]] == [t["id"] for t in items[:7]]
    assert results[7]["id"] == ""
    assert "lang" in results[1]["message"]
    assert "district: Select one of the options shown" in results[6]["message"]
    assert "address: Enter an answer" in results[6]["message"]
    assert all("server_ref" not in r for r in results[1:])


def test_a_repeated_id_in_one_batch_is_stored_once(kiosk: SignedKiosk, database: Database) -> None:
    tx = kiosk.transaction()
    results = kiosk.push([tx, tx, tx]).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "duplicate", "duplicate"]
    assert len({r["server_ref"] for r in results}) == 1
    assert rows(database) == 1


def test_one_survey_answer_per_national_code(kiosk: SignedKiosk, database: Database) -> None:
    first = kiosk.transaction(SURVEY_ANSWERS, service=SURVEY)
    second = kiosk.transaction({**SURVEY_ANSWERS, "cleaning": "1"}, service=SURVEY)
    other = kiosk.transaction({**SURVEY_ANSWERS, "national_code": "0790419904"}, service=SURVEY)
    results = kiosk.push([first, second, other]).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    assert results[1]["reason"] == "already_answered"
    # the accepted answer sent again is a duplicate, not "already answered"
    assert kiosk.push([first]).json()["results"][0]["status"] == "duplicate"
    later = kiosk.transaction(SURVEY_ANSWERS, service=SURVEY)
    assert kiosk.push([later]).json()["results"][0]["reason"] == "already_answered"
    assert rows(database) == 2


def test_a_stored_id_is_a_duplicate_whatever_its_answers_now(
    kiosk: SignedKiosk, database: Database
) -> None:
    first = kiosk.transaction(SURVEY_ANSWERS, service=SURVEY)
    [accepted] = kiosk.push([first]).json()["results"]
    # the same national code under a new id first, then the stored item again, then the stored
    # item with answers that no longer pass: only the new one is refused
    rival = kiosk.transaction(SURVEY_ANSWERS, service=SURVEY)
    broken = {**first, "answers": {**SURVEY_ANSWERS, "district": "99"}}
    results = kiosk.push([rival, first, broken]).json()["results"]
    duplicate = {"id": first["id"], "status": "duplicate", "server_ref": accepted["server_ref"]}
    assert results[0]["status"] == "rejected" and results[0]["reason"] == "already_answered"
    assert results[1:] == [duplicate, duplicate]
    assert kiosk.push([broken]).json()["results"] == [duplicate]
    assert rows(database) == 1


def test_date_limits_are_those_of_the_day_it_was_filed(
    kiosk: SignedKiosk, clock: FakeClock
) -> None:
    filed = dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC)
    appointment = JalaliDate.from_gregorian(filed.date() + dt.timedelta(days=1)).isoformat()
    answers = {
        "national_code": "0499370899",
        "mobile": "09121234567",
        "licence_number": "12345",
        "business_type": "bakery",
        "district": "2",
        "postal_code": "1234567890",
        "appointment_date": appointment,
        "appointment_time": "morning",
    }
    tx = kiosk.transaction(answers, service="business-licence-renewal", created_at=iso(filed))
    clock.advance(days=10)  # the kiosk was offline: "tomorrow" is in the server's past now
    assert kiosk.push([tx]).json()["results"][0]["status"] == "accepted"


def test_every_transaction_the_kiosk_queues_is_accepted(kiosk: SignedKiosk, tmp_path: Any) -> None:
    """The kiosk's own queue makes the transactions: the server never refuses a valid one."""
    catalog = load_default_catalog()
    queue_db = KioskDatabase(tmp_path / "queue.db")
    queue = Queue(queue_db, catalog, kiosk_number=kiosk.number)
    submitted = [
        queue.submit("street-lights", {**VALID, "anonymous": "no", "name": "Sara"}),
        queue.submit("message-to-municipality", _message(catalog)),
        queue.submit(SURVEY, SURVEY_ANSWERS),
        queue.submit("street-lights", {**VALID, "wants_follow_up": "بله", "mobile": "۰۹۱۲۱۲۳۴۵۶۷"}),
    ]
    wire = [
        {
            **{k: getattr(t, k) for k in protocol.WIRE_FIELDS if k not in ("created_at",)},
            "channel": t.channel.value,
            "created_at": iso(t.created_at),
        }
        for t in submitted
    ]
    results = kiosk.push(json.loads(json.dumps(wire))).json()["results"]
    queue_db.close()
    assert [r["status"] for r in results] == ["accepted"] * 4, results


def _message(catalog: Catalog) -> dict[str, Any]:
    service = catalog.service("message-to-municipality")
    kind = service.field("message_kind").choices[0].value
    return {
        "message_kind": kind,
        "subject": "Bus stop",
        "message": "Please add a shelter",
        "name": "Ali",
        "mobile": "09121234567",
    }


def test_an_accepted_item_stays_a_duplicate_after_the_catalog_changes(
    kiosk: SignedKiosk, database: Database, clock: FakeClock
) -> None:
    tx = kiosk.transaction()
    assert kiosk.push([tx]).json()["results"][0]["status"] == "accepted"
    document = json.loads(catalogs.bundled().body)
    document["version"] = "2027.1"
    document["services"] = [s for s in document["services"] if s["code"] != "street-lights"]
    with database.write() as session:
        catalogs.publish(session, json.dumps(document).encode(), clock())
    assert kiosk.push([tx]).json()["results"][0]["status"] == "duplicate"
    # a new item filed under the old (bundled) catalog is still checked against that catalog
    assert kiosk.push([kiosk.transaction()]).json()["results"][0]["status"] == "accepted"
    newer = kiosk.transaction(catalog_version="2027.1")
    assert kiosk.push([newer]).json()["results"][0]["reason"] == "unknown_service"


def test_idempotency_key_replays_the_stored_answer(kiosk: SignedKiosk, database: Database) -> None:
    tx = kiosk.transaction()
    key = str(uuid.uuid4())
    first = kiosk.push([tx], key=key).json()
    again = kiosk.push([tx], key=key).json()
    assert again["results"] == first["results"]  # "accepted" again: the stored answer
    assert rows(database) == 1


def test_idempotency_key_in_flight_is_409_and_stale_claims_are_taken_over(
    kiosk: SignedKiosk, database: Database, clock: FakeClock
) -> None:
    tx = kiosk.transaction()
    body = json.dumps({"transactions": [tx]}).encode()
    key = str(uuid.uuid4())
    claim = batches.claim(database, key, kiosk.kiosk_id, batches.body_digest(body), clock())
    assert claim.outcome == "claimed"
    answer = kiosk.post(
        protocol.PATH_TRANSACTIONS, {"transactions": [tx]}, **{"Idempotency-Key": key}
    )
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "in_flight"
    clock.advance(seconds=batches.STALE_AFTER.total_seconds() + 1)
    answer = kiosk.post(
        protocol.PATH_TRANSACTIONS, {"transactions": [tx]}, **{"Idempotency-Key": key}
    )
    assert answer.status_code == 200
    assert answer.json()["results"][0]["status"] == "accepted"


def test_idempotency_key_is_required_and_bound_to_its_body(kiosk: SignedKiosk) -> None:
    tx = kiosk.transaction()
    no_key = kiosk.post(protocol.PATH_TRANSACTIONS, {"transactions": [tx]})
    assert no_key.status_code == 400
    assert no_key.json()["error"]["code"] == "missing_idempotency_key"
    key = str(uuid.uuid4())
    assert kiosk.push([tx], key=key).status_code == 200
    reused = kiosk.push([kiosk.transaction()], key=key)
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_too_many_items_is_413(kiosk: SignedKiosk, database: Database) -> None:
    items = [kiosk.transaction() for _ in range(protocol.MAX_BATCH_ITEMS + 1)]
    answer = kiosk.push(items)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_many_items"
    assert rows(database) == 0
    assert kiosk.push(items[: protocol.MAX_BATCH_ITEMS]).status_code == 200
    assert rows(database) == protocol.MAX_BATCH_ITEMS


def test_too_large_a_body_is_413(kiosk: SignedKiosk) -> None:
    tx = kiosk.transaction(answers={**VALID, "description": "x" * protocol.MAX_BODY_BYTES})
    answer = kiosk.push([tx])
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "body_too_large"


def test_a_body_that_is_not_a_batch_is_400(kiosk: SignedKiosk) -> None:
    answer = kiosk.post(protocol.PATH_TRANSACTIONS, {"items": []}, **{"Idempotency-Key": "k" * 10})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad_request"


def test_long_lived_kiosks_have_big_sequence_numbers(
    kiosk: SignedKiosk, database: Database
) -> None:
    seq = 10**11 + 7
    tx = kiosk.transaction(seq=seq, tracking_code=make_tracking_code(kiosk.number, seq))
    assert kiosk.push([tx]).json()["results"][0]["status"] == "accepted"
    with database.read() as session:
        assert session.get_one(Request, tx["id"]).kiosk_seq == seq
