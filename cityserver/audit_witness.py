"""The audit witness: the server's append-only copy of each kiosk's audit chain.

Each sync the kiosk sends the entries after the last one the server acknowledged
(``POST /api/v1/audit``) and, with its heartbeat, the head of its chain. The server recomputes
every hash with the kiosk's own function (:func:`kiosk.auditchain.entry_hash`) and stores only
entries that extend the chain it holds. Whatever does not is recorded as a divergence, with the
first entry where the kiosk's chain and the server's copy part, and never changes the copy:

* an entry already held that comes again with another hash (edited, re-hashed or reordered on
  the kiosk after it was synced); a resend of the same entry is harmless;
* a new entry that does not follow the last one held (an entry removed, the rest re-hashed);
* a heartbeat whose head is not the server's entry at that number, or is behind the server's
  last entry (entries removed from the end, or an older copy of ``queue.db`` put back).

``cityserver audit verify --kiosk N`` reads the divergences and re-checks the copy itself;
``cityserver kiosk list`` flags a diverged kiosk and counts its failed sign-ins.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from cityserver.errors import ApiError
from cityserver.models import AuditDivergence, AuditEntry, Kiosk
from kiosk.auditchain import GENESIS, Link, extends
from sync import protocol

SIGN_IN_FAILED: Final = "sign_in_failed"
_ENTRIES: Final = cast(Table, AuditEntry.__table__)
_HASH: Final = re.compile(r"[0-9a-f]{64}")
_LIMITS: Final = {"time": 40, "actor": 80, "action": 40}


def parse_entries(data: object) -> list[Link]:
    """The batch's entries, their shape checked (a malformed one is a 400: a client bug)."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ApiError(400, "bad_request", 'the body must be {"entries": [...]}')
    raw: list[object] = data["entries"]
    if len(raw) > protocol.MAX_AUDIT_BATCH:
        raise ApiError(
            413, "too_many_items", f"at most {protocol.MAX_AUDIT_BATCH} entries per batch"
        )
    links: list[Link] = []
    for i, item in enumerate(raw):
        where = f"entries[{i}]"
        if not isinstance(item, dict):
            raise ApiError(400, "bad_request", f"{where} must be an object")
        seq = item.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= 2**62:
            raise ApiError(400, "bad_request", f"{where}.seq must be a positive whole number")
        for key, limit in _LIMITS.items():
            value = item.get(key)
            if not isinstance(value, str) or not 0 < len(value) <= limit:
                raise ApiError(400, "bad_request", f"{where}.{key} must be 1-{limit} characters")
        for key in ("prev_hash", "hash"):
            if not isinstance(item.get(key), str) or not _HASH.fullmatch(item[key]):
                raise ApiError(400, "bad_request", f"{where}.{key} must be 64 hex digits")
        if not isinstance(item.get("details"), dict):
            raise ApiError(400, "bad_request", f"{where}.details must be an object")
        links.append(
            Link(
                seq,
                item["time"],
                item["actor"],
                item["action"],
                item["details"],
                item["prev_hash"],
                item["hash"],
            )
        )
    _occurred(links)  # every time must be readable, or the batch is malformed
    return links


def _occurred(links: Sequence[Link]) -> list[dt.datetime]:
    times = []
    for link in links:
        try:
            parsed = dt.datetime.fromisoformat(link.time)
            times.append(parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC))
        except ValueError:
            raise ApiError(
                400, "bad_request", f"entry {link.seq}: time {link.time!r} is not ISO 8601"
            ) from None
    return times


