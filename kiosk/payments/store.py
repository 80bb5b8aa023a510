"""The payments table: the one writer of a payment's rows, every change of state checked.

:meth:`PaymentStore.create` commits the intent (state ``created``) in one ``BEGIN IMMEDIATE``
transaction with the checks that must hold at that moment: the bill is not paid, in flight or
being checked here, and no other payment is in flight on this terminal. The partial unique
indexes of the schema (``kiosk.models``: ``ux_payments_bill_once``, ``ux_payments_in_flight``)
hold the same rules in the database, whatever a writer does.

:meth:`PaymentStore.transition` is the only write of ``payments.state``: it checks the change
against :data:`kiosk.payments.states.TRANSITIONS`, writes it only if the state is still the one
it read (another writer's change is :class:`StateChanged`), and appends the new state to the
payment's history (``payment_events``), all in one commit.

The OrderId, our only handle at the terminal (no provider offers an idempotency key), is made
from the payment's sequence number: two digits drawn once per database, the kiosk number and the
sequence: 16 ASCII digits, never a leading zero (the public Sadad clients send OrderId as a
string of digits: Unix seconds in Shardo.PcPos.Sadad's README, 9 digits in Sadad's own
``Sample Code/Rest/PayTest.html``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from kiosk.db import Database
from kiosk.models import Payment as PaymentRow
from kiosk.models import PaymentEvent
from kiosk.payments.reasons import Reason
from kiosk.payments.states import (
    HOLDS_BILL,
    IN_FLIGHT,
    UNFINISHED,
    PaymentKind,
    PaymentState,
    StateChanged,
    check,
)
from kiosk.queue import SEQUENCE
from kiosk.timeutil import Clock, iso, utcnow
from kiosk.tracking import format_tracking_code, make_tracking_code, parse_tracking_code
from kiosk.uuid7 import uuid7

ORDER_PREFIX = "payment.order_prefix"
MAX_ORDER_SEQ = 10**10 - 1
_NEXT_SEQ_SQL = "UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value"
_PREFIX_SQL = "SELECT value FROM counters WHERE name = ?"


@dataclass(frozen=True)
class Payment:
    """A snapshot of one row of ``payments``."""

    id: str
    seq: int
    tracking_code: str
    kiosk_number: int
    kind: PaymentKind
    order_id: str
    terminal: str
    amount_rials: int
    bill_id: str | None
    payment_id: str | None
    service_code: str | None
    reverses_id: str | None
    channel: str
    staff_id: str | None
    lang: str
    state: PaymentState
    reason: Reason | None
    terminal_code: str | None
    rrn: str | None
    trace_no: str | None
    approval_code: str | None
    masked_card: str | None
    terminal_date: str | None
    terminal_time: str | None
    checks: int
    next_check_at: dt.datetime | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    decided_at: dt.datetime | None
    updated_at: dt.datetime

    @property
    def display_code(self) -> str:
        return format_tracking_code(self.tracking_code)

    @classmethod
    def from_row(cls, row: PaymentRow) -> Payment:
        values = {f.name: getattr(row, f.name) for f in fields(cls)}
        values["kind"] = PaymentKind(row.kind)
        values["state"] = PaymentState(row.state)
        values["reason"] = Reason(row.reason) if row.reason else None
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, dt.datetime):
                data[key] = iso(value)
        data["kind"] = self.kind.value
        data["state"] = self.state.value
        data["reason"] = self.reason.value if self.reason else None
        data["display_code"] = self.display_code
        return data


class PaymentRefused(Exception):
    """A payment cannot start; nothing was written and nothing charged."""


class BillAlreadyPaid(PaymentRefused):
    """The bill was paid on this kiosk (``payment``), or the city says it is (``city_at``)."""

    def __init__(self, payment: Payment | None, city_at: dt.datetime | None = None) -> None:
        self.payment = payment
        self.city_at = city_at
        when = payment.decided_at or payment.created_at if payment else city_at
        super().__init__(f"this bill was paid at {iso(when) if when else '?'}")

    @property
    def paid_at(self) -> dt.datetime | None:
        if self.payment is not None:
            return self.payment.decided_at or self.payment.created_at
        return self.city_at


class BillBeingChecked(PaymentRefused):
    """A payment of this bill here is in flight or waits for reconciliation."""

    def __init__(self, payment: Payment) -> None:
        self.payment = payment
        super().__init__(f"a payment of this bill ({payment.display_code}) is being checked")


class TerminalInUse(PaymentRefused):
    """Another payment is in flight on this terminal."""

    def __init__(self, payment: Payment) -> None:
        self.payment = payment
        super().__init__(f"payment {payment.display_code} is in progress on this terminal")


class PaymentStore:
    def __init__(self, db: Database, *, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    # -- writing -------------------------------------------------------------------------------

    def create(
        self,
        *,
        kind: PaymentKind,
        terminal: str,
        amount_rials: int,
        kiosk_number: int,
        channel: str,
        lang: str,
        bill_id: str | None = None,
        payment_id: str | None = None,
        service_code: str | None = None,
        reverses_id: str | None = None,
        staff_id: str | None = None,
    ) -> Payment:
        """Commit the intent of a payment (state ``created``), or raise a
        :class:`PaymentRefused` and write nothing."""
        if isinstance(amount_rials, bool) or not isinstance(amount_rials, int) or amount_rials < 1:
            raise ValueError(f"an amount is a positive whole number of rials: {amount_rials!r}")
        now = self.clock()
        with self.db.write_core() as conn:
            busy = self._first(conn, PaymentRow.terminal == terminal, IN_FLIGHT)
            if busy is not None:
                raise TerminalInUse(busy)
            if kind is PaymentKind.BILL:
                held = self._first(
                    conn,
                    (PaymentRow.bill_id == bill_id) & (PaymentRow.payment_id == payment_id),
                    HOLDS_BILL,
                )
                if held is not None and held.state in UNFINISHED:
                    raise BillBeingChecked(held)
                if held is not None:
                    raise BillAlreadyPaid(held)
            seq = int(conn.exec_driver_sql(_NEXT_SEQ_SQL, (SEQUENCE,)).scalar_one())
            prefix = int(conn.exec_driver_sql(_PREFIX_SQL, (ORDER_PREFIX,)).scalar_one())
            values: dict[str, Any] = {
                "id": str(uuid7()),
                "seq": seq,
                "tracking_code": make_tracking_code(kiosk_number, seq),
                "kiosk_number": kiosk_number,
                "kind": kind.value,
                "order_id": order_id(prefix, kiosk_number, seq),
                "terminal": terminal,
                "amount_rials": amount_rials,
                "bill_id": bill_id,
                "payment_id": payment_id,
                "service_code": service_code,
                "reverses_id": reverses_id,
                "channel": channel,
                "staff_id": staff_id,
                "lang": lang,
                "state": PaymentState.CREATED.value,
                "checks": 0,
                "created_at": now,
                "updated_at": now,
            }
            conn.execute(insert(PaymentRow).values(**values))
            conn.execute(
                insert(PaymentEvent).values(
                    payment_id=values["id"], state=PaymentState.CREATED.value, at=now
                )
            )
            row = conn.execute(select(PaymentRow).where(PaymentRow.id == values["id"])).one()
        return _snapshot(row)

    def transition(self, payment: Payment, to: PaymentState, **changes: Any) -> Payment:
        """Move ``payment`` to ``to`` (with the column ``changes``), committed; return it."""
        return self.transitions([(payment, to, changes)])[0]

    def transitions(
        self, moves: Sequence[tuple[Payment, PaymentState, Mapping[str, Any]]]
    ) -> list[Payment]:
        """Several moves in one commit (a reversal and the payment it reverses)."""
        now = self.clock()
        out = []
        with self.db.write_core() as conn:
            for payment, to, changes in moves:
                current = conn.execute(
                    select(PaymentRow.state).where(PaymentRow.id == payment.id)
                ).scalar_one()
                state = PaymentState(current)
                if state is not payment.state:
                    raise StateChanged(
                        f"payment {payment.id} is {state.value}, not {payment.state.value}"
                    )
                check(payment.id, state, to)
                values = {k: (v.value if isinstance(v, Reason) else v) for k, v in changes.items()}
                conn.execute(
                    update(PaymentRow)
                    .where(PaymentRow.id == payment.id, PaymentRow.state == state.value)
                    .values(state=to.value, updated_at=now, **values)
                )
                conn.execute(
                    insert(PaymentEvent).values(
                        payment_id=payment.id,
                        state=to.value,
                        reason=values.get("reason"),
                        at=now,
                    )
                )
                row = conn.execute(select(PaymentRow).where(PaymentRow.id == payment.id)).one()
                out.append(_snapshot(row))
        return out

    def touch(self, payment: Payment, **changes: Any) -> Payment:
        """Note a check of ``payment`` (``checks``, ``next_check_at``) without changing its
        state; :class:`StateChanged` if another writer changed it first."""
        if "state" in changes:
            raise ValueError("the state changes only through transition()")
        with self.db.write_core() as conn:
            done = conn.execute(
                update(PaymentRow)
                .where(PaymentRow.id == payment.id, PaymentRow.state == payment.state.value)
                .values(updated_at=self.clock(), **changes)
            )
            if done.rowcount != 1:
                raise StateChanged(f"payment {payment.id} is no longer {payment.state.value}")
            row = conn.execute(select(PaymentRow).where(PaymentRow.id == payment.id)).one()
        return _snapshot(row)

    # -- reading -------------------------------------------------------------------------------

    def get(self, ref: str) -> Payment | None:
        """A payment by its id, its OrderId or its tracking code (any digits, dashes or not)."""
        ref = ref.strip()
        try:
            where = PaymentRow.id == str(uuid.UUID(ref))
        except ValueError:
            if ref.isascii() and ref.isdigit() and len(ref) == 16:
                where = PaymentRow.order_id == ref
            else:
                where = PaymentRow.tracking_code == parse_tracking_code(ref).code
        with self.db.read() as session:
            row = session.execute(select(PaymentRow).where(where)).scalar_one_or_none()
        return None if row is None else Payment.from_row(row)

    def unfinished(self, terminal: str | None = None) -> list[Payment]:
        """What the recovery must ask the terminal about, oldest first."""
        query = (
            select(PaymentRow)
            .where(PaymentRow.state.in_([s.value for s in UNFINISHED]))
            .order_by(PaymentRow.seq)
        )
        if terminal is not None:
            query = query.where(PaymentRow.terminal == terminal)
        with self.db.read() as session:
            return [Payment.from_row(r) for r in session.execute(query).scalars()]

    def holding_bill(self, bill_id: str, payment_id: str) -> Payment | None:
        """The payment of this bill here that is paid, in flight or being checked."""
        with self.db.read() as session:
            conn = session.connection()
            return self._first(
                conn,
                (PaymentRow.bill_id == bill_id) & (PaymentRow.payment_id == payment_id),
                HOLDS_BILL,
            )

    def reversal_of(self, payment: Payment) -> Payment | None:
        """The latest reversal of ``payment``, if any."""
        with self.db.read() as session:
            row = session.execute(
                select(PaymentRow)
                .where(PaymentRow.reverses_id == payment.id)
                .order_by(PaymentRow.seq.desc())
                .limit(1)
            ).scalar_one_or_none()
        return None if row is None else Payment.from_row(row)

    def history(self, payment: Payment) -> list[tuple[PaymentState, Reason | None, dt.datetime]]:
        with self.db.read() as session:
            rows = session.execute(
                select(PaymentEvent.state, PaymentEvent.reason, PaymentEvent.at)
                .where(PaymentEvent.payment_id == payment.id)
                .order_by(PaymentEvent.seq)
            ).all()
        return [(PaymentState(s), Reason(r) if r else None, at) for s, r, at in rows]

    def counts(self) -> dict[PaymentState, int]:
        with self.db.read() as session:
            rows = session.execute(
                select(PaymentRow.state, func.count()).group_by(PaymentRow.state)
            ).all()
        counts = dict.fromkeys(PaymentState, 0)
        counts.update({PaymentState(state): n for state, n in rows})
        return counts

    def list(self, state: PaymentState | None = None, *, limit: int | None = None) -> list[Payment]:
        """Payments, newest first, optionally in one state."""
        query = select(PaymentRow).order_by(PaymentRow.seq.desc())
        if state is not None:
            query = query.where(PaymentRow.state == state.value)
        if limit is not None:
            query = query.limit(limit)
        with self.db.read() as session:
            return [Payment.from_row(r) for r in session.execute(query).scalars()]

    @staticmethod
    def _first(conn: Connection, where: Any, states: frozenset[PaymentState]) -> Payment | None:
        row = conn.execute(
            select(PaymentRow)
            .where(where, PaymentRow.state.in_([s.value for s in states]))
            .order_by(PaymentRow.seq)
            .limit(1)
        ).first()
        return None if row is None else _snapshot(row)


def _snapshot(row: Any) -> Payment:
    """A :class:`Payment` from a Core result row of ``payments``."""
    mapping = row._mapping
    values = {f.name: mapping[f.name] for f in fields(Payment)}
    values["kind"] = PaymentKind(values["kind"])
    values["state"] = PaymentState(values["state"])
    values["reason"] = Reason(values["reason"]) if values["reason"] else None
    return Payment(**values)


def order_id(prefix: int, kiosk_number: int, seq: int) -> str:
    """The OrderId of the payment ``seq`` of kiosk ``kiosk_number``: 16 digits."""
    if not 10 <= prefix <= 99 or not 0 <= kiosk_number <= 9999 or not 0 < seq <= MAX_ORDER_SEQ:
        raise ValueError(f"no OrderId for prefix {prefix}, kiosk {kiosk_number}, seq {seq}")
    return f"{prefix:02d}{kiosk_number:04d}{seq:010d}"
