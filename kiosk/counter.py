"""What a clerk does at the counter, as data: file, look up, void, resubmit, print and reprint,
the day's report.

Every one of these is audited under the clerk's name. Filings, voids and resubmissions are
written together with their audit entry in one write transaction; a lookup's entry says how the
clerk searched (by tracking code, national code, mobile or id) and what was found (the count and
the tracking codes), never the number searched for.
Only a transaction that is pending (not sent yet) or rejected (parked for staff) can be voided or
resubmitted; one the city acknowledged, or one in flight, cannot. Screens call these functions off
the UI thread; errors are :class:`CounterError` with one sentence for the clerk.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

from sqlalchemy import Connection, Table, func, or_, select, update

from kiosk import identifiers
from kiosk.audit import AuditAction, AuditLog
from kiosk.catalog import FieldType
from kiosk.i18n import check_language
from kiosk.jalali import JalaliDate, format_jalali
from kiosk.models import Channel, StaffAccount, Transaction, TxState
from kiosk.queue import Queue, QueuedTransaction
from kiosk.receipt import LOCAL_ZONE, Receipt, build_receipt, format_gregorian
from kiosk.staff import StaffError, StaffMember
from kiosk.text import normalize_persian, strip_isolates
from kiosk.timeutil import iso
from kiosk.tracking import InvalidTrackingCode, parse_tracking_code, redact_numbers

VOIDABLE: Final = frozenset({TxState.PENDING, TxState.REJECTED})
REASON_MAX = 200
LOOKUP_LIMIT = 50
_T = cast(Table, Transaction.__table__)
_FIELDS = tuple(QueuedTransaction.__dataclass_fields__)


class CounterError(ValueError):
    """A counter action that cannot be done, with one sentence saying why."""


class TransactionNotFound(CounterError):
    pass


class NotVoidable(CounterError):
    """The transaction is acknowledged, in flight or already voided."""


class InvalidLookup(CounterError):
    """The text is not a tracking code, national code, mobile number or id (it is not repeated
    in the message: it may be a citizen's number with a typo)."""


@dataclass(frozen=True)
class Resubmission:
    new: QueuedTransaction  # pending, channel counter, replaces_id = old.id
    old: QueuedTransaction  # voided, void_reason names the new tracking code


# -- lookup ----------------------------------------------------------------------------------


def lookup(
    queue: Queue,
    text: str,
    staff: StaffMember,
    audit: AuditLog,
    *,
    limit: int = LOOKUP_LIMIT,
) -> list[QueuedTransaction]:
    """Transactions by tracking code, national code or mobile number (or id), newest first;
    audited as ``staff``'s lookup.

    Persian, Arabic-Indic and ASCII digits, spaces and dashes are accepted. National codes and
    mobile numbers are searched in the answers to questions of those types; purged answers are
    gone, so a purged transaction is found by its tracking code only.
    """
    raw = text.strip() if isinstance(text, str) else ""
    if not raw:
        raise InvalidLookup("type a tracking code, a national code or a mobile number")
    kinds: list[str] = []
    conditions = []
    try:
        tx_id = str(uuid.UUID(raw))
    except ValueError:
        pass
    else:
        kinds.append("id")
        conditions.append(_T.c.id == tx_id)
    if not kinds:
        with contextlib.suppress(InvalidTrackingCode):
            conditions.append(_T.c.tracking_code == parse_tracking_code(raw).code)
            kinds.append("tracking_code")
        for kind, check in (
            (FieldType.NATIONAL_CODE, identifiers.national_code),
            (FieldType.MOBILE, identifiers.mobile),
        ):
            try:
                value = check(raw)
            except identifiers.InvalidIdentifier:
                continue
            kinds.append(kind.value)
            fields = {f.key for s in queue.catalog.services for f in s.fields if f.type is kind}
            keys = sorted(fields)
            conditions += [func.json_extract(_T.c.answers, f"$.{key}") == value for key in keys]
    if not kinds:
        raise InvalidLookup(
            "this is not a tracking code, a national code or a mobile number; check the digits"
        )
    found = _rows(queue, conditions, limit) if conditions else []
    audit.append(
        staff.staff_id,
        AuditAction.LOOKUP,
        {
            "by": kinds,
            "results": len(found),
            "tracking_codes": [tx.tracking_code for tx in found],
        },
    )
    return found


# -- filing for a citizen ----------------------------------------------------------------------


def file_request(
    queue: Queue,
    service_code: str,
    answers: Mapping[str, object],
    staff: StaffMember,
    audit: AuditLog,
    *,
    lang: str,
    today: dt.date | None = None,
) -> QueuedTransaction:
    """File ``answers`` for a citizen at the counter (channel counter, the clerk's staff id);
    the transaction and its audit entry commit together. Raises what
    :meth:`Queue.submit` raises, and ``StaffError`` for a disabled account."""
    with queue.db.write_core() as conn:
        _require_active(conn, staff)
        tx = queue.submit(
            service_code,
            answers,
            channel=Channel.COUNTER,
            staff_id=staff.staff_id,
            lang=lang,
            today=today,
            conn=conn,
        )
        audit.append(
            staff.staff_id,
            AuditAction.FILE,
            {"id": tx.id, "tracking_code": tx.tracking_code, "service": tx.service_code},
            conn=conn,
        )
    return tx


def _rows(queue: Queue, conditions: list[Any], limit: int) -> list[QueuedTransaction]:
    query = select(Transaction).where(or_(*conditions)).order_by(_T.c.seq.desc()).limit(limit)
    with queue.db.read() as session:
        return [QueuedTransaction.from_row(r) for r in session.execute(query).scalars()]


# -- void and resubmit -----------------------------------------------------------------------


def void(
    queue: Queue, tx_id: str, reason: str, staff: StaffMember, audit: AuditLog
) -> QueuedTransaction:
    """Void a pending or rejected transaction (it will never be sent); return it as voided.

    ``tx_id`` is the id or the tracking code. Long digit runs in ``reason`` are redacted.
    """
    clean_reason = _check_reason(reason)
    with queue.db.write_core() as conn:
        _require_active(conn, staff)
        old = _voidable(conn, tx_id, "void")
        voided = _void(conn, queue, old, clean_reason)
        audit.append(
            staff.staff_id,
            AuditAction.VOID,
            {
                "id": old.id,
                "tracking_code": old.tracking_code,
                "service": old.service_code,
                "from_state": old.state.value,
                "reason": clean_reason,
            },
            conn=conn,
        )
    return voided


def resubmit(
    queue: Queue,
    old_id: str,
    corrected_answers: Mapping[str, object],
    staff: StaffMember,
    audit: AuditLog,
    *,
    today: dt.date | None = None,
) -> Resubmission:
    """File ``corrected_answers`` as a new counter transaction replacing ``old_id``.

    The new one is validated like any submission (``ValidationFailed`` with per-field errors,
    ``NotQueued``, ``UnknownService``); the old one is voided with a reason naming the new
    tracking code. Both, and the audit entry, commit together or not at all.
    """
    with queue.db.write_core() as conn:
        _require_active(conn, staff)
        old = _voidable(conn, old_id, "resubmit")
        # void first, so a survey's one-answer-per-national-code check does not see the old one
        _void(conn, queue, old, "replaced")
        new = queue.submit(
            old.service_code,
            corrected_answers,
            channel=Channel.COUNTER,
            staff_id=staff.staff_id,
            lang=old.lang,
            today=today,
            replaces_id=old.id,
            conn=conn,
        )
        voided = _void(conn, queue, old, f"replaced by {new.display_code}", again=True)
        audit.append(
            staff.staff_id,
            AuditAction.RESUBMIT,
            {
                "id": new.id,
                "tracking_code": new.tracking_code,
                "replaces_id": old.id,
                "replaces_tracking_code": old.tracking_code,
                "service": old.service_code,
                "from_state": old.state.value,
            },
            conn=conn,
        )
    return Resubmission(new=new, old=voided)


def _check_reason(reason: str) -> str:
    if not isinstance(reason, str):
        raise CounterError("a reason must be text")
    cleaned = " ".join(redact_numbers(normalize_persian(reason)).split())
    if not cleaned:
        raise CounterError("give a reason for voiding the transaction")
    if len(cleaned) > REASON_MAX:
        raise CounterError(f"a reason can be at most {REASON_MAX} characters long")
    return cleaned


def _require_active(conn: Connection, staff: StaffMember) -> None:
    disabled = conn.execute(
        select(StaffAccount.disabled_at).where(StaffAccount.name == staff.name)
    ).first()
    if disabled is None:
        raise StaffError(f"no staff account named {staff.name!r}")
    if disabled[0] is not None:
        raise StaffError(f"the staff account {staff.name!r} is disabled")


def _find(conn: Connection, ref: str) -> QueuedTransaction | None:
    ref = ref.strip()
    try:
        condition = _T.c.id == str(uuid.UUID(ref))
    except ValueError:
        try:
            condition = _T.c.tracking_code == parse_tracking_code(ref).code
        except InvalidTrackingCode:
            return None
    row = conn.execute(select(_T).where(condition)).mappings().first()
    return None if row is None else QueuedTransaction(**{k: row[k] for k in _FIELDS})


def _voidable(conn: Connection, ref: str, what: str) -> QueuedTransaction:
    tx = _find(conn, ref)
    if tx is None:
        raise TransactionNotFound(f"no transaction with id or tracking code {ref.strip()!r}")
    if tx.state not in VOIDABLE:
        why = {
            TxState.ACKED: "the city server has already acknowledged it",
            TxState.IN_FLIGHT: "it is being sent right now; try again after the sync",
            TxState.VOIDED: "it is already voided",
        }[tx.state]
        raise NotVoidable(
            f"cannot {what} {tx.display_code}: {why} "
            "(only pending or rejected transactions can be voided or resubmitted)"
        )
    return tx


def _void(
    conn: Connection, queue: Queue, tx: QueuedTransaction, reason: str, *, again: bool = False
) -> QueuedTransaction:
    now = queue.clock()
    allowed = [TxState.VOIDED] if again else list(VOIDABLE)
    row = (
        conn.execute(
            update(_T)
            .where(_T.c.id == tx.id)
            .where(_T.c.state.in_(allowed))
            .values(
                state=TxState.VOIDED,
                void_reason=reason,
                voided_at=now,
                next_attempt_at=None,
                updated_at=now,
            )
            .returning(*_T.c)
        )
        .mappings()
        .first()
    )
    if row is None:  # pragma: no cover - the write lock is held since _voidable read it
        raise NotVoidable(f"cannot void {tx.display_code}: its state changed")
    return QueuedTransaction(**{k: row[k] for k in _FIELDS})


# -- reprint ---------------------------------------------------------------------------------


def print_receipt(
    queue: Queue,
    ref: str,
    staff: StaffMember,
    audit: AuditLog,
    *,
    lang: str,
    city: str,
    kiosk_name: str,
) -> Receipt:
    """The receipt of ``ref`` (id or tracking code) to print the first time, after filing;
    audited (``print``)."""
    return _receipt(queue, ref, staff, audit, lang, city, kiosk_name, reprint=False)


def reprint(
    queue: Queue,
    ref: str,
    staff: StaffMember,
    audit: AuditLog,
    *,
    lang: str,
    city: str,
    kiosk_name: str,
) -> Receipt:
    """The receipt of ``ref`` (id or tracking code) marked as a reprint; audited (``reprint``).

    A receipt holds no personal data, so this works after the privacy purge too.
    """
    return _receipt(queue, ref, staff, audit, lang, city, kiosk_name, reprint=True)


def _receipt(
    queue: Queue,
    ref: str,
    staff: StaffMember,
    audit: AuditLog,
    lang: str,
    city: str,
    kiosk_name: str,
    *,
    reprint: bool,
) -> Receipt:
    try:
        tx = queue.get(ref)
    except InvalidTrackingCode:
        tx = None
    if tx is None:
        raise TransactionNotFound(f"no transaction with id or tracking code {ref.strip()!r}")
    receipt = build_receipt(
        tx, queue.catalog, lang=lang, city=city, kiosk_name=kiosk_name, reprint=reprint
    )
    audit.append(
        staff.staff_id,
        AuditAction.REPRINT if reprint else AuditAction.PRINT,
        {"id": tx.id, "tracking_code": tx.tracking_code},
    )
    return receipt


# -- the day's report ------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    key: str  # service code, state, clerk's staff id or channel
    label: str  # service title in the report's language; the key for the others
    count: int


@dataclass(frozen=True)
class DayReport:
    """Transactions filed on one local (Asia/Tehran) day at this kiosk, counted."""

    day: dt.date
    day_label: str  # Jalali in Persian, Gregorian in English
    lang: str
    kiosk_number: int
    generated_at: dt.datetime
    total: int
    by_service: tuple[CountRow, ...]
    by_state: tuple[CountRow, ...]  # every state, zeros included, in TxState order
    by_channel: tuple[CountRow, ...]
    by_clerk: tuple[CountRow, ...]  # counter transactions per clerk

    def to_json(self) -> dict[str, Any]:
        def rows(items: Iterable[CountRow]) -> list[dict[str, Any]]:
            return [{"key": r.key, "label": r.label, "count": r.count} for r in items]

        return {
            "day": self.day.isoformat(),
            "day_label": self.day_label,
            "lang": self.lang,
            "kiosk_number": self.kiosk_number,
            "generated_at": iso(self.generated_at),
            "total": self.total,
            "by_service": rows(self.by_service),
            "by_state": rows(self.by_state),
            "by_channel": rows(self.by_channel),
            "by_clerk": rows(self.by_clerk),
        }

    def to_csv(self, labels: Mapping[str, str] | None = None) -> bytes:
        """The report as CSV in UTF-8 with a BOM (so Excel reads Persian), CRLF line ends.

        Columns: section, key, label, count. ``labels`` translates the words the core does not
        translate itself (column and section names, state and channel values), e.g. the UI's
        ``{"section": "بخش", "pending": "در انتظار ارسال", ...}``; missing ones stay English.
        """
        words = dict(labels or {})

        def word(key: str) -> str:
            return words.get(key, key)

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([word("section"), word("key"), word("label"), word("count")])
        writer.writerow([word("day"), self.day.isoformat(), _cell(self.day_label), ""])
        writer.writerow([word("kiosk"), f"{self.kiosk_number:04d}", "", ""])
        sections = (
            ("service", self.by_service, False),
            ("state", self.by_state, True),
            ("channel", self.by_channel, True),
            ("clerk", self.by_clerk, False),
        )
        for section, items, translated in sections:
            for r in items:
                label = word(r.key) if translated else r.label
                writer.writerow([word(section), _cell(r.key), _cell(label), r.count])
        writer.writerow([word("total"), "", "", self.total])
        return out.getvalue().encode("utf-8-sig")


def _cell(value: str) -> str:
    """A cell is data, not a paragraph: no bidi isolates (a spreadsheet lays out each cell on
    its own); and keep a spreadsheet from running a cell as a formula."""
    value = strip_isolates(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def day_report(queue: Queue, day: dt.date, lang: str) -> DayReport:
    """Counts of the transactions created on ``day`` (Asia/Tehran) per service, state, channel
    and clerk."""
    check_language(lang)
    start = dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_ZONE).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_ZONE).astimezone(
        dt.UTC
    )
    in_day = (_T.c.created_at >= start) & (_T.c.created_at < end)

    def grouped(column: Any, *extra: Any) -> list[tuple[Any, int]]:
        query = (
            select(column, func.count())
            .where(in_day, *extra)
            .group_by(column)
            .order_by(func.count().desc(), column)
        )
        with queue.db.read() as session:
            return [(key, int(n)) for key, n in session.execute(query).all()]

    services = grouped(_T.c.service_code)
    states = dict(grouped(_T.c.state))
    channels = dict(grouped(_T.c.channel))
    clerks = grouped(_T.c.staff_id, _T.c.channel == Channel.COUNTER)

    def title(code: str) -> str:
        service = next((s for s in queue.catalog.services if s.code == code), None)
        return code if service is None else service.title.get(lang)

    return DayReport(
        day=day,
        day_label=(
            format_jalali(JalaliDate.from_gregorian(day), lang)
            if lang == "fa"
            else format_gregorian(day, lang)
        ),
        lang=lang,
        kiosk_number=queue.kiosk_number,
        generated_at=queue.clock(),
        total=sum(n for _, n in services),
        by_service=tuple(CountRow(code, title(code), n) for code, n in services),
        by_state=tuple(CountRow(s.value, s.value, states.get(s, 0)) for s in TxState),
        by_channel=tuple(CountRow(c.value, c.value, channels.get(c, 0)) for c in Channel),
        by_clerk=tuple(CountRow(str(staff or "-"), str(staff or "-"), n) for staff, n in clerks),
    )


__all__ = [
    "CountRow",
    "CounterError",
    "DayReport",
    "InvalidLookup",
    "NotVoidable",
    "Resubmission",
    "TransactionNotFound",
    "day_report",
    "file_request",
    "lookup",
    "print_receipt",
    "reprint",
    "resubmit",
    "void",
]
