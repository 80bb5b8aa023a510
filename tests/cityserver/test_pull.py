"""What kiosks pull (statuses by cursor, the catalog by ETag, announcements) and the heartbeat."""

from __future__ import annotations

import json

from sqlalchemy import select

from cityserver import announcements, casework, catalogs, kiosks
from cityserver.db import Database
from cityserver.models import Kiosk, Request
from sync import protocol
from tests.cityserver.conftest import FakeClock, SignedKiosk, TestClient, enroll


def set_status(db: Database, request_id: str, status: str, note: str, clock: FakeClock) -> None:
    with db.write() as session:
        casework.set_status(session, session.get_one(Request, request_id), status, note, clock())


def test_status_updates_page_by_cursor_and_only_for_this_kiosk(
    kiosk: SignedKiosk, client: TestClient, database: Database, clock: FakeClock
) -> None:
    other = enroll(client, database, clock, name="Other")
    mine = [kiosk.transaction() for _ in range(3)]
    kiosk.push(mine)
    other.push([theirs := other.transaction()])
    # intake is not a status change: the push answer told the kiosk the city has them
    assert kiosk.get(protocol.PATH_STATUSES, "since=0").json() == {
        "updates": [],
        "cursor": 0,
        "more": False,
    }
    clock.advance(hours=2)
    set_status(database, mine[1]["id"], "in_progress", "crew sent", clock)
    set_status(database, theirs["id"], "in_progress", "", clock)
    set_status(database, mine[2]["id"], "in_progress", "", clock)
    set_status(database, mine[1]["id"], "closed", "fixed", clock)

    page = kiosk.get(protocol.PATH_STATUSES, "since=0&limit=2").json()
    assert set(page) == set(protocol.StatusPage.__annotations__)
    assert [u["status"] for u in page["updates"]] == ["in_progress", "in_progress"]
    assert page["more"] is True
    seen = page["updates"]
    while page["more"]:
        page = kiosk.get(protocol.PATH_STATUSES, f"since={page['cursor']}&limit=2").json()
        seen += page["updates"]
    assert [(u["id"], u["status"]) for u in seen] == [
        (mine[1]["id"], "in_progress"),
        (mine[2]["id"], "in_progress"),
        (mine[1]["id"], "closed"),
    ]
    assert {u["server_ref"] for u in seen} == {
        r["server_ref"] for r in kiosk.push([mine[1], mine[2]]).json()["results"]
    }
    assert seen[-1]["note"] == "fixed"
    assert seen[-1]["changed_at"] == "2026-11-27T11:00:00Z"
    assert all(set(u) == set(protocol.StatusUpdate.__annotations__) for u in seen)
    # nothing new: the cursor stays
    last = kiosk.get(protocol.PATH_STATUSES, f"since={page['cursor']}").json()
    assert last == {"updates": [], "cursor": page["cursor"], "more": False}


def test_a_bad_cursor_is_400(kiosk: SignedKiosk) -> None:
    answer = kiosk.get(protocol.PATH_STATUSES, "since=-1")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad_request"


def test_catalog_by_etag(kiosk: SignedKiosk, database: Database, clock: FakeClock) -> None:
    answer = kiosk.get(protocol.PATH_CATALOG)
    assert answer.status_code == 200
    bundled = catalogs.bundled()
    assert answer.content == bundled.body
    assert answer.headers["ETag"] == f'"{bundled.digest}"'
    assert answer.headers[protocol.H_CATALOG_VERSION] == bundled.version
    same = kiosk.get(protocol.PATH_CATALOG, **{"If-None-Match": answer.headers["ETag"]})
    assert same.status_code == 304 and same.content == b""
    document = json.loads(bundled.body)
    document["version"] = "2027.1"
    raw = json.dumps(document, ensure_ascii=False).encode()
    with database.write() as session:
        catalogs.publish(session, raw, clock())
    newer = kiosk.get(protocol.PATH_CATALOG, **{"If-None-Match": answer.headers["ETag"]})
    assert newer.status_code == 200 and newer.content == raw
    assert newer.headers[protocol.H_CATALOG_VERSION] == "2027.1"
    weak = kiosk.get(protocol.PATH_CATALOG, **{"If-None-Match": f"W/{newer.headers['ETag']}"})
    assert weak.status_code == 304


def test_announcements_by_cursor_with_removals(
    kiosk: SignedKiosk, database: Database, clock: FakeClock
) -> None:
    with database.write() as session:
        first = announcements.add(
            session, {"fa": "ساعت کاری", "en": "Hours"}, {"fa": "۸ تا ۱۴", "en": "8 to 14"}, clock()
        )
        announcements.add(
            session, {"fa": "خبر", "en": "News"}, {"fa": "متن", "en": "Text"}, clock()
        )
        first_id = first.id
    page = kiosk.get(protocol.PATH_ANNOUNCEMENTS, "since=0").json()
    assert [a["title"]["en"] for a in page["announcements"]] == ["Hours", "News"]
    assert page["more"] is False
    assert set(page["announcements"][0]) == set(protocol.WireAnnouncement.__annotations__)
    cursor = page["cursor"]
    assert kiosk.get(protocol.PATH_ANNOUNCEMENTS, f"since={cursor}").json()["announcements"] == []
    with database.write() as session:
        announcements.remove(session, first_id)
    later = kiosk.get(protocol.PATH_ANNOUNCEMENTS, f"since={cursor}").json()
    assert [(a["id"], a["deleted"]) for a in later["announcements"]] == [(str(first_id), True)]
    assert later["cursor"] > cursor
    limited = kiosk.get(protocol.PATH_ANNOUNCEMENTS, "since=0&limit=1").json()
    assert len(limited["announcements"]) == 1 and limited["more"] is True


HEARTBEAT: protocol.Heartbeat = {
    "queue_depth": 7,
    "oldest_unsent_at": "2026-11-27T08:00:00Z",
    "last_sync_at": "2026-11-27T08:55:00Z",
    "last_error": "connection refused",
    "app_version": "0.2.0",
    "free_disk_bytes": 5_000_000_000,
    "printer_state": "ok",
    "catalog_version": "2026.11.1",
}


def test_heartbeat_is_stored_with_its_time(
    kiosk: SignedKiosk, database: Database, clock: FakeClock
) -> None:
    answer = kiosk.post(protocol.PATH_HEARTBEAT, HEARTBEAT)
    assert answer.status_code == 200
    assert answer.json() == {"server_time": clock().timestamp()}
    with database.read() as session:
        row = session.execute(select(Kiosk)).scalar_one()
        summary = kiosks.kiosk_summary(row)
    assert row.last_heartbeat == HEARTBEAT and row.last_heartbeat_at == clock()
    assert summary["queue_depth"] == 7 and summary["last_error"] == "connection refused"
    assert summary["app_version"] == "0.2.0"


def test_a_malformed_heartbeat_is_400(kiosk: SignedKiosk) -> None:
    answer = kiosk.post(protocol.PATH_HEARTBEAT, {**HEARTBEAT, "queue_depth": -1})
    assert answer.status_code == 400
    assert "queue_depth" in answer.json()["error"]["message"]
