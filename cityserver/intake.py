"""Storing citizen requests exactly once, however often and wherever they are pushed.

A transaction's UUID is the ``requests`` primary key. Rows go in with ``INSERT ... ON CONFLICT
DO NOTHING RETURNING id``, sorted by id (so two processes inserting the same rows take their locks
in the same order), and whatever did not go in is read back: a row with that id means
``duplicate``; no such row means another unique key refused it, which can only be a survey's
``survey_key`` (``already_answered``). Nothing is checked first and inserted second.

An id already stored answers ``duplicate`` before its answers are checked again, so a retry of an
accepted item is never refused because the catalog changed since.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from cityserver.catalogs import CatalogStore
from cityserver.db import insert_ignore, lock_cursor, next_values
from cityserver.models import Request, StatusEvent
from cityserver.validation import (
    Rejected,
    WireItem,
    check_answers,
    find_service,
    item_id,
    parse_item,
    survey_key,
)
from sync import protocol

log = logging.getLogger("cityserver.intake")

CHUNK: Final = 500  # ids per IN (...) query
REQUESTS: Final = cast(Table, Request.__table__)
STATUS_EVENTS: Final = cast(Table, StatusEvent.__table__)
ALREADY_ANSWERED: Final = Rejected(
    protocol.REJECT_ALREADY_ANSWERED, "this national code has already answered this survey"
)


@dataclass
class NewRow:
    """A request ready to insert, and where its result goes."""

    index: int
    values: dict[str, Any]


def _existing_refs(session: Session, ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        rows = session.execute(select(Request.id, Request.server_ref).where(Request.id.in_(chunk)))
        found.update({rid: ref for rid, ref in rows})
    return found


def insert_requests(session: Session, rows: list[dict[str, Any]], now: datetime) -> dict[str, str]:
    """Insert ``rows`` (without ``server_ref``) if new; {id: server_ref} of those that went in.

    Each new request also gets its first status event ("open"), which a kiosk pulls like any
    later status.
    """
    if not rows:
        return {}
    refs = next_values(session, "request_ref", len(rows))
    for row, ref in zip(rows, refs, strict=True):  # references in the batch's order
        row["server_ref"] = str(ref)
    ordered = sorted(rows, key=lambda r: r["id"])  # locks in one order in every process
    inserted_ids = set(
        session.execute(insert_ignore(session, Request).returning(REQUESTS.c.id), ordered).scalars()
    )
    if not inserted_ids:
        return {}
    inserted = [r for r in rows if r["id"] in inserted_ids]
    lock_cursor(session, "status_events")
    session.execute(
        insert(STATUS_EVENTS),
        [
            {
                "request_id": r["id"],
                "kiosk_id": r["kiosk_id"],
                "status": protocol.STATUS_OPEN,
                "note": "",
                "changed_at": now,
            }
            for r in inserted
        ],
    )
    return {r["id"]: r["server_ref"] for r in inserted}


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


def process_batch(
    session: Session,
    catalogs: CatalogStore,
    kiosk_id: str,
    raw_items: Sequence[object],
    now: datetime,
) -> list[protocol.ItemResult]:
    """One result per item, in order: accepted (new), duplicate (stored before) or rejected."""
    results: list[protocol.ItemResult | None] = [None] * len(raw_items)
    first_at: dict[str, int] = {}
    repeats: list[tuple[int, str]] = []
    parsed: list[tuple[int, WireItem]] = []
    for i, raw in enumerate(raw_items):
        try:
            item = parse_item(raw)
        except Rejected as exc:
            results[i] = _rejected(item_id(raw), exc)
            continue
        if item.id in first_at:
            repeats.append((i, item.id))
        else:
            first_at[item.id] = i
            parsed.append((i, item))
    known = _existing_refs(session, [item.id for _i, item in parsed])
    current = catalogs.current(session)
    new_rows: list[NewRow] = []
    batch_keys: set[str] = set()
    for i, item in parsed:
        if item.id in known:
            results[i] = {"id": item.id, "status": protocol.DUPLICATE, "server_ref": known[item.id]}
            continue
        try:
            catalog, service = find_service(
                catalogs.for_item(session, item.catalog_version, current), item.service_code
            )
            answers = check_answers(catalog, service, item.answers, item.created_at.date())
        except Rejected as exc:
            results[i] = _rejected(item.id, exc)
            log.info("rejected %s: %s", item.id, exc.reason)
            continue
        key = survey_key(service, answers)
        if key is not None and key in batch_keys:  # rows go in sorted by id: decide order here
            results[i] = _rejected(item.id, ALREADY_ANSWERED)
            continue
        if key is not None:
            batch_keys.add(key)
        new_rows.append(NewRow(i, row_values(item, kiosk_id, answers, key, now)))
    inserted = insert_requests(session, [r.values for r in new_rows], now)
    lost = [r for r in new_rows if r.values["id"] not in inserted]
    stored = _existing_refs(session, [r.values["id"] for r in lost])
    for row in new_rows:
        rid = row.values["id"]
        if rid in inserted:
            results[row.index] = {
                "id": rid,
                "status": protocol.ACCEPTED,
                "server_ref": inserted[rid],
            }
        elif rid in stored:  # another process stored it a moment ago
            results[row.index] = {
                "id": rid,
                "status": protocol.DUPLICATE,
                "server_ref": stored[rid],
            }
        else:
            results[row.index] = _rejected(rid, ALREADY_ANSWERED)
    for i, rid in repeats:
        earlier = results[first_at[rid]]
        assert earlier is not None
        repeat = protocol.ItemResult(**earlier)
        if repeat["status"] != protocol.REJECTED:
            repeat["status"] = protocol.DUPLICATE  # the first copy was stored: this one is not
        results[i] = repeat
    done = [r for r in results if r is not None]
    assert len(done) == len(raw_items)
    return done


def _rejected(rid: str, exc: Rejected) -> protocol.ItemResult:
    return {"id": rid, "status": protocol.REJECTED, "reason": exc.reason, "message": exc.message}
