"""The privacy purge: after acknowledgement + retention no personal answer is left in any file."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.catalog import Catalog, parse_catalog
from kiosk.cli import main
from kiosk.counter import resubmit
from kiosk.db import Database
from kiosk.models import TxState
from kiosk.outbox import ItemOutcome, Outbox
from kiosk.privacy import SYSTEM_ACTOR, kept_answers, pending_since, purge
from kiosk.queue import Queue, QueuedTransaction
from kiosk.receipt import build_receipt
from kiosk.staff import StaffStore
from tests.conftest import MINI_CATALOG, TODAY
from tests.kiosk.fakes import FakeClock
from tests.kiosk.test_cli import REPORT as CLI_REPORT

# The kiosk these commands run on files requests: it has a number of its own.
pytestmark = pytest.mark.usefixtures("station_number")

NATIONAL_CODE = "7391826456"
MOBILE = "09357246813"
ADDRESS = "کوچه‌ی زعفرانیه‌ی پنهان، پلاک هفتاد و هفت"
NOTE = "Xylophone-Quokka free text that only this citizen wrote"
SECRETS = (NATIONAL_CODE, MOBILE, ADDRESS, NOTE)


def report(note: str = NOTE) -> dict[str, object]:
    return {
        "district": "2",
        "problem": "off",
        "address": ADDRESS,
        "follow_up": "yes",
        "mobile": MOBILE,
        "note": note,
    }


class Kiosk:
    def __init__(self, data_dir: Path, catalog: Catalog) -> None:
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.clock = FakeClock()
        self.catalog = catalog
        self.db = Database(data_dir / "queue.db")
        self.queue = Queue(self.db, catalog, kiosk_number=123, clock=self.clock)
        self.outbox = Outbox(self.db, clock=self.clock)
        self.audit = AuditLog(self.db, self.clock)
        self.staff = StaffStore(self.db, self.audit, self.clock)

    def acknowledge(self, *txs: QueuedTransaction) -> None:
        """As the sync engine does: claim what is due, and record the server's answer."""
        wanted = {tx.id for tx in txs}
        claimed = self.outbox.claim(1000)
        self.outbox.record(
            ItemOutcome(t.id, "accepted", f"srv-{t.seq}") for t in claimed if t.id in wanted
        )
        self.outbox.release([t.id for t in claimed if t.id not in wanted], "not this one", None)

    def reject(self, tx: QueuedTransaction) -> None:
        claimed = self.outbox.claim(1000)
        self.outbox.record([ItemOutcome(tx.id, "rejected", reason="invalid", message=ADDRESS)])
        self.outbox.release([t.id for t in claimed if t.id != tx.id], "not this one", None)

    def purge(self, retention_days: int = 7, wait_s: float = 5.0) -> int:
        result = purge(
            self.db, self.catalog, retention_days, self.clock(), self.audit, wait_s=wait_s
        )
        assert result.complete
        return result.purged

    def get(self, tx: QueuedTransaction) -> QueuedTransaction:
        found = self.queue.get(tx.id)
        assert found is not None
        return found


@pytest.fixture
def kiosk(tmp_path: Path, mini_catalog: Catalog) -> Iterator[Kiosk]:
    k = Kiosk(tmp_path / "data", mini_catalog)
    yield k
    k.db.close()


def leftovers(data_dir: Path) -> list[tuple[str, str]]:
    """(file, value) for every secret still found in any file under the data dir."""
    found = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for value in SECRETS:
            forms = {
                value.encode("utf-8"),
                json.dumps(value).encode("ascii"),  # \\u escapes
                value.encode("utf-16-le"),
            }
            if any(form in data for form in forms):
                found.append((path.name, value))
    return found


def test_purge_leaves_no_personal_data_in_any_file(kiosk: Kiosk, kiosk_logging: Path) -> None:
    admin = kiosk.staff.add("Clerk", "admin", "4826", by="cli:it")
    lights = [kiosk.queue.submit("street-lights", report(), today=TODAY) for _ in range(30)]
    survey = kiosk.queue.submit("survey", {"national_code": NATIONAL_CODE, "rating": "5"})
    rejected = kiosk.queue.submit("street-lights", report(), today=TODAY)
    kiosk.reject(rejected)
    fixed = resubmit(kiosk.queue, rejected.id, report(), admin, kiosk.audit, today=TODAY).new
    for _ in range(3):  # the link was down: sent, no answer, back to pending (rows rewritten)
        kiosk.clock.advance(minutes=10)
        kiosk.outbox.release([t.id for t in kiosk.outbox.claim(1000)], "timeout", None)
    kiosk.clock.advance(hours=2)
    kiosk.acknowledge(*lights, survey, fixed)
    assert leftovers(kiosk.data_dir)  # the test can see them before the purge

    kiosk.clock.advance(days=7, minutes=1)
    assert kiosk.purge() == 33  # 30 reports, the survey, the fixed one; the voided one too:
    assert kiosk.get(rejected).purged_at is not None  # it was voided 7 days ago as well

    assert leftovers(kiosk.data_dir) == []  # queue.db, -wal, -shm and logs/kiosk.log
    assert (kiosk.data_dir / "queue.db-wal").stat().st_size == 0
    assert kiosk_logging.exists()
    kiosk.db.close()
    assert leftovers(kiosk.data_dir) == []  # also once the WAL is folded in at close
    kiosk.db = Database(kiosk.data_dir / "queue.db")
    kiosk.queue.db = kiosk.db

    purged = kiosk.get(lights[0])
    assert purged.answers == {"district": "2", "problem": "off", "follow_up": True}
    assert purged.purged_at == kiosk.clock.now
    assert purged.tracking_code == lights[0].tracking_code
    assert purged.state is TxState.ACKED
    assert kiosk.get(survey).answers == {"rating": "5"}
    assert kiosk.get(rejected).last_error is None  # the server's message quoted the address

    receipt = build_receipt(
        purged, kiosk.catalog, lang="fa", city="تهران", kiosk_name="کیوسک تست", reprint=True
    )
    assert receipt.tracking_digits == lights[0].tracking_code
    assert receipt.reprint
    assert not any(value in str(receipt) for value in SECRETS)


