"""Staff accounts of this kiosk: clerks and admins who sign in with a name and a PIN.

PINs are 4 to 8 digits (Persian, Arabic-Indic or ASCII) and are stored only as a self-describing
scrypt string (``$scrypt$ln=14,r=8,p=1$<salt>$<hash>``, a random 16-byte salt each time), compared
in constant time. Names are normalised (Persian letter forms, digits, spaces) and unique without
regard to case; the normalised name is the staff id that counter transactions carry.

Failed sign-ins slow guessing down, and the counters live in the database, so a restart does not
reset them: after :data:`FREE_ATTEMPTS` failures on one account it is locked for 30 s, doubling
with each further failure up to an hour; every failure on the device (wrong PIN, unknown name,
disabled account) also counts towards a device-wide lock after :data:`DEVICE_FREE_ATTEMPTS`
failures, so that guessing across names is slowed too. A successful sign-in resets the account's
counter and the device's. Attempts while locked are refused without looking at the PIN and are
not counted (nor audited: they change nothing).

Every change and every sign-in (and failure) is written to the audit log in the same transaction.
The UI must show the same words for ``wrong_pin`` and ``unknown``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import math
import secrets
import unicodedata
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any, Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.audit import AuditAction, AuditLog
from kiosk.db import Database
from kiosk.models import KioskState, StaffAccount, StaffRole
from kiosk.text import ZWNJ, normalize_persian, to_ascii_digits
from kiosk.timeutil import Clock, from_db, iso, to_db, utcnow

log = logging.getLogger("kiosk.staff")

PIN_MIN, PIN_MAX = 4, 8
NAME_MIN, NAME_MAX = 2, 40
_NAME_PUNCTUATION = frozenset(" .-_'" + ZWNJ)

# scrypt: n = 2**14, r = 8, p = 1 (16 MiB, tens of milliseconds), 16-byte salt, 32-byte key.
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
_MAX_SCRYPT_MEMORY = 256 * 1024 * 1024

FREE_ATTEMPTS: Final = 3  # failures on one account before the first delay
DEVICE_FREE_ATTEMPTS: Final = 10  # failures on the whole device before a device-wide delay
FIRST_DELAY_S: Final = 30
MAX_DELAY_S: Final = 3600
DEVICE_KEY: Final = "staff.sign_in"  # kiosk_state: the device-wide failure counter
UNKNOWN_ACTOR: Final = "(unknown)"  # audit actor of a sign-in with a name no account has

SignInReason = Literal["wrong_pin", "locked", "disabled", "unknown"]


class StaffError(ValueError):
    """Bad staff input (name, role, PIN), an unknown or duplicate account, or no permission."""


class SignInFailed(Exception):
    """A sign-in was refused. ``retry_after_s`` is how long until the next try is accepted."""

    def __init__(self, reason: SignInReason, retry_after_s: int = 0) -> None:
        self.reason: SignInReason = reason
        self.retry_after_s = retry_after_s
        wait = f"; try again in {retry_after_s} s" if retry_after_s else ""
        super().__init__(f"sign-in refused: {reason.replace('_', ' ')}{wait}")


@dataclass(frozen=True)
class StaffMember:
    """One account as the screens see it (never the PIN hash)."""

    name: str
    role: StaffRole
    created_at: dt.datetime
    disabled_at: dt.datetime | None
    last_sign_in_at: dt.datetime | None
    failed_attempts: int
    locked_until: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    @property
    def is_admin(self) -> bool:
        return self.role is StaffRole.ADMIN

    @property
    def staff_id(self) -> str:
        """What counter transactions store in ``staff_id``, and the audit log's actor."""
        return self.name

    @classmethod
    def from_row(cls, row: StaffAccount) -> StaffMember:
        return cls(
            name=row.name,
            role=StaffRole(row.role),
            created_at=row.created_at,
            disabled_at=row.disabled_at,
            last_sign_in_at=row.last_sign_in_at,
            failed_attempts=row.failed_attempts,
            locked_until=row.locked_until,
        )

    def to_json(self) -> dict[str, Any]:
        def when(value: dt.datetime | None) -> str | None:
            return None if value is None else iso(value)

        return {
            "name": self.name,
            "role": self.role.value,
            "active": self.active,
            "created_at": iso(self.created_at),
            "disabled_at": when(self.disabled_at),
            "last_sign_in_at": when(self.last_sign_in_at),
            "failed_attempts": self.failed_attempts,
            "locked_until": when(self.locked_until),
        }


# -- names and PINs --------------------------------------------------------------------------


