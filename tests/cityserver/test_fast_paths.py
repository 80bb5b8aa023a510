"""The push path's shortcuts give exactly what the general code gives.

Each shortcut skips work only when the result is known to be the input (a canonical UUID, text
with nothing to normalise, a datetime written as text) or writes the same rows another way
(:func:`cityserver.db.insert_ignore_returning`); these tests hold them to the general code.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import uuid
import weakref
from typing import Any

import pytest
from sqlalchemy import Table, delete, select
from sqlalchemy.exc import IntegrityError

from cityserver import db as dbmod
from cityserver.coltypes import db_text
from cityserver.db import Database, insert_ignore, insert_ignore_returning
from cityserver.intake import REQUESTS
from cityserver.models import Kiosk, Nonce, Request
from cityserver.validation import Rejected, canonical_uuid, parse_item
from kiosk import forms, jsonutil
from kiosk.text import normalize_persian
from kiosk.timeutil import to_db
from kiosk.tracking import make_tracking_code

NOW = dt.datetime(2026, 11, 27, 9, 0, 0, 123456, tzinfo=dt.UTC)
KIOSK_ID = "0190a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b"


# -- text, times, UUIDs ------------------------------------------------------------------------


def test_normalized_is_normalize_persian_for_every_character() -> None:
    """The shortcut trusts one regex of characters; any character it lets through unchanged
    must come back unchanged from normalize_persian too (so a new mapping there fails here)."""
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        assert forms.normalized(char) == normalize_persian(char), hex(code)


def test_normalized_is_normalize_persian_for_texts() -> None:
    pieces = [
        "خیابان کارگر شمالی، روبه‌روی پارک لاله",
        "Vali-Asr St",
        "ي",
        "ك",
        "\u200b",
        "\u200f",
        "\u200c",
        "e\u0301",  # decomposed: not NFC
        "\u0627\u0653",  # alef + madda: composes under NFC
        "\ufeff",
        " ",
        "۱۲۳",
    ]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        assert forms.normalized(text) == normalize_persian(text), repr(text)


def test_db_text_is_to_db() -> None:
    rng = random.Random(11)
    zones = [
        dt.UTC,
        dt.timezone(dt.timedelta(hours=3, minutes=30)),
        dt.timezone(-dt.timedelta(hours=11)),
    ]
    samples = [
        dt.datetime(1000, 1, 1, 0, 0, tzinfo=dt.UTC),
        dt.datetime(999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
        NOW,
        NOW.replace(microsecond=0),
    ]
    for _ in range(2000):
        seconds = rng.uniform(-2e10, 2e10)
        samples.append(dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds))
    for value in samples:
        for zone in zones:
            try:
                local = value.astimezone(zone)
            except OverflowError:
                continue
            assert db_text(local) == to_db(local), local


def test_json_columns_are_written_as_jsonutil_writes_them() -> None:
    values: list[Any] = [
        {"b": 1, "a": [True, None, 1.5, "خیابان"], "c": {"z": "\u200c", "y": ""}},
        [],
        "text",
        {"results": [{"id": "x", "status": "accepted", "server_ref": "1"}]},
    ]
    for value in values:
        assert dbmod.json_dumps(value) == jsonutil.dumps(value)


@pytest.mark.parametrize(
    "value",
    [
        "0190a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b",
        "0190A1B2-7C3D-7E4F-8A5B-6C7D8E9F0A1B",
        "{0190a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b}",
        "urn:uuid:0190a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b",
        "0190a1b27c3d7e4f8a5b6c7d8e9f0a1b",
    ],
)
def test_canonical_uuid_is_str_of_uuid(value: str) -> None:
    assert canonical_uuid(value, "id") == str(uuid.UUID(value))


def test_a_non_uuid_is_still_refused() -> None:
    with pytest.raises(Rejected, match="'id' is not a UUID"):
        canonical_uuid("0190a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1", "id")


def _item(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "tracking_code": make_tracking_code(7, 12),
        "kiosk_number": 7,
        "seq": 12,
        "service_code": "street-lights",
        "catalog_version": "2026.11.1",
        "answers": {},
        "lang": "fa",
        "created_at": "2026-11-27T08:30:00Z",
        "channel": "kiosk",
        "staff_id": None,
        "replaces_id": None,
    }
    item.update(changes)
    return item


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"seq": True}, "'seq' has the wrong type"),
        ({"kiosk_number": False, "seq": "1"}, "'kiosk_number' has the wrong type"),
        ({"lang": 1, "id": 5}, "'id' has the wrong type"),
        ({"staff_id": 3}, "'staff_id' has the wrong type"),
        ({"answers": []}, "'answers' has the wrong type"),
        ({"seq": 1.0}, "'seq' has the wrong type"),
    ],
)
def test_the_first_wrong_type_is_reported(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(Rejected) as caught:
        parse_item(_item(**changes))
    assert caught.value.message == message


def test_missing_fields_are_all_named() -> None:
    item = _item()
    del item["lang"], item["seq"]
    with pytest.raises(Rejected) as caught:
        parse_item(item)
    assert caught.value.message == "missing field(s): seq, lang"


def test_extra_fields_and_booleans_inside_answers_are_fine() -> None:
    parsed = parse_item(_item(answers={"anonymous": True}, extra=True))
    assert parsed.answers == {"anonymous": True} and parsed.kiosk_number == 7


# -- the bulk insert ------------------------------------------------------------------------


@pytest.fixture
def kiosk_row(database: Database) -> str:
    with database.write() as session:
        session.add(
            Kiosk(id=KIOSK_ID, number=7, name="Hall", secret="s", app_version="1", created_at=NOW)
        )
    return KIOSK_ID


def _request(i: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": str(uuid.UUID(int=i)),
        "kiosk_id": KIOSK_ID,
        "kiosk_number": 7,
        "kiosk_seq": 10**12 - i,  # needs a 64-bit column
        "tracking_code": make_tracking_code(7, i + 1),
        "service_code": "street-lights",
        "catalog_version": "2026.11.1",
        "answers": {"address": f"خیابان {i}", "n": i, "ok": i % 2 == 0, "list": ["b", "a"]},
        "lang": "fa",
        "created_at": NOW - dt.timedelta(minutes=i),
        "received_at": NOW,
        "channel": "kiosk",
        "staff_id": None if i % 3 else f"staff-{i}",
        "replaces_id": None,
        "status": "open",
        "status_note": "",
        "status_changed_at": NOW,
        "server_ref": str(1000 + i),
        "survey_key": None,
        "open311": None if i % 2 else {"lat": 35.7, "email": None},
    }
    row.update(changes)
    return row


def _stored(database: Database) -> list[dict[str, Any]]:
    with database.read() as session:
        return [
            {c.name: getattr(r, c.name) for c in REQUESTS.columns}
            for r in session.execute(select(Request).order_by(Request.id)).scalars()
        ]


def test_bulk_insert_stores_what_the_orm_insert_stores(database: Database, kiosk_row: str) -> None:
    rows = [_request(i) for i in range(1, 40)]
    with database.write() as session:
        core = set(
            session.execute(
                insert_ignore(session, Request).returning(REQUESTS.c.id), rows
            ).scalars()
        )
    by_core = _stored(database)
    if database.dialect == "sqlite":  # the very bytes, not only the values read back
        with database.read() as session:
            raw_core = (
                session.connection().exec_driver_sql("SELECT * FROM requests ORDER BY id").all()
            )
    with database.write() as session:
        session.execute(delete(Request))
    with database.write() as session:
        bulk = set(insert_ignore_returning(session, REQUESTS, rows, "id"))
    assert bulk == core == {r["id"] for r in rows}
    assert _stored(database) == by_core
    if database.dialect == "sqlite":
        with database.read() as session:
            raw_bulk = (
                session.connection().exec_driver_sql("SELECT * FROM requests ORDER BY id").all()
            )
        assert raw_bulk == raw_core


def test_bulk_insert_returns_only_the_rows_that_went_in(
    database: Database, kiosk_row: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.write() as session:
        assert insert_ignore_returning(session, REQUESTS, [_request(i) for i in (2, 4)], "id")
    # small statements, to cross statement boundaries; conflicts on the id and on server_ref
    monkeypatch.setattr(dbmod, "_BULK_PLANS", weakref.WeakKeyDictionary())
    monkeypatch.setattr(dbmod, "BULK_ROWS", 3)
    again = [_request(i, server_ref=str(2000 + i)) for i in range(1, 8)]
    again.append(_request(9, server_ref="1002"))  # the server_ref of row 2: refused too
    with database.write() as session:
        went_in = insert_ignore_returning(session, REQUESTS, again, "id")
    assert sorted(went_in) == sorted(str(uuid.UUID(int=i)) for i in (1, 3, 5, 6, 7))
    stored = {r["id"]: r["server_ref"] for r in _stored(database)}
    assert stored[str(uuid.UUID(int=2))] == "1002"  # untouched
    assert len(stored) == 7
    with database.write() as session:
        assert insert_ignore_returning(session, REQUESTS, [], "id") == []


def test_bulk_insert_of_one_column_and_other_constraints_still_fail(database: Database) -> None:
    table = Nonce.__table__
    assert isinstance(table, Table)
    with database.write() as session:
        # a table whose key is two columns, and a list of one row
        got = insert_ignore_returning(
            session, table, [{"kiosk_id": "k", "nonce": "n1", "expires_at": NOW}], "nonce"
        )
    assert got == ["n1"]
    with pytest.raises(IntegrityError), database.write() as session:  # not a conflict: an error
        insert_ignore_returning(session, REQUESTS, [_request(1, kiosk_id="no-such-kiosk")], "id")


def test_sqlite_statements_follow_its_variable_limit(
    database: Database, kiosk_row: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if database.dialect != "sqlite":
        pytest.skip("SQLite's limit on bound variables")
    monkeypatch.setattr(dbmod, "_BULK_PLANS", weakref.WeakKeyDictionary())
    rows = [_request(i) for i in range(1, 121)]
    with database.write() as session:
        raw = session.connection().connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)  # older SQLite's default
        assert len(insert_ignore_returning(session, REQUESTS, rows, "id")) == 120
        [plan] = dbmod._BULK_PLANS[database.engine.dialect].values()
        assert plan.rows_per_statement == 999 // len(rows[0])
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32766)
    assert len(_stored(database)) == 120
