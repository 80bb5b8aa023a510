"""Paying at the kiosk: a write-ahead payment that no crash can charge twice or lose.

:class:`Payments` is the one procedure for a card payment, for the touch screens, the counter and
``kiosk pay`` alike. It holds the terminal's lock (``kiosk.payments.lock``) for the whole
exchange, and in that order:

1. recovers what an earlier process left unfinished on this terminal (:meth:`recover`);
2. refuses a bill paid, in flight or being checked here, or that the city says is paid;
3. asks the terminal whether it is up (a terminal that is down: nothing is written or charged);
4. commits the intent (``created``), then ``sent``, and only then asks the terminal; while it
   waits it mirrors the terminal's prompts (``awaiting_card`` once it asks for the card);
5. commits the outcome before anything else happens; an unknown outcome is resolved by asking
   the terminal for the status of the OrderId, never by paying again or refunding blindly;
6. approved: the receipt, then ``receipt_printed``. A receipt that cannot be made (or a citizen
   who cancels at the last step, :meth:`cancel`) reverses the payment, as its own record.

``checkpoint`` is called with the name of each step once its commit is done (``created``,
``sent``, ``answered``, ``approved``, ``receipt``, ``reversal_created``, ``reversal_sent``,
``reversal_answered``): the crash tests stop the process there.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kiosk import identifiers
from kiosk.payments.lock import TerminalLock
from kiosk.payments.paid_bills import PaidBillsSource
from kiosk.payments.reasons import Reason
from kiosk.payments.recording import WAITING, Recorder
from kiosk.payments.states import PAID, PaymentKind, PaymentState
from kiosk.payments.store import (
    BillAlreadyPaid,
    BillBeingChecked,
    Payment,
    PaymentRefused,
    PaymentStore,
)
from kiosk.payments.terminal import (
    BillOrder,
    PaymentTerminal,
    PayResult,
    Prompt,
    ReversalOrder,
    SaleOrder,
    TerminalHealth,
    Unknown,
)
from kiosk.receipt import local_time
from kiosk.timeutil import Clock, utcnow

log = logging.getLogger("kiosk.payments")

S = PaymentState
Update = Callable[[Payment, Prompt | None], None]
Receipt = Callable[[Payment], None]
GRACE_S = 10.0  # past the terminal's own time, before "it has no record" is believed
POLL_S = 0.5  # how often the terminal's prompt is read while it handles a payment
RECHECK_S = 2.0  # how often an unfinished payment is asked about while it is waited for


class TerminalUnavailable(PaymentRefused):
    """The terminal is not up: nothing was written and nothing charged."""

    def __init__(self, health: TerminalHealth) -> None:
        self.health = health
        super().__init__(f"the card terminal is not available: {health.summary()}")


def _nothing(_name: str) -> None:
    pass


class Payments:
    def __init__(
        self,
        store: PaymentStore,
        terminal: PaymentTerminal,
        *,
        lock_dir: Path,
        city: PaidBillsSource,
        kiosk_number: Callable[[], int],
        clock: Clock = utcnow,
        sleep: Callable[[float], None] = time.sleep,
        checkpoint: Callable[[str], None] = _nothing,
        grace_s: float = GRACE_S,
        poll_s: float = POLL_S,
    ) -> None:
        self.store = store
        self.terminal = terminal
        self.lock_dir = lock_dir
        self.city = city
        self.kiosk_number = kiosk_number
        self.clock = clock
        self.sleep = sleep
        self.checkpoint = checkpoint
        self.poll_s = poll_s
        self.recorder = Recorder(
            store, response_timeout_s=terminal.response_timeout_s, grace_s=grace_s, clock=clock
        )

    def _lock(self) -> TerminalLock:
        return TerminalLock(self.lock_dir, self.terminal.name)

    # -- paying ------------------------------------------------------------------------------------

    def check_bill(self, bill_id: str, payment_id: str) -> tuple[str, str, int]:
        """(bill ID, payment ID, amount in rials) checked offline, if the bill may be paid
        here; else :class:`PaymentRefused` (or ``InvalidIdentifier``)."""
        bill = identifiers.bill(bill_id, payment_id)
        if bill.payment_id is None or bill.amount_rials is None:  # pragma: no cover
            raise ValueError("a bill to pay needs its payment ID")
        held = self.store.holding_bill(bill.bill_id, bill.payment_id)
        if held is not None:
            raise BillAlreadyPaid(held) if held.state in PAID else BillBeingChecked(held)
        known = self.city.paid(bill.bill_id, bill.payment_id)
        if known is not None:
            raise BillAlreadyPaid(None, known.paid_at)
        return bill.bill_id, bill.payment_id, bill.amount_rials

    def pay_bill(
        self,
        bill_id: str,
        payment_id: str,
        *,
        channel: str = "kiosk",
        staff_id: str | None = None,
        lang: str = "fa",
        on_update: Update | None = None,
        receipt: Receipt | None = None,
    ) -> Payment:
        """Pay the bill; return the payment as it ended (approved and its receipt made,
        declined, failed, reversed or waiting for reconciliation). Raises
        :class:`PaymentRefused` (nothing written, nothing charged) or ``InvalidIdentifier``."""
        self.check_bill(bill_id, payment_id)  # before the lock: a refusal needs no terminal
        with self._lock():
            self.recover(wait=True)
            bill_id, payment_id, amount = self.check_bill(bill_id, payment_id)
            self._check_health()
            payment = self.store.create(
                kind=PaymentKind.BILL,
                terminal=self.terminal.name,
                amount_rials=amount,
                kiosk_number=self.kiosk_number(),
                channel=channel,
                staff_id=staff_id,
                lang=lang,
                bill_id=bill_id,
                payment_id=payment_id,
            )
            order = BillOrder(payment.order_id, bill_id, payment_id, amount)
            call = lambda: self.terminal.pay_bill(order)  # noqa: E731
            return self._carry_out(payment, call, on_update, receipt)

    def pay_sale(
        self,
        amount_rials: int,
        service_code: str,
        *,
        channel: str = "kiosk",
        staff_id: str | None = None,
        lang: str = "fa",
        on_update: Update | None = None,
        receipt: Receipt | None = None,
    ) -> Payment:
        """Charge ``amount_rials`` for the catalog's service ``service_code``."""
        with self._lock():
            self.recover(wait=True)
            self._check_health()
            payment = self.store.create(
                kind=PaymentKind.SALE,
                terminal=self.terminal.name,
                amount_rials=amount_rials,
                kiosk_number=self.kiosk_number(),
                channel=channel,
                staff_id=staff_id,
                lang=lang,
                service_code=service_code,
            )
            order = SaleOrder(payment.order_id, amount_rials)
            return self._carry_out(payment, lambda: self.terminal.sale(order), on_update, receipt)

    def abort(self) -> bool:
        """The citizen pressed Cancel while the terminal waits: ask it to stop (from any
        thread). If the payment went through just then, it is approved all the same."""
        return self.terminal.abort()

    def cancel(self, payment: Payment) -> Payment:
        """The citizen cancels an approved payment at the last step: reverse it."""
        with self._lock():
            return self._reverse(payment, Reason.CANCELLED_BY_CITIZEN)

    def _check_health(self) -> None:
        health = self.terminal.health()
        if not health.ok:
            log.warning("the card terminal is not available: %s", health.summary())
            raise TerminalUnavailable(health)

    def _carry_out(
        self,
        payment: Payment,
        call: Callable[[], PayResult],
        on_update: Update | None,
        receipt: Receipt | None,
    ) -> Payment:
        notify = on_update or (lambda _p, _q: None)
        notify(payment, None)
        self.checkpoint("created")
        payment = self._send(payment, call, notify)
        self.checkpoint("answered")
        notify(payment, None)
        if payment.state in WAITING:
            payment = self._resolve(payment, wait=True)
            notify(payment, None)
        if payment.state is not S.APPROVED:
            return payment
        self.checkpoint("approved")
        payment = self._complete(payment, receipt)
        notify(payment, None)
        return payment

    def _send(self, payment: Payment, call: Callable[[], PayResult], notify: Update) -> Payment:
        """``sent`` committed, then the terminal asked; its prompts mirrored until it answers;
        the answer committed."""
        payment = self.store.transition(payment, S.SENT, sent_at=self.clock())
        notify(payment, None)
        self.checkpoint("reversal_sent" if payment.kind is PaymentKind.REVERSAL else "sent")
        answers: list[PayResult] = []

        def work() -> None:
            try:
                answers.append(call())
            except Exception as exc:  # an adapter's bug must not lose the payment
                log.exception("the terminal adapter failed")
                answers.append(Unknown(Reason.TERMINAL_ERROR, type(exc).__name__))

        worker = threading.Thread(target=work, name="payment-terminal", daemon=True)
        worker.start()
        shown: Prompt | None = None
        while worker.is_alive():
            worker.join(self.poll_s)
            if not worker.is_alive():
                break
            prompt = self.terminal.prompt()
            if prompt is None or prompt is shown:
                continue
            shown = prompt
            if prompt in (Prompt.INSERT_CARD, Prompt.ENTER_PIN) and payment.state is S.SENT:
                payment = self.store.transition(payment, S.AWAITING_CARD)
            notify(payment, prompt)
        return self.recorder.result(payment, answers[0])

    def _complete(self, payment: Payment, receipt: Receipt | None) -> Payment:
        if receipt is None:
            return payment
        try:
            receipt(payment)
        except Exception as exc:
            log.error("the receipt of payment %s failed (%s): reversing it", payment.id,
                      type(exc).__name__)  # fmt: skip
            return self._reverse(payment, Reason.RECEIPT_FAILED)
        self.checkpoint("receipt")
        return self.store.transition(payment, S.RECEIPT_PRINTED)

    # -- reversing ---------------------------------------------------------------------------------

    def _reverse(self, payment: Payment, why: Reason) -> Payment:
        """Give ``payment`` back as its own record; return ``payment`` as it is then
        (``reversed``, or ``needs_reconciliation`` when the terminal could not)."""
        if payment.state not in (S.APPROVED, S.NEEDS_RECONCILIATION):
            raise ValueError(f"payment {payment.id} is {payment.state.value}: nothing to reverse")
        log.info("reversing payment %s: %s", payment.id, why.value)
        reversal = self.store.create(
            kind=PaymentKind.REVERSAL,
            terminal=self.terminal.name,
            amount_rials=payment.amount_rials,
            kiosk_number=self.kiosk_number(),
            channel=payment.channel,
            staff_id=payment.staff_id,
            lang=payment.lang,
            reverses_id=payment.id,
        )
        self.checkpoint("reversal_created")
        order = ReversalOrder(reversal.order_id, payment.order_id, payment.amount_rials)
        reversal = self._send(reversal, lambda: self.terminal.reverse(order), lambda _p, _q: None)
        self.checkpoint("reversal_answered")
        if reversal.state in WAITING:
            reversal = self._resolve(reversal, wait=True)
        return self.store.get(payment.id) or payment

    # -- recovering --------------------------------------------------------------------------------

    def recover(self, *, wait: bool = False) -> list[Payment]:
        """Resolve every unfinished payment of this terminal by asking the terminal about its
        OrderId (at start, after a timeout, before the next payment). With ``wait``, one the
        terminal may still carry out is waited for until its time is over. Returns them as they
        are now. The caller holds the terminal's lock (or takes it here)."""
        if TerminalLock.held_here(self.lock_dir, self.terminal.name):
            return self._recover(wait)
        with self._lock():
            return self._recover(wait)

    def _recover(self, wait: bool) -> list[Payment]:
        out = []
        for payment in self.store.unfinished(self.terminal.name):
            if payment.state is S.CREATED:
                out.append(self.recorder.never_sent(payment))
            elif payment.state in WAITING or payment.reason is Reason.CANNOT_TELL:
                out.append(self._resolve(payment, wait=wait))
            elif payment.reason is Reason.REVERSAL_FAILED and self._may_reverse_again(payment):
                out.append(self._reverse(payment, Reason.REVERSAL_FAILED))
            else:
                out.append(payment)
        return out

    def _resolve(self, payment: Payment, *, wait: bool) -> Payment:
        """Ask the terminal about ``payment`` until it is settled or (without ``wait``, or
        past its time) as far as the terminal can say now."""
        while True:
            payment = self.recorder.status(payment, self.terminal.status(payment.order_id))
            if payment.state not in WAITING or not wait:
                return payment
            left = (self.recorder.deadline(payment) - self.clock()).total_seconds()
            self.sleep(min(RECHECK_S, max(left, 0.05)))

    def _may_reverse_again(self, payment: Payment) -> bool:
        """Reversals are tried again the same day (the terminal's batch is still open), and not
        after the terminal refused one or cannot reverse at all."""
        last = self.store.reversal_of(payment)
        if last is None or last.state is not S.FAILED or last.reason is Reason.REVERSAL_UNSUPPORTED:
            return False
        approved = payment.decided_at or payment.created_at
        return local_time(approved).date() == local_time(self.clock()).date()
