"""Staff accounts: normalised unique names, scrypt PINs, lockout that survives a restart, audit."""

from __future__ import annotations

import base64
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.db import Database
from kiosk.models import StaffRole
from kiosk.staff import (
    DEVICE_FREE_ATTEMPTS,
    MAX_DELAY_S,
    SignInFailed,
    StaffError,
    StaffStore,
    _scrypt,
    check_new_pin,
    hash_pin,
    lock_delay,
    needs_rehash,
    normalize_name,
    verify_pin,
)
from tests.kiosk.fakes import FakeClock

CLI = "cli:root"


class Kiosk:
    """The staff store on a database file that the test can close and open again (a restart)."""

    def __init__(self, path: Path, clock: FakeClock) -> None:
        self.path = path
        self.clock = clock
        self.open()

    def open(self) -> None:
        self.db = Database(self.path)
        self.audit = AuditLog(self.db, self.clock)
        self.staff = StaffStore(self.db, self.audit, self.clock)

    def restart(self) -> None:
        self.db.close()
        self.open()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def kiosk(tmp_path: Path, clock: FakeClock) -> Iterator[Kiosk]:
    k = Kiosk(tmp_path / "queue.db", clock)
    yield k
    k.db.close()


@pytest.fixture
def staff(kiosk: Kiosk) -> StaffStore:
    kiosk.staff.add("مریم", "admin", "2580", by=CLI)
    kiosk.staff.add("Reza", StaffRole.CLERK, "7391", by=CLI)
    return kiosk.staff


def refused(staff: StaffStore, name: str, pin: str) -> SignInFailed:
    with pytest.raises(SignInFailed) as info:
        staff.authenticate(name, pin)
    return info.value


# -- names and PINs --------------------------------------------------------------------------


def test_names_are_normalised() -> None:
    assert normalize_name("  علي   كريمي ") == "علی کریمی"
    assert normalize_name("مهسا\u200cسادات") == "مهسا\u200cسادات"  # ZWNJ is spelling
    assert normalize_name("clerk ۲") == "clerk 2"
    assert normalize_name("O'Brien-Smith") == "O'Brien-Smith"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a", "2 to 40 characters"),
        ("x" * 41, "2 to 40 characters"),
        ("2pac", "start with a letter"),
        ("cli:root", "not ':'"),
        ("ali\x00", "not U+0000"),
        ("<script>", "start with a letter"),
    ],
)
def test_bad_names_say_what_is_wrong(name: str, message: str) -> None:
    with pytest.raises(StaffError, match=re.escape(message)):
        normalize_name(name)


def test_pins_accept_every_digit_script_and_refuse_the_obvious() -> None:
    assert check_new_pin("۲۵۸۰") == "2580"
    assert check_new_pin("٢٥٨٠١") == "25801"
    assert check_new_pin(" 73918264 ") == "73918264"
    for bad in ("123", "123456789", "12a4", "", "۱۲ ۳۴"):
        with pytest.raises(StaffError, match="4 to 8 digits"):
            check_new_pin(bad)
    for weak in ("0000", "1234", "98765", "۱۱۱۱"):
        with pytest.raises(StaffError, match="repeated or a run"):
            check_new_pin(weak)


def test_pin_hash_is_self_describing_salted_scrypt() -> None:
    first, second = hash_pin("2580"), hash_pin("2580")
    assert first.startswith("$scrypt$ln=14,r=8,p=1$")
    assert first != second  # a random salt each time
    assert verify_pin("2580", first)
    assert verify_pin("2580", second)
    assert not verify_pin("2581", first)
    assert not needs_rehash(first)
    assert not verify_pin("2580", "$scrypt$ln=99,r=8,p=1$AAAA$AAAA")
    assert not verify_pin("2580", "plaintext")


# -- accounts --------------------------------------------------------------------------------


def test_add_list_get(staff: StaffStore, kiosk: Kiosk, clock: FakeClock) -> None:
    names = [(m.name, m.role, m.active) for m in staff.list()]
    assert names == [("Reza", StaffRole.CLERK, True), ("مریم", StaffRole.ADMIN, True)]
    member = staff.get("reza")  # any case
    assert member is not None
    assert member.name == member.staff_id == "Reza"
    assert member.created_at == clock.now
    assert not member.is_admin
    assert staff.get("nobody") is None
    assert staff.get("") is None
    assert staff.has_admin()
    assert member.to_json()["role"] == "clerk"
    assert "pin" not in str(member.to_json()).lower()
    actions = [(e.actor, e.action, e.details) for e in kiosk.audit.entries()]
    assert actions == [
        (CLI, "staff_added", {"name": "مریم", "role": "admin"}),
        (CLI, "staff_added", {"name": "Reza", "role": "clerk"}),
    ]


