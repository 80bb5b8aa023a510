"""Fixtures of the city server's tests: a database on SQLite and (when configured) PostgreSQL,
the app over it with a clock the test controls, and a kiosk that signs its requests."""

from __future__ import annotations

import json
import os
import uuid
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from cityserver import kiosks
from cityserver.app import create_app
from cityserver.db import Database
from cityserver.settings import Settings, load_settings
from kiosk.tracking import make_tracking_code
from sync import protocol

with warnings.catch_warnings():
    # Starlette asks for the httpx2 package; httpx (what the dev extra installs) still works.
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

PG_ENV = "TEST_POSTGRES_URL"
START = datetime(2026, 11, 27, 9, 0, 0, tzinfo=UTC)
VALID_ANSWERS: dict[str, Any] = {
    "district": "2",
    "address": "Vali-Asr St, near Tajrish square",
    "problem_type": "off",
    "how_many": "one",
    "anonymous": True,
}


@pytest.fixture(autouse=True)
def _isolated_cityserver_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("CITYSERVER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CITYSERVER_DATA_DIR", str(tmp_path / "cityserver-data"))


def postgres_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    base = postgres_base_url()
    if base is None:
        pytest.skip(f"{PG_ENV} is not set: the PostgreSQL variant of this test is skipped")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'city.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    yield db
    db.close()


class FakeClock:
    """The server's clock, moved by the test."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return load_settings(db=db_url, environ={})


@pytest.fixture
def client(settings: Settings, database: Database, clock: FakeClock) -> Iterator[TestClient]:
    app = create_app(settings, db=database, clock=clock)
    with TestClient(app) as c:
        yield c


@dataclass
class SignedKiosk:
    """An enrolled kiosk that signs its requests with the server's time (like the sync engine)."""

    http: TestClient | httpx.Client
    clock: FakeClock | None
    kiosk_id: str
    number: int
    secret: str
    seq: int = 0
    offset: float = 0.0

    def timestamp(self) -> int:
        base = self.clock().timestamp() if self.clock is not None else datetime.now(UTC).timestamp()
        return int(base + self.offset)

    def headers(self, method: str, path: str, body: bytes = b"", query: str = "") -> dict[str, str]:
        target = protocol.canonical_target(path, query)
        return protocol.signed_headers(
            self.kiosk_id, self.secret, method, target, body, self.timestamp()
        )

    def get(self, path: str, query: str = "", **headers: str) -> httpx.Response:
        url = f"{path}?{query}" if query else path
        return self.http.get(url, headers={**self.headers("GET", path, query=query), **headers})

    def post(self, path: str, payload: object, **headers: str) -> httpx.Response:
        body = json.dumps(payload).encode()
        signed = self.headers("POST", path, body)
        return self.http.post(path, content=body, headers={**signed, **headers})

    def push(self, items: list[Any], key: str | None = None) -> httpx.Response:
        return self.post(
            protocol.PATH_TRANSACTIONS,
            {"transactions": items},
            **{protocol.H_IDEMPOTENCY: key or str(uuid.uuid4())},
        )

    def transaction(
        self, answers: Mapping[str, Any] | None = None, service: str = "street-lights", **extra: Any
    ) -> dict[str, Any]:
        self.seq += 1
        tx: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "tracking_code": make_tracking_code(self.number, self.seq),
            "kiosk_number": self.number,
            "seq": self.seq,
            "service_code": service,
            "catalog_version": "2026.11.1",
            "answers": dict(VALID_ANSWERS if answers is None else answers),
            "lang": "fa",
            "created_at": "2026-11-27T08:30:00Z",
            "channel": "kiosk",
            "staff_id": None,
            "replaces_id": None,
        }
        tx.update(extra)
        return tx


def new_token(db: Database, clock: FakeClock | None = None, hours: float = 24) -> str:
    now = clock() if clock is not None else datetime.now(UTC)
    with db.write() as session:
        return kiosks.create_token(session, "test kiosk", timedelta(hours=hours), now).token


def enroll(
    http: TestClient | httpx.Client, db: Database, clock: FakeClock | None, name: str = "Hall"
) -> SignedKiosk:
    token = new_token(db, clock)
    answer = http.post(
        protocol.PATH_ENROLL, json={"token": token, "name": name, "app_version": "0.1.0"}
    )
    assert answer.status_code == 200, answer.text
    data = answer.json()
    return SignedKiosk(http, clock, data["kiosk_id"], data["kiosk_number"], data["secret"])


@pytest.fixture
def kiosk(client: TestClient, database: Database, clock: FakeClock) -> SignedKiosk:
    return enroll(client, database, clock)