@pytest.mark.parametrize("rows", [20, 60, 110])
def test_no_old_bytes_survive_in_rebuilt_pages(kiosk: Kiosk, rows: int) -> None:
    """Shrinking many rows makes SQLite rebuild pages, and a rebuilt page can keep old bytes in
    its unallocated gap even with secure_delete (here: with 60 or 110 rows); VACUUM clears it."""
    txs = [kiosk.queue.submit("street-lights", report(), today=TODAY) for _ in range(rows)]
    kiosk.acknowledge(*txs)
    kiosk.clock.advance(days=8)
    assert kiosk.purge() == rows
    assert leftovers(kiosk.data_dir) == []


def test_nothing_unacknowledged_or_within_retention_is_touched(kiosk: Kiosk) -> None:
    old_ack = kiosk.queue.submit("street-lights", report(), today=TODAY)
    recent_ack = kiosk.queue.submit("street-lights", report(), today=TODAY)
    rejected = kiosk.queue.submit("street-lights", report(), today=TODAY)
    in_flight = kiosk.queue.submit("street-lights", report(), today=TODAY)
    pending = kiosk.queue.submit("street-lights", report(), today=TODAY)
    kiosk.acknowledge(old_ack)
    kiosk.reject(rejected)
    kiosk.clock.advance(days=2)
    kiosk.acknowledge(recent_ack)
    kiosk.outbox.claim(1)  # in_flight now
    assert kiosk.get(in_flight).state is TxState.IN_FLIGHT
    kiosk.clock.advance(days=6)  # old_ack: 8 days ago; recent_ack: 6 days ago

    assert kiosk.purge(retention_days=7) == 1
    assert kiosk.get(old_ack).purged_at is not None
    for tx in (recent_ack, rejected, in_flight, pending):
        now = kiosk.get(tx)
        assert now.purged_at is None, now.state
        assert now.answers == tx.answers, now.state
    assert kiosk.get(rejected).last_error is not None

    kiosk.clock.advance(days=1)
    assert kiosk.purge(retention_days=7) == 1  # recent_ack's turn
    assert kiosk.purge(retention_days=7) == 0  # nothing twice
    assert kiosk.get(pending).answers == pending.answers


def test_a_zero_retention_purges_at_acknowledgement(kiosk: Kiosk) -> None:
    tx = kiosk.queue.submit("street-lights", report(), today=TODAY)
    assert kiosk.purge(retention_days=0) == 0  # not acknowledged yet
    kiosk.acknowledge(tx)
    assert kiosk.purge(retention_days=0) == 1


def test_an_unknown_service_loses_every_answer(kiosk: Kiosk) -> None:
    survey = kiosk.queue.submit("survey", {"national_code": NATIONAL_CODE, "rating": "1"})
    kiosk.acknowledge(survey)
    data = json.loads(MINI_CATALOG.read_text(encoding="utf-8"))
    data["services"] = [s for s in data["services"] if s["code"] != "survey"]
    data["groups"] = [g for g in data["groups"] if g["code"] != "surveys"]
    kiosk.catalog = parse_catalog(data)
    kiosk.clock.advance(days=8)
    assert kiosk.purge() == 1
    assert kiosk.get(survey).answers == {}


def test_kept_answers_follow_the_personal_flag(mini_catalog: Catalog) -> None:
    answers = {
        "district": "1",
        "address": "x",
        "mobile": MOBILE,
        "floors": 3,
        "visit": "1405/09/10",
        "gone_question": "kept nowhere",
    }
    assert kept_answers(mini_catalog, "street-lights", answers) == {
        "district": "1",
        "floors": 3,
        "visit": "1405/09/10",
    }
    assert kept_answers(mini_catalog, "no-such-service", answers) == {}


