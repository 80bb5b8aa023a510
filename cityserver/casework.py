"""The city's side of a request: find it, change its status, and the status feed kiosks pull.

Every status change is a ``status_events`` row; its integer ``seq`` (never a time) is the cursor
kiosks pull with, and :func:`cityserver.db.lock_cursor` keeps those rows committing in ``seq``
order across server processes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from cityserver.db import lock_cursor
from cityserver.models import Request, StatusEvent
from kiosk.timeutil import iso
from kiosk.tracking import InvalidTrackingCode, format_tracking_code, parse_tracking_code
from sync import protocol

DEFAULT_PAGE: Final = 500
MAX_PAGE: Final = 1000
MAX_NOTE: Final = 2000


class NoSuchRequest(LookupError):
    pass


def status_page(session: Session, kiosk_id: str, since: int, limit: int) -> protocol.StatusPage:
    """Status changes of this kiosk's requests after cursor ``since``, oldest first."""
    rows = session.execute(
        select(
            StatusEvent.seq,
            StatusEvent.request_id,
            Request.server_ref,
            StatusEvent.status,
            StatusEvent.note,
            StatusEvent.changed_at,
        )  # columns, not ORM objects: a page is read once and thrown away
        .join(Request, Request.id == StatusEvent.request_id)
        .where(StatusEvent.kiosk_id == kiosk_id)
        .where(StatusEvent.seq > since)
        .order_by(StatusEvent.seq)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    updates: list[protocol.StatusUpdate] = [
        {
            "id": request_id,
            "server_ref": ref,
            "status": status,
            "note": note,
            "changed_at": iso(changed_at),
        }
        for _seq, request_id, ref, status, note, changed_at in rows
    ]
    cursor = rows[-1][0] if rows else since
    return {"updates": updates, "cursor": cursor, "more": more}


def find_requests(session: Session, ref: str) -> list[Request]:
    """Requests by UUID, or by tracking code (unique: at most one request).

    Raises ``ValueError`` (from the tracking code parser) when ``ref`` is neither.
    """
    ref = ref.strip()
    try:
        rid = str(uuid.UUID(ref))
    except ValueError:
        code = parse_tracking_code(ref).code
        query = select(Request).where(Request.tracking_code == code).order_by(Request.received_at)
        return list(session.execute(query).scalars())
    row = session.get(Request, rid)
    return [] if row is None else [row]


def set_status(
    session: Session, request: Request, status: str, note: str, now: datetime
) -> StatusEvent:
    """Change a request's status and record the event that flows back to its kiosk."""
    if status not in protocol.STATUSES:
        raise ValueError(f"status must be one of {', '.join(protocol.STATUSES)}, got {status!r}")
    if len(note) > MAX_NOTE:
        raise ValueError(f"the note must be at most {MAX_NOTE} characters")
    request.status = status
    request.status_note = note
    request.status_changed_at = now
    session.flush()
    lock_cursor(session, "status_events")
    seq = session.execute(
        insert(StatusEvent)
        .values(
            request_id=request.id,
            kiosk_id=request.kiosk_id,
            status=status,
            note=note,
            changed_at=now,
        )
        .returning(StatusEvent.seq)
    ).scalar_one()
    return session.get_one(StatusEvent, seq)


def display_code(code: str) -> str:
    """The code grouped for people; a code set aside by a migration (``!REF``) as it is."""
    try:
        return format_tracking_code(code)
    except InvalidTrackingCode:
        return code


def list_query(status: str | None, limit: int) -> Select[Request]:
    query = select(Request).order_by(Request.received_at.desc(), Request.server_ref.desc())
    if status is not None:
        query = query.where(Request.status == status)
    return query.limit(limit)


def summary(request: Request, kiosk_name: str | None = None) -> dict[str, Any]:
    """A request for staff listings (no answers: they may be personal)."""
    return {
        "id": request.id,
        "tracking_code": request.tracking_code,
        "display_code": display_code(request.tracking_code),
        "server_ref": request.server_ref,
        "service_code": request.service_code,
        "channel": request.channel,
        "kiosk_number": request.kiosk_number,
        "kiosk_name": kiosk_name,
        "status": request.status,
        "status_note": request.status_note,
        "status_changed_at": iso(request.status_changed_at),
        "created_at": iso(request.created_at),
        "received_at": iso(request.received_at),
    }


def detail(
    request: Request, events: Sequence[StatusEvent], kiosk_name: str | None
) -> dict[str, Any]:
    return {
        **summary(request, kiosk_name),
        "catalog_version": request.catalog_version,
        "lang": request.lang,
        "staff_id": request.staff_id,
        "replaces_id": request.replaces_id,
        "answers": request.answers,
        "open311": request.open311,
        "history": [
            {"seq": e.seq, "status": e.status, "note": e.note, "changed_at": iso(e.changed_at)}
            for e in events
        ],
    }


def history(session: Session, request_id: str) -> list[StatusEvent]:
    return list(
        session.execute(
            select(StatusEvent)
            .where(StatusEvent.request_id == request_id)
            .order_by(StatusEvent.seq)
        ).scalars()
    )