def normalize_name(name: object) -> str:
    """The stored form of a staff name, or :class:`StaffError` saying what is wrong with it."""
    if not isinstance(name, str):
        raise StaffError("a staff name must be text")
    cleaned = " ".join(to_ascii_digits(normalize_persian(name)).split()).strip(ZWNJ + " ")
    if not NAME_MIN <= len(cleaned) <= NAME_MAX:
        raise StaffError(f"a staff name must be {NAME_MIN} to {NAME_MAX} characters long")
    if not unicodedata.category(cleaned[0]).startswith("L"):
        raise StaffError("a staff name must start with a letter")
    for char in cleaned:
        category = unicodedata.category(char)
        if not (
            category[0] in "LM" or (char.isascii() and char.isdigit()) or char in _NAME_PUNCTUATION
        ):
            shown = repr(char) if char.isprintable() else f"U+{ord(char):04X}"
            raise StaffError(
                f"a staff name may contain only letters, digits, spaces and . - _ ' (not {shown})"
            )
    return cleaned


def name_key(name: str) -> str:
    return name.casefold()


def normalize_pin(pin: object) -> str:
    """A PIN as ASCII digits; raises :class:`StaffError` unless it is 4 to 8 digits."""
    if not isinstance(pin, str):
        raise StaffError("a PIN must be text")
    digits = to_ascii_digits(pin.strip())
    if not (digits.isascii() and digits.isdigit() and PIN_MIN <= len(digits) <= PIN_MAX):
        raise StaffError(f"a PIN must be {PIN_MIN} to {PIN_MAX} digits")
    return digits


def check_new_pin(pin: object) -> str:
    """Like :func:`normalize_pin`, and refuse PINs anyone would guess first."""
    digits = normalize_pin(pin)
    steps = {int(b) - int(a) for a, b in pairwise(digits)}
    if len(set(digits)) == 1 or steps in ({1}, {-1}):
        raise StaffError("choose a PIN that is not one digit repeated or a run such as 1234")
    return digits


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def hash_pin(pin: str) -> str:
    """A new self-describing scrypt hash of ``pin`` (already normalised)."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(pin, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    return f"$scrypt$ln={SCRYPT_LOG2_N},r={SCRYPT_R},p={SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches ``stored``; a malformed ``stored`` never matches."""
    parsed = _parse_hash(stored)
    if parsed is None:
        log.error("a staff PIN hash in the database is malformed")
        return False
    log2_n, r, p, salt, expected = parsed
    key = _scrypt(pin, salt, log2_n, r, p, len(expected))
    return hmac.compare_digest(key, expected)


def needs_rehash(stored: str) -> bool:
    parsed = _parse_hash(stored)
    return parsed is None or parsed[:3] != (SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)


def _scrypt(pin: str, salt: bytes, log2_n: int, r: int, p: int, length: int) -> bytes:
    n = 1 << log2_n
    return hashlib.scrypt(
        pin.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=2 * 128 * r * (n + p + 2),
        dklen=length,
    )


def _parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        empty, scheme, params, salt_text, key_text = stored.split("$")
        if empty or scheme != "scrypt":
            return None
        values = dict(item.split("=", 1) for item in params.split(","))
        log2_n, r, p = int(values["ln"]), int(values["r"]), int(values["p"])
        salt, key = _unb64(salt_text), _unb64(key_text)
    except (ValueError, KeyError):
        return None
    if not (1 <= log2_n <= 20 and 1 <= r <= 32 and 1 <= p <= 16 and 16 <= len(key) <= 64):
        return None
    if 128 * r * (1 << log2_n) > _MAX_SCRYPT_MEMORY or len(salt) < 8:
        return None
    return log2_n, r, p, salt, key


@cache
def _dummy_hash() -> str:
    """A hash to check against when the name is unknown, so both take the same time."""
    return hash_pin(secrets.token_hex(4))


def lock_delay(failures: int, free: int = FREE_ATTEMPTS) -> int:
    """Seconds to wait after ``failures`` consecutive failures (0 while under ``free``)."""
    if failures < free:
        return 0
    return min(FIRST_DELAY_S << min(failures - free, 16), MAX_DELAY_S)


def _seconds_until(moment: dt.datetime | None, now: dt.datetime) -> int:
    if moment is None or moment <= now:
        return 0
    return max(1, math.ceil((moment - now).total_seconds()))


# -- the store -------------------------------------------------------------------------------


