"""Counter work as data: lookup, void, resubmit (atomic, audited), reprint and the day's report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.catalog import Catalog
from kiosk.counter import (
    InvalidLookup,
    NotVoidable,
    TransactionNotFound,
    day_report,
    file_request,
    lookup,
    print_receipt,
    reprint,
    resubmit,
    void,
)
from kiosk.db import Database
from kiosk.forms import ValidationFailed
from kiosk.models import Channel, TxState
from kiosk.outbox import ItemOutcome, Outbox
from kiosk.queue import Queue, QueuedTransaction
from kiosk.staff import StaffError, StaffMember, StaffStore
from kiosk.text import to_persian_digits
from kiosk.tracking import make_tracking_code
from tests.conftest import TODAY
from tests.kiosk.fakes import FakeClock

MOBILE = "09121234567"
NATIONAL_CODE = "0499370899"


def report(mobile: str = MOBILE, address: str = "خیابان آزادی") -> dict[str, object]:
    return {
        "district": "1",
        "problem": "flicker",
        "address": address,
        "follow_up": "yes",
        "mobile": mobile,
    }


class Counter:
    def __init__(self, path: Path, catalog: Catalog) -> None:
        self.clock = FakeClock()
        self.db = Database(path)
        self.queue = Queue(self.db, catalog, kiosk_number=123, clock=self.clock)
        self.outbox = Outbox(self.db, clock=self.clock)
        self.audit = AuditLog(self.db, self.clock)
        self.staff = StaffStore(self.db, self.audit, self.clock)
        self.clerk = self.staff.add("Nasrin", "clerk", "4826", by="cli:it")
        self.other = self.staff.add("Kaveh", "clerk", "5937", by="cli:it")

    def submit(self, answers: dict[str, object] | None = None) -> QueuedTransaction:
        return self.queue.submit("street-lights", answers or report(), today=TODAY)

    def answer(self, tx: QueuedTransaction, status: str) -> None:
        claimed = self.outbox.claim(1000)
        self.outbox.record([ItemOutcome(tx.id, status, reason="bad", message="no such street")])
        self.outbox.release([t.id for t in claimed if t.id != tx.id], "later", None)

    def get(self, ref: str) -> QueuedTransaction:
        tx = self.queue.get(ref)
        assert tx is not None
        return tx


@pytest.fixture
def counter(tmp_path: Path, mini_catalog: Catalog) -> Iterator[Counter]:
    c = Counter(tmp_path / "queue.db", mini_catalog)
    yield c
    c.db.close()


# -- lookup ----------------------------------------------------------------------------------


def test_lookup_by_tracking_code_in_any_digits(counter: Counter) -> None:
    tx = counter.submit()
    counter.submit()
    for text in (
        tx.tracking_code,
        tx.display_code,
        to_persian_digits(tx.display_code),
        f"  {tx.tracking_code[:4]} {tx.tracking_code[4:]} ",
        tx.id,
    ):
        assert [t.id for t in lookup(counter.queue, text, counter.clerk, counter.audit)] == [
            tx.id
        ], text


def test_lookup_by_mobile_and_national_code_newest_first(counter: Counter) -> None:
    first = counter.submit()
    counter.submit(report(mobile="09351234567"))
    second = counter.submit()
    survey = counter.queue.submit("survey", {"national_code": NATIONAL_CODE, "rating": "5"})
    assert [t.id for t in lookup(counter.queue, "۰۹۱۲ ۱۲۳ ۴۵۶۷", counter.clerk, counter.audit)] == [
        second.id,
        first.id,
    ]
    assert [t.id for t in lookup(counter.queue, "+989121234567", counter.clerk, counter.audit)] == [
        second.id,
        first.id,
    ]
    assert [t.id for t in lookup(counter.queue, "0499-370899", counter.clerk, counter.audit)] == [
        survey.id
    ]
    assert (
        lookup(counter.queue, "0790419904", counter.clerk, counter.audit) == []
    )  # a valid code nobody used
    assert len(lookup(counter.queue, "09121234567", counter.clerk, counter.audit, limit=1)) == 1


@pytest.mark.parametrize("text", ["", "   ", "hello", "1234567890", "0912"])
def test_lookup_explains_bad_input_without_repeating_it(counter: Counter, text: str) -> None:
    with pytest.raises(InvalidLookup) as info:
        lookup(counter.queue, text, counter.clerk, counter.audit)
    assert text.strip() == "" or text not in str(info.value)


def test_every_lookup_is_audited_without_the_number_looked_for(counter: Counter) -> None:
    tx = counter.submit()
    survey = counter.queue.submit("survey", {"national_code": NATIONAL_CODE, "rating": "5"})
    searches = [
        (MOBILE, ["mobile"], [tx.tracking_code]),
        ("0499 370 899", ["national_code"], [survey.tracking_code]),
        (tx.display_code, ["tracking_code"], [tx.tracking_code]),
        (tx.id, ["id"], [tx.tracking_code]),
        ("0790419904", ["national_code"], []),
    ]
    for text, by, codes in searches:
        lookup(counter.queue, text, counter.clerk, counter.audit)
        entry = counter.audit.entries()[-1]
        assert (entry.actor, entry.action) == ("Nasrin", "lookup")
        assert entry.details == {"by": by, "results": len(codes), "tracking_codes": codes}
    details = json.dumps([e.details for e in counter.audit.entries()])
    for number in (MOBILE, MOBILE[1:], NATIONAL_CODE, NATIONAL_CODE[1:]):
        assert number not in details
    before = counter.audit.count()
    with pytest.raises(InvalidLookup):
        lookup(counter.queue, "0912", counter.clerk, counter.audit)
    assert counter.audit.count() == before  # nothing was looked up


def test_filing_for_a_citizen_is_audited_with_the_filing(counter: Counter) -> None:
    tx = file_request(
        counter.queue,
        "street-lights",
        report(),
        counter.clerk,
        counter.audit,
        lang="en",
        today=TODAY,
    )
    assert (tx.channel, tx.staff_id, tx.lang) == (Channel.COUNTER, "Nasrin", "en")
    entry = counter.audit.entries()[-1]
    assert (entry.actor, entry.action) == ("Nasrin", "file")
    assert entry.details == {
        "id": tx.id,
        "tracking_code": tx.tracking_code,
        "service": "street-lights",
    }
    assert MOBILE not in json.dumps(entry.details)

    before = counter.audit.count()
    with pytest.raises(ValidationFailed):  # refused: neither a transaction nor an entry
        file_request(
            counter.queue, "street-lights", report(mobile="0912"), counter.clerk, counter.audit,
            lang="fa", today=TODAY,
        )  # fmt: skip
    counter.staff.disable("Kaveh", by="cli:it")
    with pytest.raises(StaffError):  # a disabled clerk files nothing
        file_request(
            counter.queue, "street-lights", report(), counter.other, counter.audit,
            lang="fa", today=TODAY,
        )  # fmt: skip
    assert counter.audit.count() == before + 1  # Kaveh's disabling, nothing else
    assert len(counter.queue.list()) == 1


def test_the_first_print_is_audited(counter: Counter) -> None:
    tx = counter.submit()
    receipt = print_receipt(
        counter.queue, tx.id, counter.clerk, counter.audit, lang="fa", city="تهران", kiosk_name="K"
    )
    assert not receipt.reprint
    entry = counter.audit.entries()[-1]
    assert (entry.actor, entry.action, entry.details) == (
        "Nasrin",
        "print",
        {"id": tx.id, "tracking_code": tx.tracking_code},
    )


# -- void ------------------------------------------------------------------------------------


def test_void_a_pending_transaction(counter: Counter) -> None:
    tx = counter.submit()
    counter.clock.advance(minutes=5)
    voided = void(
        counter.queue,
        tx.display_code,
        "citizen's code ۰۴۹۹۳۷۰۸۹۹ was wrong",
        counter.clerk,
        counter.audit,
    )
    assert voided.state is TxState.VOIDED
    assert voided.void_reason == "citizen's code *** was wrong"
    assert voided.voided_at == counter.clock.now
    assert counter.get(tx.id) == voided
    assert counter.outbox.claim(10) == []  # never sent
    entry = counter.audit.entries()[-1]
    assert (entry.actor, entry.action) == ("Nasrin", "void")
    assert entry.details == {
        "id": tx.id,
        "tracking_code": tx.tracking_code,
        "service": "street-lights",
        "from_state": "pending",
        "reason": "citizen's code *** was wrong",
    }
    assert counter.audit.verify() == []


def test_void_a_rejected_transaction(counter: Counter) -> None:
    tx = counter.submit()
    counter.answer(tx, "rejected")
    assert void(counter.queue, tx.id, "duplicate", counter.clerk, counter.audit).state is (
        TxState.VOIDED
    )


@pytest.mark.parametrize(
    ("state", "why"),
    [
        ("accepted", "already acknowledged"),
        ("in_flight", "being sent right now"),
        ("voided", "already voided"),
    ],
)
def test_void_refuses_what_is_not_pending_or_rejected(
    counter: Counter, state: str, why: str
) -> None:
    tx = counter.submit()
    if state == "accepted":
        counter.answer(tx, "accepted")
    elif state == "in_flight":
        counter.outbox.claim(10)
    else:
        void(counter.queue, tx.id, "first", counter.clerk, counter.audit)
    before = counter.get(tx.id)
    entries = counter.audit.count()
    with pytest.raises(NotVoidable, match=why):
        void(counter.queue, tx.id, "again", counter.clerk, counter.audit)
    assert counter.get(tx.id) == before
    assert counter.audit.count() == entries


def test_void_needs_a_known_transaction_a_reason_and_an_active_clerk(counter: Counter) -> None:
    tx = counter.submit()
    with pytest.raises(TransactionNotFound, match="no transaction"):
        void(counter.queue, "0123-999999-0", "x", counter.clerk, counter.audit)
    with pytest.raises(TransactionNotFound):
        void(counter.queue, "not a code", "x", counter.clerk, counter.audit)
    with pytest.raises(ValueError, match="give a reason"):
        void(counter.queue, tx.id, "   ", counter.clerk, counter.audit)
    with pytest.raises(ValueError, match="at most 200"):
        void(counter.queue, tx.id, "x" * 201, counter.clerk, counter.audit)
    counter.staff.disable("Nasrin", by="cli:it")
    with pytest.raises(StaffError, match="disabled"):
        void(counter.queue, tx.id, "ok", counter.clerk, counter.audit)
    ghost = StaffMember("Ghost", counter.clerk.role, counter.clock.now, None, None, 0, None)
    with pytest.raises(StaffError, match="no staff account"):
        void(counter.queue, tx.id, "ok", ghost, counter.audit)
    assert counter.get(tx.id).state is TxState.PENDING


# -- resubmit --------------------------------------------------------------------------------


def test_resubmit_a_rejected_transaction(counter: Counter) -> None:
    old = counter.submit(report(address="خیابان اشتباه"))
    counter.answer(old, "rejected")
    counter.clock.advance(hours=1)
    result = resubmit(counter.queue, old.tracking_code, report(), counter.clerk, counter.audit)
    new, voided = result.new, result.old
    assert new.state is TxState.PENDING
    assert new.channel is Channel.COUNTER
    assert new.staff_id == "Nasrin"
    assert new.replaces_id == old.id
    assert new.answers["address"] == "خیابان آزادی"
    assert new.lang == old.lang
    assert new.seq == old.seq + 1
    assert voided.state is TxState.VOIDED
    assert voided.void_reason == f"replaced by {new.display_code}"
    assert counter.get(old.id) == voided
    assert counter.get(new.id) == new
    entry = counter.audit.entries()[-1]
    assert (entry.actor, entry.action) == ("Nasrin", "resubmit")
    assert entry.details["replaces_tracking_code"] == old.tracking_code
    assert entry.details["tracking_code"] == new.tracking_code
    assert [t.id for t in counter.outbox.claim(10)] == [new.id]


def test_a_survey_can_be_corrected_despite_one_answer_per_code(counter: Counter) -> None:
    old = counter.queue.submit("survey", {"national_code": NATIONAL_CODE, "rating": "1"})
    counter.answer(old, "rejected")
    result = resubmit(
        counter.queue,
        old.id,
        {"national_code": NATIONAL_CODE, "rating": "5"},
        counter.clerk,
        counter.audit,
    )
    assert result.new.answers == {"national_code": NATIONAL_CODE, "rating": "5"}


def test_an_invalid_resubmission_changes_nothing(counter: Counter) -> None:
    old = counter.submit()
    counter.answer(old, "rejected")
    before = counter.get(old.id)
    entries = counter.audit.count()
    with pytest.raises(ValidationFailed) as info:
        resubmit(counter.queue, old.id, report(mobile="0912"), counter.clerk, counter.audit)
    assert [e.key for e in info.value.errors] == ["mobile"]
    assert counter.get(old.id) == before
    assert counter.audit.count() == entries
    assert len(counter.queue.list()) == 1


def test_resubmit_refuses_an_acknowledged_transaction(counter: Counter) -> None:
    old = counter.submit()
    counter.answer(old, "accepted")
    with pytest.raises(NotVoidable, match=r"cannot resubmit .* already acknowledged"):
        resubmit(counter.queue, old.id, report(), counter.clerk, counter.audit)
    assert len(counter.queue.list()) == 1


# -- reprint ---------------------------------------------------------------------------------


def test_reprint_is_audited(counter: Counter) -> None:
    tx = counter.submit()
    receipt = reprint(
        counter.queue,
        tx.display_code,
        counter.clerk,
        counter.audit,
        lang="en",
        city="Tehran",
        kiosk_name="Counter 1",
    )
    assert receipt.reprint
    assert receipt.tracking_digits == tx.tracking_code
    entry = counter.audit.entries()[-1]
    assert (entry.actor, entry.action, entry.details["id"]) == ("Nasrin", "reprint", tx.id)
    for missing in (make_tracking_code(123, 999_999), "0123-999999-0"):
        with pytest.raises(TransactionNotFound):
            reprint(
                counter.queue,
                missing,
                counter.clerk,
                counter.audit,
                lang="en",
                city="T",
                kiosk_name="K",
            )


# -- the day's report ------------------------------------------------------------------------


def test_day_report_counts_one_tehran_day(counter: Counter) -> None:
    # 2026-11-27 in Tehran (+03:30) runs from 2026-11-26T20:30Z to 2026-11-27T20:30Z
    counter.clock.now = dt.datetime(2026, 11, 26, 20, 29, tzinfo=dt.UTC)
    counter.submit()  # the day before
    counter.clock.now = dt.datetime(2026, 11, 26, 20, 30, tzinfo=dt.UTC)
    a = counter.submit()
    b = counter.queue.submit(
        "street-lights", report(), channel=Channel.COUNTER, staff_id="Nasrin", today=TODAY
    )
    counter.queue.submit(
        "street-lights", report(), channel=Channel.COUNTER, staff_id="Kaveh", today=TODAY
    )
    counter.queue.submit(
        "street-lights", report(), channel=Channel.COUNTER, staff_id="Nasrin", today=TODAY
    )
    counter.queue.submit("survey", {"national_code": NATIONAL_CODE, "rating": "5"})
    counter.answer(a, "accepted")
    void(counter.queue, b.id, "citizen left", counter.clerk, counter.audit)
    counter.clock.now = dt.datetime(2026, 11, 27, 20, 30, tzinfo=dt.UTC)
    counter.submit()  # the day after

    report_fa = day_report(counter.queue, dt.date(2026, 11, 27), "fa")
    assert report_fa.total == 5
    assert [(r.key, r.label, r.count) for r in report_fa.by_service] == [
        ("street-lights", "روشنایی معابر", 4),
        ("survey", "نظرسنجی", 1),
    ]
    assert {r.key: r.count for r in report_fa.by_state} == {
        "pending": 3,
        "in_flight": 0,
        "acked": 1,
        "rejected": 0,
        "voided": 1,
    }
    assert [(r.key, r.count) for r in report_fa.by_channel] == [("kiosk", 2), ("counter", 3)]
    assert [(r.key, r.count) for r in report_fa.by_clerk] == [("Nasrin", 2), ("Kaveh", 1)]
    assert report_fa.day_label == "\u2066۶\u2069 آذر \u2066۱۴۰۵\u2069"  # numbers isolated
    assert report_fa.kiosk_number == 123
    assert day_report(counter.queue, dt.date(2026, 11, 27), "en").day_label == "27 November 2026"
    assert report_fa.to_json()["by_clerk"][0] == {"key": "Nasrin", "label": "Nasrin", "count": 2}
    assert day_report(counter.queue, dt.date(2026, 11, 20), "en").total == 0
    with pytest.raises(ValueError, match="unsupported language"):
        day_report(counter.queue, dt.date(2026, 11, 27), "de")


def test_day_report_csv_opens_in_excel(counter: Counter) -> None:
    counter.clock.now = dt.datetime(2026, 11, 27, 6, 0, tzinfo=dt.UTC)
    counter.submit()
    counter.queue.submit(
        "street-lights", report(), channel=Channel.COUNTER, staff_id="-2+3", today=TODAY
    )
    data = day_report(counter.queue, dt.date(2026, 11, 27), "fa").to_csv(
        {"section": "بخش", "service": "خدمت", "pending": "در انتظار ارسال"}
    )
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["بخش", "key", "label", "count"]
    assert rows[1] == ["day", "2026-11-27", "۶ آذر ۱۴۰۵", ""]
    assert ["خدمت", "street-lights", "روشنایی معابر", "2"] in rows
    assert ["state", "pending", "در انتظار ارسال", "2"] in rows
    assert ["clerk", "'-2+3", "'-2+3", "1"] in rows  # never a formula
    assert rows[-1] == ["total", "", "", "2"]
