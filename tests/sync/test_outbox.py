"""The queue's sync side: claim, record, release, recover, statuses — on real SQLite."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.models import TxState
from kiosk.outbox import ItemOutcome, Outbox, StatusChange
from kiosk.queue import Queue
from tests.conftest import TODAY

REPORT: dict[str, Any] = {
    "district": "1",
    "problem": "off",
    "address": "میدان ونک",
    "follow_up": "no",
}


def fill(queue: Queue, n: int) -> list[str]:
    return [queue.submit("street-lights", REPORT, today=TODAY).id for _ in range(n)]


def states(queue: Queue) -> dict[str, TxState]:
    return {tx.id: tx.state for tx in queue.list()}


def test_claim_marks_in_flight_oldest_first(mini_queue: Queue) -> None:
    ids = fill(mini_queue, 5)
    outbox = Outbox(mini_queue.db)
    batch = outbox.claim(3)
    assert [tx.id for tx in batch] == ids[:3]
    assert all(tx.state is TxState.IN_FLIGHT and tx.attempts == 1 for tx in batch)
    assert [tx.id for tx in outbox.claim(10)] == ids[3:]
    assert outbox.claim(10) == []


def test_record_acks_and_parks(mini_queue: Queue) -> None:
    a, b, c = fill(mini_queue, 3)
    outbox = Outbox(mini_queue.db)
    outbox.claim(3)
    acked, rejected = outbox.record(
        [
            ItemOutcome(a, "accepted", "101"),
            ItemOutcome(b, "duplicate", "77"),
            ItemOutcome(c, "rejected", reason="invalid_answers", message="district: unknown"),
        ]
    )
    assert (acked, rejected) == (2, 1)
    rows = {tx.id: tx for tx in mini_queue.list()}
    assert rows[a].state is TxState.ACKED and rows[a].server_ref == "101"
    assert rows[a].acked_at is not None
    assert rows[b].state is TxState.ACKED and rows[b].server_ref == "77"
    assert rows[c].state is TxState.REJECTED
    assert rows[c].last_error == "invalid_answers: district: unknown"
    assert outbox.claim(10) == []  # nothing acknowledged or parked is sent again


def test_release_and_backoff(mini_queue: Queue) -> None:
    times = [dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)]
    outbox = Outbox(mini_queue.db, clock=lambda: times[0])
    (a,) = fill(mini_queue, 1)
    batch = outbox.claim(5)
    outbox.release(
        [tx.id for tx in batch], "NetworkError: reset", times[0] + dt.timedelta(seconds=30)
    )
    assert states(mini_queue)[a] is TxState.PENDING
    assert outbox.claim(5) == []  # not due yet
    times[0] += dt.timedelta(seconds=31)
    again = outbox.claim(5)
    assert [tx.id for tx in again] == [a] and again[0].attempts == 2


def test_recover_after_a_crash(mini_queue: Queue) -> None:
    fill(mini_queue, 4)
    outbox = Outbox(mini_queue.db)
    outbox.claim(4)
    assert Outbox(mini_queue.db).recover() == 4
    assert set(states(mini_queue).values()) == {TxState.PENDING}


def test_record_ignores_rows_not_in_flight(mini_queue: Queue) -> None:
    (a,) = fill(mini_queue, 1)
    outbox = Outbox(mini_queue.db)
    assert outbox.record([ItemOutcome(a, "accepted", "1")]) == (1, 0)  # counted, not applied
    assert states(mini_queue)[a] is TxState.PENDING


def test_statuses(mini_queue: Queue) -> None:
    (a,) = fill(mini_queue, 1)
    when = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)
    outbox = Outbox(mini_queue.db)
    assert (
        outbox.apply_statuses(
            [
                StatusChange(a, "in_progress", "crew sent", when, "55"),
                StatusChange("no-such-id", "closed", "", when),
            ]
        )
        == 1
    )
    tx = mini_queue.get(a)
    assert tx is not None
    assert (tx.server_status, tx.server_status_note, tx.server_status_at, tx.server_ref) == (
        "in_progress",
        "crew sent",
        when,
        "55",
    )