class StaffStore:
    """The staff accounts in ``db``; every change is audited in ``audit``."""

    def __init__(self, db: Database, audit: AuditLog, clock: Clock = utcnow) -> None:
        self.db = db
        self.audit = audit
        self.clock = clock

    # -- reading ---------------------------------------------------------------------------

    def list(self) -> list[StaffMember]:
        """Every account, active and disabled, by name."""
        with self.db.read() as session:
            rows = session.execute(select(StaffAccount).order_by(StaffAccount.name_key)).scalars()
            return [StaffMember.from_row(r) for r in rows]

    def get(self, name: str) -> StaffMember | None:
        """The account called ``name`` (any case, any letter forms), or ``None``."""
        try:
            key = name_key(normalize_name(name))
        except StaffError:
            return None
        with self.db.read() as session:
            row = _by_key(session, key)
            return None if row is None else StaffMember.from_row(row)

    def has_admin(self) -> bool:
        """Whether an active admin exists (the first one is made with ``kiosk staff add``)."""
        return any(m.active and m.is_admin for m in self.list())

    # -- changes ---------------------------------------------------------------------------

    def add(self, name: str, role: StaffRole | str, pin: str, *, by: str) -> StaffMember:
        """Create an account. ``by`` is the admin's name or ``cli:<user>``."""
        clean = normalize_name(name)
        try:
            staff_role = StaffRole(role)
        except ValueError:
            raise StaffError(f"a role is 'clerk' or 'admin', not {role!r}") from None
        pin_hash = hash_pin(check_new_pin(pin))
        now = self.clock()
        with self.db.write() as session:
            _require_admin(session, by)
            if _by_key(session, name_key(clean)) is not None:
                raise StaffError(f"a staff account named {clean!r} already exists")
            row = StaffAccount(
                name=clean,
                name_key=name_key(clean),
                role=staff_role,
                pin_hash=pin_hash,
                failed_attempts=0,
                locked_until=None,
                last_sign_in_at=None,
                created_at=now,
                updated_at=now,
                disabled_at=None,
            )
            session.add(row)
            session.flush()
            self.audit.append(
                by, AuditAction.STAFF_ADDED, {"name": clean, "role": staff_role.value}, conn=session
            )
            member = StaffMember.from_row(row)
        log.info("staff account added (role %s)", staff_role.value)
        return member

    def disable(self, name: str, *, by: str) -> StaffMember:
        """Disable an account for good: it can no longer sign in (its name stays taken)."""
        now = self.clock()
        with self.db.write() as session:
            actor = _require_admin(session, by)
            row = _existing(session, name)
            if actor is not None and actor.name_key == row.name_key:
                raise StaffError("you cannot disable your own account")
            if row.disabled_at is not None:
                raise StaffError(f"the staff account {row.name!r} is already disabled")
            row.disabled_at = now
            row.updated_at = now
            session.flush()
            self.audit.append(by, AuditAction.STAFF_DISABLED, {"name": row.name}, conn=session)
            return StaffMember.from_row(row)

    def set_pin(self, name: str, pin: str, *, by: str) -> StaffMember:
        """Set a new PIN (by an admin, ``cli:<user>``, or the member themself); unlocks it."""
        pin_hash = hash_pin(check_new_pin(pin))
        now = self.clock()
        with self.db.write() as session:
            row = _existing(session, name)
            if not _is_self(by, row):
                _require_admin(session, by)
            row.pin_hash = pin_hash
            row.failed_attempts = 0
            row.locked_until = None
            row.updated_at = now
            session.flush()
            self.audit.append(by, AuditAction.PIN_CHANGED, {"name": row.name}, conn=session)
            return StaffMember.from_row(row)

    # -- signing in and out ----------------------------------------------------------------

    def authenticate(self, name: str, pin: str) -> StaffMember:
        """The account, if ``pin`` is its PIN; else :class:`SignInFailed` (audited).

        Takes tens of milliseconds (scrypt): call it off the UI thread.
        """
        try:
            key: str | None = name_key(normalize_name(name))
        except StaffError:
            key = None
        try:
            typed: str | None = normalize_pin(pin)
        except StaffError:
            typed = None
        failure: SignInFailed | None = None
        member: StaffMember | None = None
        with self.db.write() as session:
            now = self.clock()
            device = _device_state(session)
            device_wait = _seconds_until(device.locked_until, now)
            if device_wait:
                raise SignInFailed("locked", device_wait)
            row = None if key is None else _by_key(session, key)
            if row is None:
                verify_pin(typed or "0000", _dummy_hash())
                wait = self._device_failure(session, device, now)
                self.audit.append(
                    UNKNOWN_ACTOR,
                    AuditAction.SIGN_IN_FAILED,
                    {"reason": "unknown", "retry_after_s": wait},
                    conn=session,
                )
                failure = SignInFailed("unknown", wait)
            elif wait := _seconds_until(row.locked_until, now):
                raise SignInFailed("locked", wait)
            elif row.disabled_at is not None:
                wait = self._device_failure(session, device, now)
                self.audit.append(
                    row.name,
                    AuditAction.SIGN_IN_FAILED,
                    {"reason": "disabled", "retry_after_s": wait},
                    conn=session,
                )
                failure = SignInFailed("disabled", wait)
            elif typed is None or not verify_pin(typed, row.pin_hash):
                row.failed_attempts += 1
                own_wait = lock_delay(row.failed_attempts)
                row.locked_until = now + dt.timedelta(seconds=own_wait) if own_wait else None
                row.updated_at = now
                wait = max(own_wait, self._device_failure(session, device, now))
                self.audit.append(
                    row.name,
                    AuditAction.SIGN_IN_FAILED,
                    {
                        "reason": "wrong_pin",
                        "failures": row.failed_attempts,
                        "retry_after_s": wait,
                    },
                    conn=session,
                )
                failure = SignInFailed("wrong_pin", wait)
            else:
                if needs_rehash(row.pin_hash):
                    row.pin_hash = hash_pin(typed)
                row.failed_attempts = 0
                row.locked_until = None
                row.last_sign_in_at = now
                row.updated_at = now
                _save_device_state(session, _DeviceState(0, None), now)
                self.audit.append(
                    row.name, AuditAction.SIGN_IN, {"role": StaffRole(row.role).value}, conn=session
                )
                member = StaffMember.from_row(row)
        if failure is not None:
            log.warning("staff sign-in refused: %s", failure.reason)
            raise failure
        assert member is not None
        log.info("staff signed in (role %s)", member.role.value)
        return member

    def sign_out(self, member: StaffMember) -> None:
        self.audit.append(member.name, AuditAction.SIGN_OUT, {})

    def _device_failure(self, session: Session, device: _DeviceState, now: dt.datetime) -> int:
        failures = device.failures + 1
        wait = lock_delay(failures, DEVICE_FREE_ATTEMPTS)
        until = now + dt.timedelta(seconds=wait) if wait else None
        _save_device_state(session, _DeviceState(failures, until), now)
        return wait


