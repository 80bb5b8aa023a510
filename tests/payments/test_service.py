"""The write-ahead payment against the simulator: each outcome, the receipt, reversals, the
bill paid once, the city's paid bills, and the recovery of every unfinished state."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from kiosk.db import Database
from kiosk.payments.lock import TerminalBusyHere
from kiosk.payments.paid_bills import CityPaidBills, PaidBill
from kiosk.payments.reasons import Reason
from kiosk.payments.service import Payments, TerminalUnavailable
from kiosk.payments.states import PaymentKind, PaymentState
from kiosk.payments.store import BillAlreadyPaid, BillBeingChecked, Payment
from sync.terminals.simulated import SimulatorTerminal
from tests.payments.conftest import BILL, GRACE_S, OTHER, RESPONSE_TIMEOUT_S, WATER, Sim

S = PaymentState


def states(payments: Payments, payment: Payment) -> list[PaymentState]:
    return [s for s, _r, _at in payments.store.history(payment)]


def test_approved_and_receipt_printed(sim: Sim, payments: Payments) -> None:
    printed: list[str] = []
    payment = payments.pay_bill(*BILL, receipt=lambda p: printed.append(p.state.value))
    assert payment.state is S.RECEIPT_PRINTED
    assert printed == ["approved"]  # the approval was committed before the receipt
    assert states(payments, payment) == [S.CREATED, S.SENT, S.APPROVED, S.RECEIPT_PRINTED]
    [entry] = sim.ledger()
    assert (entry["order_id"], entry["rrn"]) == (payment.order_id, payment.rrn)
    assert payment.amount_rials == entry["amount_rials"] == 17_000


def test_the_prompts_are_mirrored_and_awaiting_card_committed(sim: Sim, payments: Payments) -> None:
    sim.script("slow 1.5 approve")
    seen: list[tuple[str, str | None]] = []
    payment = payments.pay_bill(
        *BILL, on_update=lambda p, q: seen.append((p.state.value, q.value if q else None))
    )
    assert payment.state is S.APPROVED  # no receipt step given
    assert ("awaiting_card", "insert_card") in seen and ("awaiting_card", "enter_pin") in seen
    assert states(payments, payment)[:4] == [S.CREATED, S.SENT, S.AWAITING_CARD, S.APPROVED]


@pytest.mark.parametrize(
    ("line", "state", "reason"),
    [("decline 51", S.DECLINED, Reason.INSUFFICIENT_FUNDS),
     ("decline 55", S.DECLINED, Reason.WRONG_PIN),
     ("decline 61", S.DECLINED, Reason.OVER_LIMIT),
     ("busy", S.FAILED, Reason.TERMINAL_BUSY),
     ("offline", S.FAILED, Reason.TERMINAL_OFFLINE),
     ("timeout", S.FAILED, Reason.NOT_FOUND)],
)  # fmt: skip
def test_not_paid_outcomes(
    sim: Sim, payments: Payments, line: str, state: PaymentState, reason: Reason
) -> None:
    sim.script(line)
    payment = payments.pay_bill(*BILL, receipt=lambda _p: None)
    assert (payment.state, payment.reason) == (state, reason)
    assert sim.ledger() == []
    again = payments.pay_bill(*BILL, receipt=lambda _p: None)  # nothing charged: pay again
    assert again.state is S.RECEIPT_PRINTED
    assert [e["order_id"] for e in sim.ledger()] == [again.order_id]


def test_a_lost_answer_is_found_approved(sim: Sim, payments: Payments) -> None:
    sim.script("lose")
    payment = payments.pay_bill(*BILL, receipt=lambda _p: None)
    assert payment.state is S.RECEIPT_PRINTED
    assert states(payments, payment)[:4] == [S.CREATED, S.SENT, S.UNKNOWN, S.APPROVED]
    assert payment.rrn == sim.ledger()[0]["rrn"]


def test_a_receipt_that_fails_reverses_the_payment(sim: Sim, payments: Payments) -> None:
    def broken(_p: Payment) -> None:
        raise OSError("out of paper")

    payment = payments.pay_bill(*BILL, receipt=broken)
    assert (payment.state, payment.reason) == (S.REVERSED, None)
    reversal = payments.store.reversal_of(payment)
    assert reversal is not None and reversal.kind is PaymentKind.REVERSAL
    assert reversal.state is S.APPROVED and reversal.order_id != payment.order_id
    [entry] = sim.ledger()
    assert entry["state"] == "reversed" and entry["reversal_order_id"] == reversal.order_id
    assert payments.pay_bill(*BILL).state is S.APPROVED  # given back: it may be paid again


def test_the_citizen_cancels_at_the_last_step(sim: Sim, payments: Payments) -> None:
    payment = payments.pay_bill(*BILL)
    reversed_ = payments.cancel(payment)
    assert reversed_.state is S.REVERSED
    assert sim.ledger()[0]["state"] == "reversed"


def test_a_reversal_the_terminal_cannot_do_waits_for_reconciliation(
    sim: Sim, payments: Payments
) -> None:
    payment = payments.pay_bill(*BILL)
    sim.script("offline")
    after = payments.cancel(payment)
    assert (after.state, after.reason) == (S.NEEDS_RECONCILIATION, Reason.REVERSAL_FAILED)
    with pytest.raises(BillBeingChecked):
        payments.pay_bill(*BILL)
    # the same day, the next recovery tries the reversal again
    [again] = payments.recover()
    assert again.state is S.REVERSED
    assert sim.ledger()[0]["state"] == "reversed"


def test_never_the_same_bill_twice(sim: Sim, payments: Payments) -> None:
    first = payments.pay_bill(*BILL, receipt=lambda _p: None)
    with pytest.raises(BillAlreadyPaid) as refused:
        payments.pay_bill(*BILL)
    assert refused.value.payment is not None and refused.value.payment.id == first.id
    assert refused.value.paid_at == first.decided_at
    assert len(sim.ledger()) == 1 and sim.requests_to("/api/BillPayment") == 1


def test_a_bill_the_city_says_is_paid_is_refused(
    sim: Sim, db: Database, payments: Payments
) -> None:
    paid_at = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
    assert CityPaidBills(db).record([PaidBill(*WATER, paid_at)]) == 1
    with pytest.raises(BillAlreadyPaid) as refused:
        payments.pay_bill(*WATER)
    assert refused.value.paid_at == paid_at and refused.value.payment is None
    assert sim.requests_to("/api/DeviceInfo") == 0  # the terminal was not even asked


def test_a_terminal_that_is_down_charges_nothing_and_writes_nothing(
    sim: Sim, payments: Payments
) -> None:
    sim.offline()
    with pytest.raises(TerminalUnavailable, match="offline"):
        payments.pay_bill(*BILL)
    assert payments.store.list() == [] and sim.ledger() == []


def test_two_payments_at_once_on_one_terminal(sim: Sim, db: Database, tmp_path: Path) -> None:
    sim.script("slow 1.5 approve")
    first = Payments_for(db, sim, tmp_path)
    second = Payments_for(db, sim, tmp_path)
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(first.pay_bill(*BILL)))
    worker.start()
    wait_for(lambda: sim.state()["under_way"] is not None)
    with pytest.raises(TerminalBusyHere):
        second.pay_bill(*WATER)
    worker.join()
    assert isinstance(results[0], Payment) and results[0].state is S.APPROVED
    assert len(sim.ledger()) == 1
    assert second.pay_bill(*WATER).state is S.APPROVED  # free again


# -- recovery of every unfinished state -----------------------------------------------------------


def intent(payments: Payments, bill: tuple[str, str] = BILL) -> Payment:
    return payments.store.create(
        kind=PaymentKind.BILL,
        terminal=payments.terminal.name,
        amount_rials=17_000 if bill == BILL else 10_000,
        kiosk_number=7,
        channel="kiosk",
        lang="fa",
        bill_id=bill[0],
        payment_id=bill[1],
    )


def test_recover_created_fails_it_without_asking(sim: Sim, payments: Payments) -> None:
    payment = intent(payments)
    [recovered] = payments.recover()
    assert recovered.id == payment.id
    assert (recovered.state, recovered.reason) == (S.FAILED, Reason.NOT_SENT)
    assert sim.requests_to("/api/Search") == 0


@pytest.mark.parametrize("state", [S.SENT, S.AWAITING_CARD, S.UNKNOWN])
def test_recover_finds_an_approval_whatever_the_kiosk_was_doing(
    sim: Sim, payments: Payments, terminal: SimulatorTerminal, state: PaymentState
) -> None:
    from kiosk.payments.terminal import BillOrder

    payment = intent(payments)
    for step in [S.SENT, S.AWAITING_CARD, S.UNKNOWN][
        : [S.SENT, S.AWAITING_CARD, S.UNKNOWN].index(state) + 1
    ]:
        payment = payments.store.transition(payment, step, sent_at=payments.clock())
    terminal.pay_bill(BillOrder(payment.order_id, *BILL, 17_000))  # the terminal carried it out
    [recovered] = payments.recover()
    assert recovered.state is S.APPROVED and recovered.rrn == sim.ledger()[0]["rrn"]


def test_recover_a_declined_one(sim: Sim, payments: Payments, terminal: SimulatorTerminal) -> None:
    from kiosk.payments.terminal import BillOrder

    payment = payments.store.transition(intent(payments), S.SENT, sent_at=payments.clock())
    sim.script("decline 51")
    terminal.pay_bill(BillOrder(payment.order_id, *BILL, 17_000))
    [recovered] = payments.recover()
    assert (recovered.state, recovered.reason) == (S.DECLINED, Reason.INSUFFICIENT_FUNDS)


def test_recover_one_the_terminal_never_saw(sim: Sim, payments: Payments) -> None:
    payment = payments.store.transition(intent(payments), S.SENT, sent_at=payments.clock())
    [early] = payments.recover()  # it may still arrive: not failed yet
    assert early.state is S.UNKNOWN and early.next_check_at is not None
    [late] = payments.recover(wait=True)  # waits out the terminal's time
    assert (late.state, late.reason) == (S.FAILED, Reason.NOT_FOUND)
    assert late.decided_at is not None
    assert (late.decided_at - payment.sent_at).total_seconds() >= RESPONSE_TIMEOUT_S + GRACE_S  # type: ignore[operator]


def test_recover_one_that_cannot_be_told(sim: Sim, payments: Payments) -> None:
    payment = payments.store.transition(intent(payments), S.SENT, sent_at=payments.clock())
    sim.offline()
    [recovered] = payments.recover(wait=True)
    assert (recovered.state, recovered.reason) == (S.NEEDS_RECONCILIATION, Reason.CANNOT_TELL)
    with pytest.raises(BillBeingChecked):
        payments.check_bill(*BILL)
    sim.offline(False)
    # the next payment (of another bill: the terminal is free) recovers it first: the
    # terminal can tell now, and it never saw it
    assert payments.pay_bill(*OTHER).state is S.APPROVED
    resolved = payments.store.get(payment.id)
    assert resolved is not None
    assert (resolved.state, resolved.reason) == (S.FAILED, Reason.NOT_FOUND)
    assert payments.check_bill(*BILL)[2] == 17_000  # the bill may be paid again


def test_recover_one_the_terminal_is_still_carrying_out(
    sim: Sim, payments: Payments, terminal: SimulatorTerminal
) -> None:
    """A kiosk that died while the citizen typed the PIN: the payment goes on at the terminal,
    and the recovery that waits finds it approved."""
    from kiosk.payments.terminal import BillOrder

    payment = payments.store.transition(intent(payments), S.SENT, sent_at=payments.clock())
    sim.script("slow 1 approve")
    worker = threading.Thread(
        target=lambda: terminal.pay_bill(BillOrder(payment.order_id, *BILL, 17_000))
    )
    worker.start()
    wait_for(lambda: sim.state()["under_way"] is not None)
    [recovered] = payments.recover(wait=True)
    worker.join()
    assert recovered.state is S.APPROVED


def Payments_for(db: Database, sim: Sim, lock_dir: Path) -> Payments:
    from tests.payments.conftest import payments_for, terminal_for

    return payments_for(db, terminal_for(sim), lock_dir)


def wait_for(condition: object, timeout: float = 10.0) -> None:
    import time

    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)
