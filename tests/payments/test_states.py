"""The payment state machine: every allowed move is possible, every other one is refused, and
the database's own rules (one in flight per terminal, a bill once) hold whatever a writer does."""

from __future__ import annotations

import re
import sqlite3
from itertools import product

import pytest

from kiosk import migrations
from kiosk.db import Database
from kiosk.models import HOLDS_BILL_SQL, IN_FLIGHT_SQL
from kiosk.payments.states import (
    HOLDS_BILL,
    IN_FLIGHT,
    TRANSITIONS,
    IllegalTransition,
    PaymentKind,
    PaymentState,
    StateChanged,
    allowed,
)
from kiosk.payments.store import (
    BillAlreadyPaid,
    BillBeingChecked,
    Payment,
    PaymentStore,
    TerminalInUse,
    order_id,
)
from tests.payments.conftest import BILL, WATER

S = PaymentState


def new(store: PaymentStore, terminal: str = "t1", bill: tuple[str, str] = BILL) -> Payment:
    return store.create(
        kind=PaymentKind.BILL, terminal=terminal, amount_rials=17_000, kiosk_number=7,
        channel="kiosk", lang="fa", bill_id=bill[0], payment_id=bill[1],
    )  # fmt: skip


def path_to(target: PaymentState) -> list[PaymentState]:
    """The shortest chain of allowed moves from ``created`` to ``target``."""
    paths = {S.CREATED: [S.CREATED]}
    frontier = [S.CREATED]
    while frontier:
        state = frontier.pop(0)
        for nxt in sorted(TRANSITIONS[state]):
            if nxt not in paths:
                paths[nxt] = [*paths[state], nxt]
                frontier.append(nxt)
    return paths[target]


def test_every_state_is_in_the_table_and_reachable() -> None:
    assert set(TRANSITIONS) == set(PaymentState)
    for state in PaymentState:
        assert path_to(state)[-1] is state


@pytest.mark.parametrize(("current", "wanted"), list(product(PaymentState, PaymentState)))
def test_each_move_is_allowed_or_refused_as_the_table_says(
    store: PaymentStore, current: PaymentState, wanted: PaymentState
) -> None:
    payment = new(store)
    for step in path_to(current)[1:]:
        payment = store.transition(payment, step)
    assert payment.state is current
    if allowed(current, wanted):
        moved = store.transition(payment, wanted)
        assert moved.state is wanted
        assert [s for s, _r, _at in store.history(moved)] == [*path_to(current), wanted]
    else:
        with pytest.raises(IllegalTransition):
            store.transition(payment, wanted)
        assert store.get(payment.id).state is current  # type: ignore[union-attr]
        assert len(store.history(payment)) == len(path_to(current))


def test_final_states_have_no_way_out() -> None:
    for state in (S.DECLINED, S.FAILED, S.REVERSED, S.DELIVERED):
        assert TRANSITIONS[state] == frozenset()
    assert not allowed(S.CREATED, S.APPROVED)  # the terminal is asked only after `sent`
    assert not allowed(S.RECEIPT_PRINTED, S.REVERSED)


def test_a_stale_snapshot_cannot_overwrite_another_writers_change(store: PaymentStore) -> None:
    payment = new(store)
    store.transition(payment, S.SENT)
    with pytest.raises(StateChanged):
        store.transition(payment, S.FAILED)  # still thinks it is `created`
    assert store.get(payment.id).state is S.SENT  # type: ignore[union-attr]


def test_one_payment_in_flight_per_terminal(store: PaymentStore) -> None:
    first = new(store, "t1", BILL)
    with pytest.raises(TerminalInUse):
        new(store, "t1", WATER)
    other = new(store, "t2", WATER)  # another terminal is free
    assert other.order_id != first.order_id
    store.transition(first, S.FAILED)
    assert new(store, "t1", ("1117753200140", "12070160")).state is S.CREATED


def test_a_bill_is_held_once(store: PaymentStore) -> None:
    first = new(store)
    with pytest.raises(BillBeingChecked):
        new(store, "t2")
    for step in (S.SENT, S.APPROVED):
        first = store.transition(first, step)
    with pytest.raises(BillAlreadyPaid) as paid:
        new(store, "t2")
    assert paid.value.payment is not None and paid.value.payment.id == first.id
    store.transition(first, S.REVERSED)
    assert new(store, "t2").state is S.CREATED  # given back: it may be paid again


def test_the_database_refuses_what_the_store_would(db: Database) -> None:
    """The partial unique indexes hold even for a writer that skips the store's checks."""
    store = PaymentStore(db)
    first = new(store)
    conn = sqlite3.connect(db.path)
    row = conn.execute("SELECT * FROM payments WHERE id = ?", (first.id,)).fetchone()
    columns = [c[1] for c in conn.execute("PRAGMA table_info(payments)")]
    copy = dict(zip(columns, row, strict=True))
    copy.update(id="x" * 36, seq=999, tracking_code="t999", order_id="o999", bill_id=WATER[0],
                payment_id=WATER[1])  # fmt: skip
    with pytest.raises(sqlite3.IntegrityError, match=r"payments\.terminal"):
        conn.execute(
            f"INSERT INTO payments VALUES ({', '.join('?' * len(copy))})", list(copy.values())
        )
    copy.update(terminal="t2", bill_id=BILL[0], payment_id=BILL[1])
    with pytest.raises(sqlite3.IntegrityError, match=r"payments\.bill_id"):
        conn.execute(
            f"INSERT INTO payments VALUES ({', '.join('?' * len(copy))})", list(copy.values())
        )
    conn.close()


def test_the_schemas_rules_name_the_same_states_as_the_code() -> None:
    def states(sql: str) -> set[str]:
        return set(re.findall(r"'(\w+)'", sql.split("state", 1)[1]))

    assert states(IN_FLIGHT_SQL) == {s.value for s in IN_FLIGHT}
    assert {s.value for s in PaymentState} - states(HOLDS_BILL_SQL) == {s.value for s in HOLDS_BILL}
    payments_sql = next(m for m in migrations.MIGRATIONS if m.version == 5).statements[0]
    check = payments_sql.split("CHECK (state IN (", 1)[1].split(")", 1)[0]
    assert set(re.findall(r"'(\w+)'", check)) == {s.value for s in PaymentState}
    statements = " ".join(next(m for m in migrations.MIGRATIONS if m.version == 5).statements)
    assert IN_FLIGHT_SQL in statements
    assert HOLDS_BILL_SQL in statements


def test_order_ids_are_digits_without_a_leading_zero(store: PaymentStore) -> None:
    payment = new(store)
    assert re.fullmatch(r"[1-9][0-9]{15}", payment.order_id)
    assert payment.order_id[2:6] == "0007"
    assert order_id(10, 0, 1) == "1000000000000001"
    with pytest.raises(ValueError, match="no OrderId"):
        order_id(10, 0, 10**10)
    assert store.get(payment.order_id) == payment == store.get(payment.display_code)


def test_payments_and_requests_share_one_sequence(store: PaymentStore, mini_queue: object) -> None:
    from kiosk.queue import Queue

    assert isinstance(mini_queue, Queue)
    request = mini_queue.submit("street-lights", {"district": "2", "address": "خیابان ولیعصر",
                                                  "problem": "off", "follow_up": "no"})  # fmt: skip
    payment = new(store)
    assert payment.seq == request.seq + 1
    assert payment.tracking_code != request.tracking_code


def test_the_clis_list_of_states_is_the_enums() -> None:
    from kiosk.cli.pay_cmd import PAYMENT_STATES

    assert tuple(s.value for s in PaymentState) == PAYMENT_STATES