def test_names_are_unique_across_case_and_letter_forms(staff: StaffStore) -> None:
    with pytest.raises(StaffError, match="already exists"):
        staff.add("REZA", "clerk", "4826", by=CLI)
    staff.add("علي", "clerk", "4826", by=CLI)
    with pytest.raises(StaffError, match="already exists"):
        staff.add("علی", "clerk", "4826", by=CLI)


def test_bad_input_writes_nothing(staff: StaffStore, kiosk: Kiosk) -> None:
    before = kiosk.audit.count()
    with pytest.raises(StaffError, match="role is 'clerk' or 'admin'"):
        staff.add("Sara", "boss", "4826", by=CLI)
    with pytest.raises(StaffError, match="4 to 8 digits"):
        staff.add("Sara", "clerk", "12", by=CLI)
    with pytest.raises(StaffError, match="no staff account named 'Sara'"):
        staff.set_pin("Sara", "4826", by=CLI)
    assert kiosk.audit.count() == before
    assert staff.get("Sara") is None


def test_the_pin_is_never_stored_or_audited(staff: StaffStore, kiosk: Kiosk) -> None:
    staff.set_pin("Reza", "90817263", by=CLI)
    staff.authenticate("Reza", "90817263")
    refused(staff, "Reza", "90817264")
    kiosk.db.close()
    for path in kiosk.path.parent.iterdir():
        data = path.read_bytes()
        for pin in (b"90817263", b"90817264", b"7391", b"2580"):
            assert pin not in data, (path.name, pin)
    kiosk.open()


def test_only_admins_manage_accounts(staff: StaffStore) -> None:
    with pytest.raises(StaffError, match="only an admin"):
        staff.add("Sara", "clerk", "4826", by="Reza")
    with pytest.raises(StaffError, match="only an admin"):
        staff.disable("مریم", by="Reza")
    with pytest.raises(StaffError, match="only an admin"):
        staff.set_pin("مریم", "4826", by="Reza")
    with pytest.raises(StaffError, match="only an admin"):
        staff.add("Sara", "clerk", "4826", by="somebody")
    staff.set_pin("Reza", "4826", by="Reza")  # one's own PIN
    staff.add("Sara", "clerk", "4826", by="مریم")
    with pytest.raises(StaffError, match="your own account"):
        staff.disable("مریم", by="مریم")
    staff.disable("Sara", by="مریم")
    with pytest.raises(StaffError, match="already disabled"):
        staff.disable("Sara", by="مریم")


# -- signing in ------------------------------------------------------------------------------


def test_sign_in_and_out(staff: StaffStore, kiosk: Kiosk, clock: FakeClock) -> None:
    member = staff.authenticate("reza", "۷۳۹۱")
    assert member.name == "Reza"
    assert member.last_sign_in_at == clock.now
    staff.sign_out(member)
    entries = kiosk.audit.entries()
    assert [(e.actor, e.action) for e in entries[-2:]] == [
        ("Reza", "sign_in"),
        ("Reza", "sign_out"),
    ]
    assert kiosk.audit.verify() == []


def test_wrong_pins_lock_the_account_with_a_growing_delay(
    staff: StaffStore, kiosk: Kiosk, clock: FakeClock
) -> None:
    assert refused(staff, "Reza", "1111").retry_after_s == 0
    assert refused(staff, "Reza", "1111").retry_after_s == 0
    third = refused(staff, "Reza", "1111")
    assert (third.reason, third.retry_after_s) == ("wrong_pin", 30)
    clock.advance(seconds=10)
    locked = refused(staff, "Reza", "7391")  # even the right PIN waits
    assert (locked.reason, locked.retry_after_s) == ("locked", 20)
    clock.advance(seconds=20)
    assert refused(staff, "Reza", "1111").retry_after_s == 60
    clock.advance(seconds=60)
    assert refused(staff, "Reza", "1111").retry_after_s == 120
    # the other account is not affected
    assert staff.authenticate("مریم", "2580").name == "مریم"
    member = staff.get("Reza")
    assert member is not None
    assert member.failed_attempts == 5
    assert member.locked_until is not None
    failures = [e.details for e in kiosk.audit.entries() if e.action == "sign_in_failed"]
    assert [d["failures"] for d in failures] == [1, 2, 3, 4, 5]  # the locked try is not counted