def _lock(session: Session, kiosk_id: str) -> None:
    """One batch per kiosk at a time (SQLite has one writer anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Kiosk.id).where(Kiosk.id == kiosk_id).with_for_update())


def _last(session: Session, kiosk_id: str) -> tuple[int, str]:
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.kiosk_id == kiosk_id)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


def _held(session: Session, kiosk_id: str, seqs: Sequence[int]) -> dict[int, str]:
    if not seqs:
        return {}
    rows = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.kiosk_id == kiosk_id)
        .where(AuditEntry.seq.in_(list(seqs)))
    )
    return {int(seq): str(digest) for seq, digest in rows}


@dataclass(frozen=True)
class Divergence:
    seq: int
    message: str
    kiosk_hash: str | None = None
    server_hash: str | None = None


def _record(
    session: Session, kiosk_id: str, found: Divergence, source: str, now: dt.datetime
) -> None:
    """Keep the divergence, unless it is the one recorded last (a kiosk sends it every sync)."""
    last = session.execute(
        select(AuditDivergence.seq, AuditDivergence.kiosk_hash)
        .where(AuditDivergence.kiosk_id == kiosk_id)
        .order_by(AuditDivergence.id.desc())
        .limit(1)
    ).first()
    if last is not None and (last[0], last[1]) == (found.seq, found.kiosk_hash):
        return
    session.add(
        AuditDivergence(
            kiosk_id=kiosk_id,
            seq=found.seq,
            kiosk_hash=found.kiosk_hash,
            server_hash=found.server_hash,
            source=source,
            message=found.message,
            detected_at=now,
        )
    )


def receive(
    session: Session, kiosk_id: str, links: Sequence[Link], now: dt.datetime
) -> protocol.AuditAnswer:
    """Append what extends the server's copy; record where the rest parts from it."""
    _lock(session, kiosk_id)
    last_seq, last_hash = _last(session, kiosk_id)
    known = [link for link in links if link.seq <= last_seq]
    fresh = [link for link in links if link.seq > last_seq]
    found: Divergence | None = None
    held = _held(session, kiosk_id, [link.seq for link in known])
    for link in known:  # a resend after a lost answer: the same entries, or a rewrite
        if held.get(link.seq) != link.hash:
            found = Divergence(
                link.seq,
                f"entry {link.seq} differs from the server's copy, which it had already "
                "received: it was edited, removed, reordered or re-hashed after it was synced",
                link.hash,
                held.get(link.seq),
            )
            break
    accepted: list[Link] = []
    if found is None:
        checked = extends(last_seq, last_hash, fresh)
        accepted = list(fresh[: checked.accepted])
        if checked.problem is not None and checked.seq is not None:
            bad = fresh[checked.accepted]
            found = Divergence(checked.seq, checked.problem, bad.hash, None)
    if accepted:
        times = _occurred(accepted)
        session.execute(
            _ENTRIES.insert(),
            [
                {
                    "kiosk_id": kiosk_id,
                    "seq": link.seq,
                    "time": link.time,
                    "occurred_at": when,
                    "actor": link.actor,
                    "action": link.action,
                    "details": dict(link.details),
                    "prev_hash": link.prev_hash,
                    "hash": link.hash,
                    "received_at": now,
                }
                for link, when in zip(accepted, times, strict=True)
            ],
        )
    if found is not None:
        _record(session, kiosk_id, found, "batch", now)
    return {
        "held_through": accepted[-1].seq if accepted else last_seq,
        "diverged": found is not None,
        "message": found.message if found is not None else None,
        "server_time": now.timestamp(),
    }


def check_head(session: Session, kiosk_id: str, head: protocol.AuditHead, now: dt.datetime) -> None:
    """The kiosk's head (from its heartbeat) against the server's copy."""
    last_seq, _last_hash = _last(session, kiosk_id)
    seq, digest = head["seq"], head["hash"]
    if seq > last_seq or last_seq == 0:
        return  # entries the server has not received yet
    held = _held(session, kiosk_id, [seq]).get(seq, GENESIS if seq == 0 else None)
    found: Divergence | None = None
    if held != digest:
        found = Divergence(
            max(seq, 1),
            f"the kiosk's audit chain ends at entry {seq} with another hash than the "
            "server's copy of that entry: the chain was rewritten on the kiosk",
            digest,
            held,
        )
    elif seq < last_seq:
        found = Divergence(
            seq + 1,
            f"the kiosk's audit chain ends at entry {seq}, but the server holds entries up to "
            f"{last_seq}: entries were removed on the kiosk (or an older copy of its database "
            "was put back)",
            None,
            _held(session, kiosk_id, [seq + 1]).get(seq + 1),
        )
    if found is not None:
        _record(session, kiosk_id, found, "heartbeat", now)