# -- helpers on an open session --------------------------------------------------------------


@dataclass(frozen=True)
class _DeviceState:
    failures: int
    locked_until: dt.datetime | None


def _device_state(session: Session) -> _DeviceState:
    row = session.get(KioskState, DEVICE_KEY)
    value = row.value if row is not None else None
    if not isinstance(value, dict):
        return _DeviceState(0, None)
    until = value.get("locked_until")
    return _DeviceState(
        failures=int(value.get("failures", 0)),
        locked_until=from_db(until) if isinstance(until, str) else None,
    )


def _save_device_state(session: Session, state: _DeviceState, now: dt.datetime) -> None:
    value = {
        "failures": state.failures,
        "locked_until": None if state.locked_until is None else to_db(state.locked_until),
    }
    row = session.get(KioskState, DEVICE_KEY)
    if row is None:
        session.add(KioskState(key=DEVICE_KEY, value=value, updated_at=now))
    else:
        row.value = value
        row.updated_at = now


def _by_key(session: Session, key: str) -> StaffAccount | None:
    return session.execute(
        select(StaffAccount).where(StaffAccount.name_key == key)
    ).scalar_one_or_none()


def _existing(session: Session, name: str) -> StaffAccount:
    row = _by_key(session, name_key(normalize_name(name)))
    if row is None:
        raise StaffError(f"no staff account named {normalize_name(name)!r}")
    return row


def _is_self(by: str, row: StaffAccount) -> bool:
    try:
        return name_key(normalize_name(by)) == row.name_key
    except StaffError:
        return False


def _require_admin(session: Session, by: str) -> StaffAccount | None:
    """The acting admin's row; ``None`` for ``cli:<user>`` (whoever runs the CLI owns the data
    dir). Raises :class:`StaffError` for anyone else."""
    if by.startswith("cli:") and len(by) > 4:
        return None
    try:
        actor = _by_key(session, name_key(normalize_name(by)))
    except StaffError:
        actor = None
    if actor is None or actor.disabled_at is not None or actor.role != StaffRole.ADMIN:
        raise StaffError("only an admin can manage staff accounts")
    return actor
