"""The server believes no kiosk's claims: number, tracking code and seq are checked on intake,
and the database keeps tracking codes unique (issue 9, item 2)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from cityserver import casework, migrations
from cityserver.db import Database, make_engine
from cityserver.models import Request
from kiosk.timeutil import utcnow
from kiosk.tracking import make_tracking_code
from tests.cityserver.conftest import FakeClock, SignedKiosk, TestClient, enroll


def reasons(kiosk: SignedKiosk, items: list[dict[str, Any]]) -> list[str | None]:
    answer = kiosk.push(items)
    assert answer.status_code == 200, answer.text
    return [r.get("reason") or r["status"] for r in answer.json()["results"]]


def test_another_kiosks_number_and_next_code_are_refused(
    client: TestClient, kiosk: SignedKiosk, database: Database, clock: FakeClock
) -> None:
    victim = enroll(client, database, clock, name="Victim hall")
    # the attacker signs with its own credential but claims the victim's number and next code
    forged = kiosk.transaction(
        kiosk_number=victim.number, seq=1, tracking_code=make_tracking_code(victim.number, 1)
    )
    answer = kiosk.push([forged]).json()["results"][0]
    assert answer["status"] == "rejected" and answer["reason"] == "wrong_kiosk"
    assert f"signed by kiosk {kiosk.number}" in answer["message"]
    real = victim.transaction()
    assert real["tracking_code"] == forged["tracking_code"]
    assert reasons(victim, [real]) == ["accepted"]
    shown = client.get(f"/open311/v2/requests/{real['tracking_code']}.json").json()
    assert [r["service_request_id"] for r in shown] == [real["tracking_code"]]
    with database.write() as session:  # one request: "requests update CODE" is not ambiguous
        [row] = casework.find_requests(session, real["tracking_code"])
        assert row.id == real["id"] and row.kiosk_id == victim.kiosk_id


@pytest.mark.parametrize("number", [0, 9999])  # no kiosk; Open311 filings
def test_the_reserved_numbers_are_refused(kiosk: SignedKiosk, number: int) -> None:
    item = kiosk.transaction(kiosk_number=number, tracking_code=make_tracking_code(number, 5))
    answer = kiosk.push([item]).json()["results"][0]
    assert answer["reason"] == "reserved_number"
    assert f"{number:04d}" in answer["message"]


def test_a_code_that_disagrees_with_number_and_seq_is_refused(kiosk: SignedKiosk) -> None:
    other_seq = kiosk.transaction(tracking_code=make_tracking_code(kiosk.number, 999))
    other_number = kiosk.transaction(tracking_code=make_tracking_code(kiosk.number + 1, 1))
    results = kiosk.push([other_seq, other_number]).json()["results"]
    assert [r["reason"] for r in results] == ["wrong_tracking_code"] * 2
    expected = make_tracking_code(kiosk.number, other_seq["seq"])
    assert expected in results[0]["message"]


def test_a_seq_is_used_once(kiosk: SignedKiosk, database: Database) -> None:
    first = kiosk.transaction()
    again = {**kiosk.transaction(), "seq": first["seq"], "tracking_code": first["tracking_code"]}
    # in one batch: the first wins; in a later batch: the stored one wins
    assert reasons(kiosk, [first, again]) == ["accepted", "tracking_code_taken"]
    later = {**again, "id": str(uuid.uuid4())}
    assert reasons(kiosk, [later]) == ["tracking_code_taken"]
    assert reasons(kiosk, [first]) == ["duplicate"]  # a resend is still a duplicate
    with database.read() as session:
        stored = session.execute(select(Request.id)).scalars().all()
    assert stored == [first["id"]]


def test_the_database_keeps_tracking_codes_unique(kiosk: SignedKiosk, database: Database) -> None:
    item = kiosk.transaction()
    assert reasons(kiosk, [item]) == ["accepted"]
    with database.read() as session:
        row = session.get_one(Request, item["id"])
        values = {c.name: getattr(row, c.name) for c in Request.__table__.columns}
    values.update(id=str(uuid.uuid4()), server_ref="dup-1")
    with pytest.raises(IntegrityError), database.write() as session:
        session.execute(insert(Request).values(**values))


def _request_row(rid: str, kiosk_id: str | None, number: int, seq: int, code: str, ref: str,
                 received: str, channel: str = "kiosk") -> dict[str, Any]:  # fmt: skip
    return {
        "id": rid, "kiosk_id": kiosk_id, "kiosk_number": number, "kiosk_seq": seq,
        "tracking_code": code, "service_code": "street-lights", "catalog_version": "1",
        "answers": "{}", "lang": "fa", "created_at": received, "received_at": received,
        "channel": channel, "status": "open", "status_note": "", "status_changed_at": received,
        "server_ref": ref,
    }  # fmt: skip


def test_the_migration_sets_duplicate_codes_aside(db_url: str) -> None:
    """A version 1 database with forged duplicates: the rightful request keeps its code."""
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            table = migrations.version_table()
            table.create(conn)
            migrations.STEPS[0].apply(conn)
            conn.execute(table.insert().values(version=1, description="v1", applied_at=utcnow()))
            for kid, number in (("k-victim", 7), ("k-forger", 8)):
                conn.execute(
                    text(
                        "INSERT INTO kiosks (id, number, name, secret, app_version, created_at) "
                        "VALUES (:id, :n, 'k', 's', 'v', '2026-11-01 00:00:00.000000')"
                    ),
                    {"id": kid, "n": number},
                )
            code = make_tracking_code(7, 1)
            rows = [  # the forgery arrived first; a third copy is an Open311-shaped forgery
                _request_row("r-forged", "k-forger", 7, 1, code, "1", "2026-11-02 08:00:00.000000"),
                _request_row("r-real", "k-victim", 7, 1, code, "2", "2026-11-02 09:00:00.000000"),
                _request_row("r-other", None, 9999, 1, code, "3", "2026-11-02 10:00:00.000000",
                             "open311"),
            ]  # fmt: skip
            columns = ", ".join(rows[0])
            marks = ", ".join(f":{c}" for c in rows[0])
            conn.execute(text(f"INSERT INTO requests ({columns}) VALUES ({marks})"), rows)
        assert migrations.upgrade(engine) == [s.version for s in migrations.STEPS[1:]]
        with engine.connect() as conn:
            codes = dict(conn.execute(text("SELECT id, tracking_code FROM requests")).all())
        assert codes == {"r-real": code, "r-forged": "!1", "r-other": "!3"}
    finally:
        engine.dispose()
    db = Database(db_url)
    try:
        with db.read() as session:
            [found] = casework.find_requests(session, code)
            assert found.id == "r-real"
            aside = casework.summary(session.get_one(Request, "r-forged"))
        assert aside["display_code"] == "!1"
    finally:
        db.close()