# -- what the city sees ------------------------------------------------------------------------


@dataclass(frozen=True)
class Witness:
    """One kiosk's audit state as the server knows it."""

    entries: int
    last_seq: int
    first_divergence: AuditDivergence | None
    sign_in_failures_1h: int
    sign_in_failures_24h: int


def first_divergence(session: Session, kiosk_id: str) -> AuditDivergence | None:
    return session.execute(
        select(AuditDivergence)
        .where(AuditDivergence.kiosk_id == kiosk_id)
        .order_by(AuditDivergence.seq, AuditDivergence.id)
        .limit(1)
    ).scalar_one_or_none()


def fleet(session: Session, now: dt.datetime) -> dict[str, Witness]:
    """Every kiosk's witness state, in a few queries (for ``kiosk list``)."""
    counts = {
        kid: (int(n), int(top or 0))
        for kid, n, top in session.execute(
            select(AuditEntry.kiosk_id, func.count(), func.max(AuditEntry.seq)).group_by(
                AuditEntry.kiosk_id
            )
        )
    }
    hour, day = now - dt.timedelta(hours=1), now - dt.timedelta(hours=24)
    failures: dict[str, tuple[int, int]] = {}
    rows = session.execute(
        select(AuditEntry.kiosk_id, AuditEntry.occurred_at)
        .where(AuditEntry.action == SIGN_IN_FAILED)
        .where(AuditEntry.occurred_at >= day)
    )
    for kid, when in rows:
        in_hour, in_day = failures.get(kid, (0, 0))
        failures[kid] = (in_hour + (when >= hour), in_day + 1)
    diverged = {
        d.kiosk_id: d
        for d in session.execute(
            select(AuditDivergence).order_by(AuditDivergence.seq.desc(), AuditDivergence.id.desc())
        ).scalars()
    }  # the last one written per kiosk is the one of the lowest seq: the first divergence
    kiosk_ids = set(counts) | set(failures) | set(diverged)
    return {
        kid: Witness(
            entries=counts.get(kid, (0, 0))[0],
            last_seq=counts.get(kid, (0, 0))[1],
            first_divergence=diverged.get(kid),
            sign_in_failures_1h=failures.get(kid, (0, 0))[0],
            sign_in_failures_24h=failures.get(kid, (0, 0))[1],
        )
        for kid in kiosk_ids
    }


def verify(session: Session, kiosk_id: str) -> list[str]:
    """Every problem with this kiosk's witnessed chain, first divergence first; empty if none.

    Besides the recorded divergences, the server's own copy is checked again, entry by entry
    (someone with access to the city's database could have changed it too).
    """
    problems: list[str] = []
    first = first_divergence(session, kiosk_id)
    if first is not None:
        problems.append(
            f"the kiosk's chain and the server's copy part at entry {first.seq} "
            f"(seen {first.detected_at.isoformat(timespec='seconds')} in a {first.source}): "
            f"{first.message}"
        )
    rows = session.execute(
        select(AuditEntry).where(AuditEntry.kiosk_id == kiosk_id).order_by(AuditEntry.seq)
    ).scalars()
    links = [Link(r.seq, r.time, r.actor, r.action, r.details, r.prev_hash, r.hash) for r in rows]
    own = extends(0, GENESIS, links)
    if own.problem is not None:
        problems.append(f"the server's own copy is damaged: {own.problem}")
    return problems


def count_entries(session: Session, kiosk_id: str) -> tuple[int, int]:
    row = session.execute(
        text("SELECT count(*), max(seq) FROM audit_entries WHERE kiosk_id = :k"), {"k": kiosk_id}
    ).one()
    return int(row[0]), int(row[1] or 0)