def test_the_delay_doubles_up_to_an_hour() -> None:
    assert [lock_delay(n) for n in range(8)] == [0, 0, 0, 30, 60, 120, 240, 480]
    assert lock_delay(10) == 3600 == MAX_DELAY_S
    assert lock_delay(10_000) == MAX_DELAY_S


def test_a_restart_does_not_reset_the_lock(
    staff: StaffStore, kiosk: Kiosk, clock: FakeClock
) -> None:
    for _ in range(3):
        refused(staff, "Reza", "1111")
    kiosk.restart()
    assert refused(kiosk.staff, "Reza", "7391").reason == "locked"
    clock.advance(seconds=30)
    assert kiosk.staff.authenticate("Reza", "7391").name == "Reza"


def test_a_successful_sign_in_resets_the_counter(staff: StaffStore, clock: FakeClock) -> None:
    refused(staff, "Reza", "1111")
    refused(staff, "Reza", "1111")
    staff.authenticate("Reza", "7391")
    assert refused(staff, "Reza", "1111").retry_after_s == 0
    member = staff.get("Reza")
    assert member is not None
    assert member.failed_attempts == 1


def test_a_new_pin_unlocks(staff: StaffStore) -> None:
    for _ in range(4):
        with pytest.raises(SignInFailed):
            staff.authenticate("Reza", "1111")
    staff.set_pin("Reza", "4826", by="مریم")
    assert staff.authenticate("Reza", "4826").name == "Reza"


def test_guessing_across_names_locks_the_device(
    staff: StaffStore, kiosk: Kiosk, clock: FakeClock
) -> None:
    reasons = [refused(staff, f"guess{i}", "1111") for i in range(DEVICE_FREE_ATTEMPTS)]
    assert {r.reason for r in reasons} == {"unknown"}
    assert [r.retry_after_s for r in reasons][-2:] == [0, 30]
    locked = refused(staff, "مریم", "2580")
    assert (locked.reason, locked.retry_after_s) == ("locked", 30)
    kiosk.restart()
    assert refused(kiosk.staff, "مریم", "2580").reason == "locked"
    clock.advance(seconds=30)
    assert refused(kiosk.staff, "guess", "1111").retry_after_s == 60
    clock.advance(seconds=60)
    assert kiosk.staff.authenticate("مریم", "2580").name == "مریم"
    assert refused(kiosk.staff, "guess", "1111").retry_after_s == 0  # reset by the sign-in
    unknown = [e for e in kiosk.audit.entries() if e.details.get("reason") == "unknown"]
    assert {e.actor for e in unknown} == {"(unknown)"}  # the typed names are not recorded


def test_a_disabled_account_cannot_sign_in(staff: StaffStore) -> None:
    staff.disable("Reza", by=CLI)
    failure = refused(staff, "Reza", "7391")
    assert failure.reason == "disabled"
    member = staff.get("Reza")
    assert member is not None
    assert not member.active


def test_a_malformed_name_or_pin_is_just_a_failure(staff: StaffStore) -> None:
    assert refused(staff, "", "7391").reason == "unknown"
    assert refused(staff, "Reza", "").reason == "wrong_pin"
    assert refused(staff, "Reza", "not a pin").reason == "wrong_pin"


def test_an_old_hash_is_upgraded_at_sign_in(staff: StaffStore, kiosk: Kiosk) -> None:
    salt = b"0123456789abcdef"

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode().rstrip("=")

    weak = f"$scrypt$ln=10,r=8,p=1${b64(salt)}${b64(_scrypt('4826', salt, 10, 8, 1, 32))}"
    conn = sqlite3.connect(kiosk.path)
    with conn:
        conn.execute("UPDATE staff SET pin_hash = ? WHERE name = 'Reza'", (weak,))
    conn.close()
    assert needs_rehash(weak)
    staff.authenticate("Reza", "4826")
    conn = sqlite3.connect(kiosk.path)
    stored = conn.execute("SELECT pin_hash FROM staff WHERE name = 'Reza'").fetchone()[0]
    conn.close()
    assert stored.startswith("$scrypt$ln=14,")
    assert staff.authenticate("Reza", "4826").name == "Reza"
