"""The life of a payment: its states and the one table of the transitions allowed between them.

Every change of a payment's state goes through :func:`check` (``PaymentStore.transition`` is
the only writer of ``payments.state``), and each state is committed *before* the side effect
it announces: ``created`` before anything else, ``sent`` before the terminal is asked, the
terminal's outcome before the receipt. So a kiosk that dies at any point leaves a state that
says what may have happened at the terminal, and the recovery asks the terminal about exactly
those (``kiosk.payments.recovery``)::

    created -> sent -> awaiting_card -> approved | declined | unknown | failed
    unknown -> (ask the terminal) approved | declined | failed | needs_reconciliation
    approved -> receipt_printed -> queued_for_city -> delivered
    approved -> reversed (a reversal, its own record, approved by the terminal)

A reversal (kind ``reversal``) lives by the same table: created, sent, then the terminal's
outcome; its approval moves the payment it reverses to ``reversed`` in the same commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final


class PaymentKind(StrEnum):
    BILL = "bill"  # a utility or municipal bill: bill ID and payment ID (Sadad's BillPayment)
    SALE = "sale"  # an amount for an order (a municipal charge of the catalog; Sadad's Sale)
    REVERSAL = "reversal"  # gives back an approved payment that could not complete


class PaymentState(StrEnum):
    CREATED = "created"  # the intent is durable; the terminal has not been asked
    SENT = "sent"  # about to ask, or asking, the terminal: it may have the request
    AWAITING_CARD = "awaiting_card"  # the terminal has it and asks for the card or the PIN
    APPROVED = "approved"  # the terminal approved it (RRN, trace number, masked card)
    DECLINED = "declined"  # the terminal or the bank refused it: nothing was charged
    FAILED = "failed"  # the terminal never took it (offline, busy, never sent): not charged
    UNKNOWN = "unknown"  # no answer (a timeout, a lost answer): the terminal is asked
    NEEDS_RECONCILIATION = "needs_reconciliation"  # the terminal cannot tell; staff or the city
    RECEIPT_PRINTED = "receipt_printed"  # the citizen has the receipt
    QUEUED_FOR_CITY = "queued_for_city"  # its record waits in the queue for the city server
    DELIVERED = "delivered"  # the city server acknowledged it
    REVERSED = "reversed"  # a reversal gave the money back


S = PaymentState

TRANSITIONS: Final[Mapping[PaymentState, frozenset[PaymentState]]] = {
    S.CREATED: frozenset({S.SENT, S.FAILED}),
    S.SENT: frozenset({S.AWAITING_CARD, S.APPROVED, S.DECLINED, S.FAILED, S.UNKNOWN}),
    S.AWAITING_CARD: frozenset({S.APPROVED, S.DECLINED, S.FAILED, S.UNKNOWN}),
    S.UNKNOWN: frozenset({S.APPROVED, S.DECLINED, S.FAILED, S.NEEDS_RECONCILIATION}),
    # resolved later: by the terminal once it can tell, or by staff and the city (phase B)
    S.NEEDS_RECONCILIATION: frozenset({S.APPROVED, S.DECLINED, S.FAILED, S.REVERSED}),
    # an approval that cannot complete is reversed; one whose reversal cannot be done (or is
    # refused) is for staff and the city to settle
    S.APPROVED: frozenset(
        {S.RECEIPT_PRINTED, S.QUEUED_FOR_CITY, S.REVERSED, S.NEEDS_RECONCILIATION}
    ),
    S.RECEIPT_PRINTED: frozenset({S.QUEUED_FOR_CITY}),
    S.QUEUED_FOR_CITY: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    S.DECLINED: frozenset(),
    S.FAILED: frozenset(),
    S.REVERSED: frozenset(),
}
"""From each state, the states it may move to. Nothing else is ever written."""

IN_FLIGHT: Final = frozenset({S.CREATED, S.SENT, S.AWAITING_CARD, S.UNKNOWN})
"""At the terminal, or maybe: at most one per terminal (``ux_payments_in_flight``)."""
UNFINISHED: Final = IN_FLIGHT | {S.NEEDS_RECONCILIATION}
"""What the recovery asks the terminal about."""
PAID: Final = frozenset({S.APPROVED, S.RECEIPT_PRINTED, S.QUEUED_FOR_CITY, S.DELIVERED})
"""The card was charged and the money stays charged."""
NOT_CHARGED: Final = frozenset({S.DECLINED, S.FAILED, S.REVERSED})
"""Nothing was charged, or it was given back: the bill may be paid again."""
HOLDS_BILL: Final = frozenset(PaymentState) - NOT_CHARGED
"""A bill payment in one of these states refuses another payment of the same bill here
(``ux_payments_bill_once``)."""


class IllegalTransition(RuntimeError):
    """A writer tried a change of state that :data:`TRANSITIONS` does not allow (a bug)."""

    def __init__(self, payment_id: str, current: PaymentState, wanted: PaymentState) -> None:
        self.payment_id = payment_id
        self.current = current
        self.wanted = wanted
        super().__init__(f"payment {payment_id} cannot go from {current.value} to {wanted.value}")


class StateChanged(RuntimeError):
    """Another writer changed the payment's state first (the write was not made)."""


def allowed(current: PaymentState, wanted: PaymentState) -> bool:
    return wanted in TRANSITIONS[current]


def check(payment_id: str, current: PaymentState, wanted: PaymentState) -> None:
    if not allowed(current, wanted):
        raise IllegalTransition(payment_id, current, wanted)
