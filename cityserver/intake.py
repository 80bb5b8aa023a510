"""Storing citizen requests exactly once, however often and wherever they are pushed.

A transaction's UUID is the ``requests`` primary key. Rows go in with ``INSERT ... ON CONFLICT
DO NOTHING RETURNING id``, sorted by id (so two processes inserting the same rows take their locks
in the same order), and whatever did not go in is read back: a row with that id means
``duplicate``; no such row means another unique key refused it: the tracking code (another
request has it: ``tracking_code_taken``) or a survey's ``survey_key`` (``already_answered``).
Nothing is checked first and inserted second.

Before that, each item's claims are checked against the kiosk that signed the batch
(:func:`cityserver.validation.check_claims`): its kiosk number is the signer's, its tracking
code the one its number and seq make. Comparisons of values already in hand: no query.

An item whose id is already stored answers ``duplicate`` whatever its answers: an item refused by
the checks (its service gone from the catalog, say) is looked up too, so a retry of an accepted
item is never refused because the catalog changed since. New items, the common case, cost no
read at all: only the ids that did not go in, and the refused ones, are read back.

Intake writes no status event: the push answer tells the kiosk that the city has the request,
and status events are the changes the city makes after that.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from cityserver.auth import KioskIdentity
from cityserver.catalogs import CatalogStore
from cityserver.db import insert_ignore_returning, next_values
from cityserver.models import Request
from cityserver.validation import (
    Rejected,
    WireItem,
    check_answers,
    check_claims,
    find_service,
    item_id,
    parse_item,
    survey_key,
)
from kiosk.catalog import Catalog
from sync import protocol

log = logging.getLogger("cityserver.intake")

CHUNK: Final = 500  # ids per IN (...) query
REQUESTS: Final = cast(Table, Request.__table__)
ALREADY_ANSWERED: Final = Rejected(
    protocol.REJECT_ALREADY_ANSWERED, "this national code has already answered this survey"
)
CODE_TAKEN: Final = Rejected(
    protocol.REJECT_TRACKING_CODE_TAKEN,
    "another request already has this tracking code (this kiosk number and seq): a kiosk never "
    "issues a code twice; was an older copy of the kiosk's queue put back?",
)


def _existing_refs(session: Session, ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        rows = session.execute(select(Request.id, Request.server_ref).where(Request.id.in_(chunk)))
        found.update({rid: ref for rid, ref in rows})
    return found


def _taken_codes(session: Session, codes: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), CHUNK):
        chunk = list(codes[start : start + CHUNK])
        query = select(Request.tracking_code).where(Request.tracking_code.in_(chunk))
        found.update(session.execute(query).scalars())
    return found


def insert_requests(session: Session, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Insert ``rows`` (without ``server_ref``) if new; {id: server_ref} of those that went in.

    Every row draws its reference first; one that does not go in leaves a gap in the sequence.
    """
    if not rows:
        return {}
    refs = next_values(session, "request_ref", len(rows))
    for row, ref in zip(rows, refs, strict=True):  # references in the batch's order
        row["server_ref"] = str(ref)
    ordered = sorted(rows, key=lambda r: r["id"])  # locks in one order in every process
    inserted_ids = set(insert_ignore_returning(session, REQUESTS, ordered, "id"))
    return {r["id"]: r["server_ref"] for r in rows if r["id"] in inserted_ids}


def row_values(
    item: WireItem, kiosk_id: str, answers: dict[str, Any], key: str | None, now: datetime
) -> dict[str, Any]:
    return {
        "id": item.id,
        "kiosk_id": kiosk_id,
        "kiosk_number": item.kiosk_number,
        "kiosk_seq": item.seq,
        "tracking_code": item.tracking_code,
        "service_code": item.service_code,
        "catalog_version": item.catalog_version,
        "answers": answers,
        "lang": item.lang,
        "created_at": item.created_at,
        "received_at": now,
        "channel": item.channel,
        "staff_id": item.staff_id,
        "replaces_id": item.replaces_id,
        "status": protocol.STATUS_OPEN,
        "status_note": "",
        "status_changed_at": now,
        "survey_key": key,
        "open311": None,
    }


@dataclass
class CheckedBatch:
    """A batch after the checks, before the database: what to insert and what to look up."""

    size: int
    malformed: dict[int, protocol.ItemResult] = field(default_factory=dict)
    first_at: dict[str, int] = field(default_factory=dict)  # id -> index of its first copy
    repeats: list[tuple[int, str]] = field(default_factory=list)  # later copies of an id
    new_rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    refused: list[tuple[int, str, Rejected]] = field(default_factory=list)  # unless stored


