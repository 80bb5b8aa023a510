"""The card terminal as the core sees it: a protocol and the typed answers it gives.

The core never talks to a terminal itself (it imports no HTTP library): it receives a
:class:`PaymentTerminal` by injection. The adapters live in ``sync.terminals``
package (Sadad's local PC-POS service over HTTP; the simulator, which speaks the same REST
surface). Card data never reaches the kiosk: the citizen inserts the card and types the PIN on
the terminal, and the kiosk learns the outcome, a masked card number and the bank's references.

Every call answers with a value, never by raising: a terminal that cannot be reached is
:class:`Offline`, one that is busy with another request :class:`Busy`, and an answer that was
lost, late or unreadable :class:`Unknown` (the payment's state then says "ask the terminal",
``kiosk.payments.recovery``). Only :class:`Busy`, :class:`Offline` and :class:`Declined` say
for certain that nothing was charged.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from kiosk.payments.reasons import Reason


class Prompt(StrEnum):
    """What the terminal asks of the citizen now, for the screen to mirror."""

    IDLE = "idle"
    INSERT_CARD = "insert_card"
    ENTER_PIN = "enter_pin"
    PROCESSING = "processing"  # the card and PIN are in; the bank is asked


@dataclass(frozen=True)
class BillOrder:
    """Pay a bill: the terminal sends the bill and payment IDs to the bank's switch, which
    knows the biller and the amount (``kiosk.identifiers.bill`` checked them offline)."""

    order_id: str
    bill_id: str
    payment_id: str
    amount_rials: int


@dataclass(frozen=True)
class SaleOrder:
    """Charge an amount for an order (a municipal charge)."""

    order_id: str
    amount_rials: int


@dataclass(frozen=True)
class ReversalOrder:
    """Give back the approved payment ``original_order_id``, as its own order."""

    order_id: str
    original_order_id: str
    amount_rials: int


@dataclass(frozen=True)
class Approved:
    rrn: str  # the bank's retrieval reference number
    trace_no: str  # the terminal's transaction (trace) number
    masked_card: str  # e.g. 603799******1234: never the whole number
    approval_code: str
    terminal_date: str  # as the terminal wrote it
    terminal_time: str
    amount_rials: int | None  # what the terminal says it charged (None: it did not say)
    order_id: str | None = None  # the order it answers for (None: it did not say)


@dataclass(frozen=True)
class Declined:
    reason: Reason
    code: str  # the terminal's own code, for staff (e.g. "51", "status 3")


@dataclass(frozen=True)
class Busy:
    """The terminal refused the request because it is handling another: nothing charged."""

    code: str = ""


@dataclass(frozen=True)
class Offline:
    """The terminal (or the service in front of it) could not be reached or did not take
    the request: nothing charged."""

    detail: str = ""


@dataclass(frozen=True)
class Unsupported:
    """The terminal has no such operation (Sadad's service cannot reverse a payment)."""

    detail: str = ""


@dataclass(frozen=True)
class Unknown:
    """No usable answer: the request may or may not have been carried out."""

    reason: Reason
    detail: str = ""


@dataclass(frozen=True)
class NotFound:
    """The terminal has no record of the order."""


PayResult = Approved | Declined | Busy | Offline | Unknown | Unsupported
"""The answer to :meth:`PaymentTerminal.pay_bill`, :meth:`~PaymentTerminal.sale` and
:meth:`~PaymentTerminal.reverse`."""

OrderStatus = Approved | Declined | NotFound | Unknown
"""The answer to :meth:`PaymentTerminal.status`: what the terminal's log says of an order
(:class:`Unknown`: it cannot tell now, e.g. it is offline or busy)."""


@dataclass(frozen=True)
class TerminalHealth:
    state: str  # "ok", "offline", "busy" or "error"
    detail: str = ""  # for staff and logs; never personal
    terminal_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    def summary(self) -> str:
        """One word or ``error: ...``, as the heartbeat and ``kiosk status`` show it."""
        return self.state if not self.detail or self.ok else f"{self.state}: {self.detail}"


@runtime_checkable
class PaymentTerminal(Protocol):
    """A card terminal. Every method blocks until the terminal answers or its time is up."""

    @property
    def name(self) -> str:
        """Which terminal this is (``sadad:TERMINALID``): one payment in flight per name."""
        ...

    @property
    def response_timeout_s(self) -> float:
        """How long the terminal itself may take over one payment (card, PIN, bank): past
        this, an order it has no record of will never be carried out."""
        ...

    def pay_bill(self, order: BillOrder) -> PayResult: ...

    def sale(self, order: SaleOrder) -> PayResult: ...

    def reverse(self, order: ReversalOrder) -> PayResult: ...

    def status(self, order_id: str) -> OrderStatus: ...

    def abort(self) -> bool:
        """Ask the terminal to stop what it is doing; whether it said it did."""
        ...

    def health(self) -> TerminalHealth: ...

    def prompt(self) -> Prompt | None:
        """What the terminal shows the citizen now, or None when it cannot say."""
        ...
