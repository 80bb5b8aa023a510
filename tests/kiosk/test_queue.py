"""Submission through the core: validated, durable, with a tracking code; nothing on failure."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import uuid
from typing import Any

import pytest

from kiosk.catalog import Catalog, UnknownService
from kiosk.db import Database
from kiosk.forms import ValidationFailed
from kiosk.models import Channel, TxState
from kiosk.queue import NotQueued, Queue
from kiosk.tracking import InvalidTrackingCode, parse_tracking_code
from tests.conftest import TODAY

REPORT: dict[str, Any] = {
    "district": "1",
    "problem": "off",
    "address": "میدان ونک",
    "follow_up": "no",
}


def count_rows(db: Database) -> int:
    conn = sqlite3.connect(db.path)
    try:
        return int(conn.execute("SELECT count(*) FROM transactions").fetchone()[0])
    finally:
        conn.close()


def test_submit_returns_a_durable_transaction(mini_queue: Queue) -> None:
    tx = mini_queue.submit("street-lights", REPORT, lang="en", today=TODAY)
    assert uuid.UUID(tx.id).version == 7
    assert tx.state is TxState.PENDING
    assert tx.channel is Channel.KIOSK
    assert tx.staff_id is None
    assert tx.seq == 1
    assert tx.kiosk_number == 123
    assert tx.display_code == "0123-000001-" + tx.tracking_code[-1]
    assert parse_tracking_code(tx.display_code).seq == 1
    assert tx.catalog_version == "test-1"
    assert tx.lang == "en"
    assert tx.answers == {
        "district": "1",
        "problem": "off",
        "address": "میدان ونک",
        "follow_up": False,
    }
    assert tx.created_at.tzinfo is not None
    # a second, independent connection sees it: it is committed
    conn = sqlite3.connect(mini_queue.db.path)
    row = conn.execute("SELECT tracking_code, state, answers FROM transactions").fetchone()
    conn.close()
    assert row[0] == tx.tracking_code
    assert row[1] == "pending"
    assert "میدان ونک" in row[2]  # stored as readable UTF-8, not \\u escapes


def test_sequence_and_codes_are_unique(mini_queue: Queue) -> None:
    codes = {
        mini_queue.submit("street-lights", REPORT, today=TODAY).tracking_code for _ in range(20)
    }
    assert len(codes) == 20
    assert [tx.seq for tx in mini_queue.list()] == list(range(20, 0, -1))


def test_concurrent_submissions_from_threads(mini_queue: Queue) -> None:
    results: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(10):
            tx = mini_queue.submit("street-lights", REPORT, today=TODAY)
            with lock:
                results.append(tx.seq)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(1, 41))


def test_invalid_answers_write_nothing(mini_queue: Queue) -> None:
    with pytest.raises(ValidationFailed) as info:
        mini_queue.submit("street-lights", {**REPORT, "district": "99"}, today=TODAY)
    assert [e.key for e in info.value.errors] == ["district"]
    assert count_rows(mini_queue.db) == 0
    # and the sequence did not move
    assert mini_queue.submit("street-lights", REPORT, today=TODAY).seq == 1


def test_unknown_and_unqueued_services(mini_queue: Queue) -> None:
    with pytest.raises(UnknownService):
        mini_queue.submit("no-such-service", {})
    with pytest.raises(NotQueued):
        mini_queue.submit("bill-inquiry", {"bill_id": "7748317800142"})
    with pytest.raises(ValueError, match="staff id"):
        mini_queue.submit("street-lights", REPORT, channel=Channel.COUNTER, today=TODAY)
    with pytest.raises(ValueError, match="unsupported language"):
        mini_queue.submit("street-lights", REPORT, lang="de", today=TODAY)
    assert count_rows(mini_queue.db) == 0


def test_counter_submission_carries_the_clerk(mini_queue: Queue) -> None:
    tx = mini_queue.submit(
        "street-lights", REPORT, channel=Channel.COUNTER, staff_id="clerk-7", today=TODAY
    )
    assert tx.channel is Channel.COUNTER
    assert tx.staff_id == "clerk-7"


def test_survey_takes_one_answer_per_national_code(mini_queue: Queue) -> None:
    mini_queue.submit("survey", {"national_code": "0499370899", "rating": "5"})
    with pytest.raises(ValidationFailed) as info:
        mini_queue.submit("survey", {"national_code": "۰۴۹۹۳۷۰۸۹۹", "rating": "1"})
    (error,) = info.value.errors
    assert error.code == "already_answered"
    assert error.key == "national_code"
    assert "کد ملی" in error.render("fa")
    mini_queue.submit("survey", {"national_code": "0790419904", "rating": "1"})
    assert count_rows(mini_queue.db) == 2


def test_lookup_by_id_or_any_form_of_tracking_code(mini_queue: Queue) -> None:
    tx = mini_queue.submit("street-lights", REPORT, today=TODAY)
    persian = tx.display_code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    for ref in (
        tx.id,
        tx.id.upper(),
        tx.tracking_code,
        tx.display_code,
        persian,
        " " + tx.display_code.replace("-", " ") + " ",
    ):
        found = mini_queue.get(ref)
        assert found is not None and found.id == tx.id, ref
    assert mini_queue.get(str(uuid.uuid4())) is None
    wrong_check = tx.tracking_code[:-1] + str((int(tx.tracking_code[-1]) + 1) % 10)
    with pytest.raises(InvalidTrackingCode):
        mini_queue.get(wrong_check)


def test_counts_and_oldest_unsent(db: Database, mini_catalog: Catalog) -> None:
    times = iter(
        [
            dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC),
        ]
    )
    queue = Queue(db, mini_catalog, kiosk_number=1, clock=lambda: next(times))
    assert queue.oldest_unsent() is None
    queue.submit("street-lights", REPORT, today=TODAY)
    queue.submit("street-lights", REPORT, today=TODAY)
    counts = queue.counts()
    assert counts[TxState.PENDING] == 2
    assert sum(counts.values()) == 2
    assert queue.oldest_unsent() == dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
    assert [tx.seq for tx in queue.list(TxState.PENDING, limit=1)] == [2]
    assert queue.list(TxState.ACKED) == []


def test_json_form(mini_queue: Queue) -> None:
    data = mini_queue.submit("street-lights", REPORT, today=TODAY).to_json()
    assert data["state"] == "pending"
    assert data["channel"] == "kiosk"
    assert data["created_at"].endswith("Z")
    assert data["display_code"].count("-") == 2
