"""Two real server processes share one database; the same transactions pushed to both at once
are stored exactly once each (the database's unique key decides, not the process)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from cityserver.db import Database
from cityserver.models import Request, StatusEvent
from sync import protocol
from tests.cityserver.conftest import SignedKiosk, enroll

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    def __init__(self, db_url: str, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cityserver",
                    "run",
                    "--db",
                    db_url,
                    "--port",
                    str(self.port),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}{protocol.PATH_TIME}", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)  # not up yet: poll again
        raise AssertionError(f"server not ready in {timeout_s} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def two_servers(db_url: str, tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    servers = (ServerProcess(db_url, tmp_path / "a.log"), ServerProcess(db_url, tmp_path / "b.log"))
    try:
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_the_same_transactions_pushed_to_two_processes_are_stored_once(
    two_servers: tuple[ServerProcess, ServerProcess], database: Database
) -> None:
    a, b = two_servers
    with (
        httpx.Client(base_url=a.url, timeout=60) as http_a,
        httpx.Client(base_url=b.url, timeout=60) as http_b,
    ):
        kiosk_a = enroll(http_a, database, None)
        kiosk_b = SignedKiosk(http_b, None, kiosk_a.kiosk_id, kiosk_a.number, kiosk_a.secret)
        items = [kiosk_a.transaction() for _ in range(240)]
        batches = [items[i : i + 40] for i in range(0, len(items), 40)]
        jobs: list[tuple[SignedKiosk, list[dict[str, Any]]]] = []
        for batch in batches:
            jobs += [(kiosk_a, batch), (kiosk_b, list(reversed(batch))), (kiosk_b, batch)]

        def push(job: tuple[SignedKiosk, list[dict[str, Any]]]) -> httpx.Response:
            kiosk, batch = job
            return kiosk.push(batch, key=str(uuid.uuid4()))

        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(push, jobs))
    assert [r.status_code for r in answers] == [200] * len(jobs), [
        r.text for r in answers if r.status_code != 200
    ]
    results = [item for r in answers for item in r.json()["results"]]
    assert {r["status"] for r in results} <= {"accepted", "duplicate"}
    accepted = Counter(r["id"] for r in results if r["status"] == "accepted")
    assert sorted(accepted) == sorted(t["id"] for t in items)
    assert set(accepted.values()) == {1}  # one process stored each; the others saw it there
    refs: dict[str, set[str]] = {}
    for r in results:
        refs.setdefault(r["id"], set()).add(r["server_ref"])
    assert all(len(v) == 1 for v in refs.values())
    with database.read() as session:
        stored = session.execute(select(func.count()).select_from(Request)).scalar_one()
        events = session.execute(select(func.count()).select_from(StatusEvent)).scalar_one()
        distinct = session.execute(select(func.count(func.distinct(Request.id)))).scalar_one()
    assert stored == distinct == len(items) and events == 0  # intake is not a status change
