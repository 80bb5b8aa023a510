"""The bills the city says are paid: asked before a payment starts, so no bill is paid twice.

A bill paid at this kiosk is in ``payments``; one paid anywhere else (another kiosk, a bank,
online) is known only from the city. The sync's pull fills :class:`CityPaidBills` (phase B:
``record`` with what the server sends down with the other pulls), and the payment refuses a bill
that is in it. :class:`PaidBillsSource` is the interface the payment asks, so that an online
kiosk can put a live question to the city server in front of the table (an adapter in ``sync/``)
without the core importing any HTTP library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from kiosk.db import Database
from kiosk.models import CityPaidBill
from kiosk.timeutil import Clock, utcnow


@dataclass(frozen=True)
class PaidBill:
    bill_id: str
    payment_id: str
    paid_at: dt.datetime


class PaidBillsSource(Protocol):
    def paid(self, bill_id: str, payment_id: str) -> PaidBill | None:
        """The bill as the city knows it paid, or None (not known to be paid)."""
        ...


class CityPaidBills:
    """The paid bills the city sent down, kept in the queue database."""

    def __init__(self, db: Database, *, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    def paid(self, bill_id: str, payment_id: str) -> PaidBill | None:
        with self.db.read() as session:
            row = session.get(CityPaidBill, (bill_id, payment_id))
        return None if row is None else PaidBill(row.bill_id, row.payment_id, row.paid_at)

    def record(self, bills: Iterable[PaidBill]) -> int:
        """Keep ``bills`` (the earliest payment time of each wins); return how many."""
        now = self.clock()
        count = 0
        with self.db.write() as session:
            for bill in bills:
                count += 1
                current = session.get(CityPaidBill, (bill.bill_id, bill.payment_id))
                if current is None:
                    session.add(
                        CityPaidBill(
                            bill_id=bill.bill_id,
                            payment_id=bill.payment_id,
                            paid_at=bill.paid_at,
                            received_at=now,
                        )
                    )
                elif bill.paid_at < current.paid_at:
                    current.paid_at, current.received_at = bill.paid_at, now
                session.flush()
        return count
