"""A real city server for sync tests: ``cityserver run`` in a subprocess on loopback.

The server runs on SQLite, and on PostgreSQL too when ``TEST_POSTGRES_URL`` is set (``.ci/run``
sets it): each test gets a fresh PostgreSQL database of its own.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import Settings
from kiosk.core import Core, open_core
from kiosk.state import Enrollment
from kiosk.timeutil import utcnow
from sync.client import SyncClient, SyncError
from sync.engine import SyncEngine

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("TEST_POSTGRES_URL", "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One database, and a server process on it that can be stopped, killed and restarted."""

    def __init__(self, db_url: str, log_dir: Path, port: int | None = None) -> None:
        self.db_url = db_url
        self.port = port or free_port()
        self.log_dir = log_dir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "cityserver", "--db", self.db_url, *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
            env=_env(),
        )
        assert result.returncode == 0, f"cityserver {args}: {result.stderr}"
        return result.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.cli(*args, "--json"))

    def start(self) -> Server:
        log = (self.log_dir / f"server-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cityserver",
                "--db",
                self.db_url,
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=_env(),
        )
        log.close()
        client = SyncClient(self.url)
        deadline = time.monotonic() + 30
        try:
            while True:
                assert self.process.poll() is None, self.log()
                try:
                    client.server_time()
                    return self
                except SyncError:
                    assert time.monotonic() < deadline, "server did not start:\n" + self.log()
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.log_dir.glob("server-*.log"))

    def token(self) -> str:
        return str(self.json("token", "create", "--name", "test kiosk")["token"])

    def ids(self) -> Counter[str]:
        """Every request row's transaction id, read from the server's database itself."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.db_url)
        try:
            with engine.connect() as conn:
                return Counter(r[0] for r in conn.execute(text("SELECT id FROM requests")))
        finally:
            engine.dispose()

    def requests(self) -> list[dict[str, Any]]:
        data = self.json("requests", "list")
        return list(data if isinstance(data, list) else data["requests"])


def _env() -> dict[str, str]:
    return {
        k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "CITYSERVER_", "QT_"))
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cityserver.db'}"
        return
    if not PG_URL:
        pytest.skip("TEST_POSTGRES_URL is not set: the PostgreSQL path is not tested here")
    import psycopg

    name = f"kiosk_test_{uuid.uuid4().hex[:12]}"
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def server(server_db: str, tmp_path: Path) -> Iterator[Server]:
    logs = tmp_path / "server-logs"
    logs.mkdir()
    srv = Server(server_db, logs)
    srv.cli("migrate")
    srv.cli("catalog", "publish", str(ROOT / "assets" / "catalog" / "default.json"))
    srv.start()
    yield srv
    srv.stop()


def enroll(core: Core, server_url: str, token: str) -> Enrollment:
    client = SyncClient(server_url)
    try:
        reply = client.enroll(token, "test kiosk", "test", core.settings.station.number)
    finally:
        client.close()
    enrollment = Enrollment(
        server_url, reply["kiosk_id"], int(reply["kiosk_number"]), reply["secret"], utcnow()
    )
    core.state.save_enrollment(enrollment)
    core.queue.kiosk_number = enrollment.kiosk_number
    return enrollment


@pytest.fixture
def enrolled(settings: Settings, server: Server) -> Iterator[Core]:
    core = open_core(settings)
    enroll(core, server.url, server.token())
    yield core
    core.close()


def engine_for(core: Core, **kwargs: Any) -> SyncEngine:
    settings = core.settings
    return SyncEngine(
        core.queue, catalog_dir=settings.catalog_dir, data_dir=settings.data_dir, **kwargs
    )


REPORT = {
    "district": "6",
    "address": "خیابان کارگر شمالی، روبه‌روی پارک لاله",
    "problem_type": "off",
    "how_many": "several",
    "anonymous": "yes",
}
