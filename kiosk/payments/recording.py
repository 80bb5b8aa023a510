"""What a terminal's answer does to a payment: the one place that turns answers into states.

Two kinds of answer arrive: the answer to the payment itself (:meth:`Recorder.result`) and the
answer to "what became of order X?" (:meth:`Recorder.status`), asked after a timeout, a lost
answer or a crash. The rules, after the payment processors' own advice (Adyen's "verify
transaction status", the "payment wins" of Square's terminal integrations):

* the terminal approved it: it is approved here, whatever the kiosk was doing when it died;
* the terminal declined it: declined; it never took it (offline, busy): failed;
* the terminal has no record of it: failed, but only once the terminal's own time for the
  order (its response timeout, plus a grace) is over, since until then it may still carry
  it out; before that the payment stays ``unknown`` and is asked about again;
* the terminal cannot tell (offline, busy, an unreadable answer) past that time:
  ``needs_reconciliation``, which staff and the city settle, and the terminal is asked again
  whenever the kiosk recovers.

A reversal's outcome moves the payment it reverses in the same commit: approved, the payment is
``reversed``; failed or declined, the payment waits for reconciliation (the money stays
charged until someone gives it back).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from kiosk.payments.reasons import Reason
from kiosk.payments.states import PAID, PaymentKind, PaymentState
from kiosk.payments.store import Payment, PaymentStore
from kiosk.payments.terminal import (
    Approved,
    Busy,
    Declined,
    NotFound,
    Offline,
    OrderStatus,
    PayResult,
    Unknown,
    Unsupported,
)
from kiosk.timeutil import Clock

log = logging.getLogger("kiosk.payments")

S = PaymentState
WAITING = frozenset({S.SENT, S.AWAITING_CARD, S.UNKNOWN})  # the terminal may have it


class Recorder:
    def __init__(
        self, store: PaymentStore, *, response_timeout_s: float, grace_s: float, clock: Clock
    ) -> None:
        self.store = store
        self.response_timeout_s = response_timeout_s
        self.grace_s = grace_s
        self.clock = clock

    def deadline(self, payment: Payment) -> dt.datetime:
        """After this, an order the terminal has no record of will never be carried out."""
        start = payment.sent_at or payment.created_at
        return start + dt.timedelta(seconds=self.response_timeout_s + self.grace_s)

    # -- the answer to the payment itself ------------------------------------------------------

    def result(self, payment: Payment, answer: PayResult) -> Payment:
        """Commit what the terminal answered to ``payment`` (in ``sent`` or
        ``awaiting_card``): its outcome, or ``unknown`` to be asked about."""
        now = self.clock()
        if isinstance(answer, Approved):
            if answer.order_id not in (None, payment.order_id):
                return self._move(payment, S.UNKNOWN, reason=Reason.BAD_ANSWER, next_check_at=now)
            return self._approved(payment, answer)
        if isinstance(answer, Declined):
            return self._move(
                payment, S.DECLINED, reason=answer.reason, terminal_code=answer.code, decided_at=now
            )
        if isinstance(answer, Busy):
            return self._move(
                payment, S.FAILED, reason=Reason.TERMINAL_BUSY, terminal_code=answer.code or None,
                decided_at=now,
            )  # fmt: skip
        if isinstance(answer, Offline):
            return self._move(payment, S.FAILED, reason=Reason.TERMINAL_OFFLINE, decided_at=now)
        if isinstance(answer, Unsupported):
            return self._move(payment, S.FAILED, reason=Reason.REVERSAL_UNSUPPORTED, decided_at=now)
        assert isinstance(answer, Unknown)
        return self._move(payment, S.UNKNOWN, reason=answer.reason, next_check_at=now)

    # -- the answer to "what became of it?" ----------------------------------------------------

    def status(self, payment: Payment, answer: OrderStatus) -> Payment:
        """Commit what the terminal's log says of ``payment`` (unfinished): approved,
        declined, never seen (failed, past its time) or still unknown."""
        now = self.clock()
        late = now >= self.deadline(payment)
        checks = {"checks": payment.checks + 1}
        if isinstance(answer, Approved):
            if answer.order_id not in (None, payment.order_id):
                answer = Unknown(Reason.BAD_ANSWER)
            else:
                return self._approved(payment, answer, **checks)
        if isinstance(answer, Declined):
            return self._via_unknown(
                payment, S.DECLINED, reason=answer.reason, terminal_code=answer.code,
                decided_at=now, **checks,
            )  # fmt: skip
        if isinstance(answer, NotFound):
            if late:
                return self._via_unknown(
                    payment, S.FAILED, reason=Reason.NOT_FOUND, decided_at=now, **checks
                )
            return self._still_unknown(payment, Reason.NO_ANSWER, **checks)
        assert isinstance(answer, Unknown)
        if late and payment.state is not S.NEEDS_RECONCILIATION:
            return self._via_unknown(
                payment, S.NEEDS_RECONCILIATION, reason=Reason.CANNOT_TELL, **checks
            )
        return self._still_unknown(payment, payment.reason or answer.reason, **checks)

    def never_sent(self, payment: Payment) -> Payment:
        """``payment`` is ``created``: the kiosk stopped before it asked the terminal."""
        return self._move(payment, S.FAILED, reason=Reason.NOT_SENT, decided_at=self.clock())

    # -- helpers -------------------------------------------------------------------------------

    def _approved(self, payment: Payment, answer: Approved, **extra: Any) -> Payment:
        now = self.clock()
        details = {
            "rrn": answer.rrn,
            "trace_no": answer.trace_no,
            "masked_card": answer.masked_card,
            "approval_code": answer.approval_code,
            "terminal_date": answer.terminal_date,
            "terminal_time": answer.terminal_time,
            "terminal_code": "00",
            "reason": None,
            "decided_at": now,
            "next_check_at": None,
            **extra,
        }
        approved = self._move(payment, S.APPROVED, **details)
        if answer.amount_rials is not None and answer.amount_rials != payment.amount_rials:
            log.error(
                "payment %s: the terminal charged %d rials, not %d",
                payment.id, answer.amount_rials, payment.amount_rials,
            )  # fmt: skip
            return self._move(approved, S.NEEDS_RECONCILIATION, reason=Reason.AMOUNT_MISMATCH)
        return approved

    def _still_unknown(self, payment: Payment, reason: Reason, **extra: Any) -> Payment:
        """Stays unfinished; asked again at its deadline (``sent`` becomes ``unknown``)."""
        later = max(self.deadline(payment), self.clock())
        if payment.state in (S.UNKNOWN, S.NEEDS_RECONCILIATION):
            return self.store.touch(payment, next_check_at=later, **extra)
        return self._move(payment, S.UNKNOWN, reason=reason, next_check_at=later, **extra)

    def _via_unknown(self, payment: Payment, to: PaymentState, **changes: Any) -> Payment:
        """``sent``/``awaiting_card`` reach a status answer's outcome through ``unknown``
        (the answer to the payment never came: that is what ``unknown`` records)."""
        if payment.state in (S.SENT, S.AWAITING_CARD) and to not in (S.DECLINED, S.FAILED):
            payment = self._move(payment, S.UNKNOWN, reason=Reason.NO_ANSWER)
        return self._move(payment, to, **changes)

    def _move(self, payment: Payment, to: PaymentState, **changes: Any) -> Payment:
        """One move, and the move of the payment a reversal reverses, in one commit."""
        moves: list[tuple[Payment, PaymentState, dict[str, Any]]] = [(payment, to, changes)]
        original = self._original(payment)
        if original is not None:
            if to is S.APPROVED and original.state in (S.APPROVED, S.NEEDS_RECONCILIATION):
                moves.append((original, S.REVERSED, {}))
            elif to in (S.FAILED, S.DECLINED) and original.state is S.APPROVED:
                why = changes.get("reason")
                if why is not Reason.REVERSAL_UNSUPPORTED:
                    why = Reason.REVERSAL_FAILED
                moves.append((original, S.NEEDS_RECONCILIATION, {"reason": why}))
        moved = self.store.transitions(moves)
        log.info(
            "payment %s (%s): %s%s", payment.id, payment.kind.value, to.value,
            f" ({changes['reason'].value})" if isinstance(changes.get("reason"), Reason) else "",
        )  # fmt: skip
        return moved[0]

    def _original(self, payment: Payment) -> Payment | None:
        if payment.kind is not PaymentKind.REVERSAL or payment.reverses_id is None:
            return None
        original = self.store.get(payment.reverses_id)
        if original is None or original.state not in PAID | {S.NEEDS_RECONCILIATION}:
            return None
        return original