def check_batch(
    session: Session,
    catalogs: CatalogStore,
    kiosk: KioskIdentity,
    raw_items: Sequence[object],
    now: datetime,
) -> CheckedBatch:
    """Check every item's shape, its claims about the kiosk, its service and its answers
    (reading only the catalogs).

    Run it outside the write transaction: the checks are most of a push's work, and SQLite
    has one writer at a time.
    """
    checked = CheckedBatch(len(raw_items))
    first_at = checked.first_at
    batch_keys: set[str] = set()
    batch_codes: set[str] = set()
    current = catalogs.current(session)
    by_version: dict[str, list[Catalog]] = {}
    for i, raw in enumerate(raw_items):
        try:
            item = parse_item(raw)
        except Rejected as exc:
            checked.malformed[i] = _rejected(item_id(raw), exc)
            continue
        if item.id in first_at:
            checked.repeats.append((i, item.id))
            continue
        first_at[item.id] = i
        try:
            check_claims(item, kiosk.number)
            if item.tracking_code in batch_codes:  # two ids, one code: the first one wins
                raise CODE_TAKEN
            batch_codes.add(item.tracking_code)
            candidates = by_version.get(item.catalog_version)
            if candidates is None:
                candidates = catalogs.for_item(session, item.catalog_version, current)
                by_version[item.catalog_version] = candidates
            catalog, service = find_service(candidates, item.service_code)
            answers = check_answers(catalog, service, item.answers, item.created_at.date())
        except Rejected as exc:
            checked.refused.append((i, item.id, exc))
            continue
        key = survey_key(service, answers)
        if key is not None:
            if key in batch_keys:  # rows go in sorted by id: decide the order here
                checked.refused.append((i, item.id, ALREADY_ANSWERED))
                continue
            batch_keys.add(key)
        checked.new_rows.append((i, row_values(item, kiosk.id, answers, key, now)))
    return checked


def store_batch(session: Session, checked: CheckedBatch) -> list[protocol.ItemResult]:
    """Insert the new rows and answer each item, in order (in the write transaction)."""
    results: list[protocol.ItemResult | None] = [None] * checked.size
    for i, result in checked.malformed.items():
        results[i] = result
    new_rows = checked.new_rows
    inserted = insert_requests(session, [values for _i, values in new_rows])
    lost = [values["id"] for _i, values in new_rows if values["id"] not in inserted]
    stored = _existing_refs(session, lost + [rid for _i, rid, _why in checked.refused])
    # A new row that did not go in, under an id not stored: another unique key refused it,
    # its tracking code or its survey key (one query, and only when that happened at all).
    refused_by_key = set(lost).difference(stored)
    unexplained = [v["tracking_code"] for _i, v in new_rows if v["id"] in refused_by_key]
    taken = _taken_codes(session, unexplained) if unexplained else set()
    for i, values in new_rows:
        rid = values["id"]
        if rid in inserted:
            results[i] = {"id": rid, "status": protocol.ACCEPTED, "server_ref": inserted[rid]}
        elif rid in stored:  # stored before, or by another process a moment ago
            results[i] = {"id": rid, "status": protocol.DUPLICATE, "server_ref": stored[rid]}
        else:
            why = CODE_TAKEN if values["tracking_code"] in taken else ALREADY_ANSWERED
            results[i] = _rejected(rid, why)
            log.info("rejected %s: %s", rid, why.reason)
    for i, rid, why in checked.refused:
        if rid in stored:
            results[i] = {"id": rid, "status": protocol.DUPLICATE, "server_ref": stored[rid]}
        else:
            results[i] = _rejected(rid, why)
            log.info("rejected %s: %s", rid, why.reason)
    for i, rid in checked.repeats:
        earlier = results[checked.first_at[rid]]
        assert earlier is not None
        repeat = protocol.ItemResult(**earlier)
        if repeat["status"] != protocol.REJECTED:
            repeat["status"] = protocol.DUPLICATE  # the first copy was stored: this one is not
        results[i] = repeat
    done = [r for r in results if r is not None]
    assert len(done) == checked.size
    return done


def process_batch(
    session: Session,
    catalogs: CatalogStore,
    kiosk: KioskIdentity,
    raw_items: Sequence[object],
    now: datetime,
) -> list[protocol.ItemResult]:
    """One result per item, in order: accepted (new), duplicate (stored before) or rejected."""
    return store_batch(session, check_batch(session, catalogs, kiosk, raw_items, now))


def _rejected(rid: str, exc: Rejected) -> protocol.ItemResult:
    return {"id": rid, "status": protocol.REJECTED, "reason": exc.reason, "message": exc.message}