def test_the_purge_is_audited(kiosk: Kiosk) -> None:
    tx = kiosk.queue.submit("street-lights", report(), today=TODAY)
    kiosk.acknowledge(tx)
    kiosk.clock.advance(days=10)
    assert kiosk.purge() == 1
    assert kiosk.purge() == 0  # nothing purged: no entry
    entries = kiosk.audit.entries()
    assert [(e.actor, e.action) for e in entries] == [(SYSTEM_ACTOR, "purge")]
    assert entries[0].details == {
        "count": 1,
        "retention_days": 7,
        "before": "2026-11-30T08:00:00Z",
    }
    assert kiosk.audit.verify() == []


def test_every_connection_uses_secure_delete(kiosk: Kiosk) -> None:
    with kiosk.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_old_migration_backups_are_removed(kiosk: Kiosk) -> None:
    old = kiosk.data_dir / "queue.db.before-v4"
    new = kiosk.data_dir / "queue.db.before-v5"
    other = kiosk.data_dir / "notes.before-v1"
    for path in (old, new, other):
        path.write_bytes(b"a copy of the queue")
    ten_days_ago = (kiosk.clock.now - dt.timedelta(days=10)).timestamp()
    os.utime(old, (ten_days_ago, ten_days_ago))
    os.utime(other, (ten_days_ago, ten_days_ago))
    os.utime(new, (kiosk.clock.now.timestamp(),) * 2)
    kiosk.purge()
    assert not old.exists()
    assert new.exists()
    assert other.exists()


def test_a_negative_retention_is_refused(kiosk: Kiosk) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        kiosk.purge(retention_days=-1)


# -- a reader that keeps the old pages ---------------------------------------------------------


@contextmanager
def reader(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection in the middle of a read (a backup tool, ``kiosk queue list`` in
    another process): its snapshot keeps the old pages, so no checkpoint may overwrite them."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM transactions").fetchone()
    try:
        yield conn
    finally:
        with suppress(sqlite3.OperationalError):  # it finished its read already
            conn.execute("COMMIT")
        conn.close()


def due(kiosk: Kiosk, count: int = 10) -> None:
    kiosk.acknowledge(
        *[kiosk.queue.submit("street-lights", report(), today=TODAY) for _ in range(count)]
    )
    kiosk.clock.advance(days=8)


def test_a_purge_does_not_report_success_while_a_reader_keeps_the_old_pages(
    kiosk: Kiosk, kiosk_logging: Path
) -> None:
    due(kiosk)
    with reader(kiosk.db.path):
        result = purge(kiosk.db, kiosk.catalog, 7, kiosk.clock(), kiosk.audit, wait_s=0.3)
        assert result.purged == 10
        assert not result.complete  # honest: the data is still in the file
        assert leftovers(kiosk.data_dir)
        assert pending_since(kiosk.db) == kiosk.clock.now
    log = kiosk_logging.read_text(encoding="utf-8")
    assert "old content is still in queue.db" in log
    # The reader is gone: the next purge (nothing new is due) finishes the job.
    result = purge(kiosk.db, kiosk.catalog, 7, kiosk.clock(), kiosk.audit)
    assert (result.purged, result.complete) == (0, True)
    assert leftovers(kiosk.data_dir) == []
    assert pending_since(kiosk.db) is None


def test_a_purge_retries_until_the_reader_is_done(kiosk: Kiosk) -> None:
    due(kiosk)
    with reader(kiosk.db.path) as conn:
        done = threading.Timer(0.5, conn.execute, ("COMMIT",))  # the reader finishes soon
        done.start()
        result = purge(kiosk.db, kiosk.catalog, 7, kiosk.clock(), kiosk.audit, wait_s=20)
        done.join()
    assert (result.purged, result.complete) == (10, True)
    assert leftovers(kiosk.data_dir) == []


def test_the_command_line_says_when_the_old_data_is_still_there(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data_dir = tmp_path / "cli-data"
    for _ in range(3):
        assert main(["--data-dir", str(data_dir), "submit", *CLI_REPORT]) == 0
    db = Database(data_dir / "queue.db")
    outbox = Outbox(db)
    outbox.record(ItemOutcome(tx.id, "accepted", f"srv-{tx.seq}") for tx in outbox.claim(10))
    db.close()
    (data_dir / "kiosk.toml").write_text("[privacy]\nretention_days = 0\n")
    capsys.readouterr()
    with reader(data_dir / "queue.db"):
        code = main(["--data-dir", str(data_dir), "privacy", "purge", "--wait", "0.3"])
        out, err = capsys.readouterr()
    assert code == 1
    assert "purged the personal answers of 3 transactions" in out
    assert "still in the database file" in err
    assert len(err.splitlines()) == 1
    assert main(["--data-dir", str(data_dir), "privacy", "purge"]) == 0  # now it can finish
    assert "the old content of an earlier purge is gone" in capsys.readouterr().out
