"""Card payments against a real terminal simulator process (``kiosk terminal-sim``) on loopback,
through the real Sadad adapter; the kiosk's side on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from kiosk.db import Database
from kiosk.payments.paid_bills import CityPaidBills
from kiosk.payments.service import Payments
from kiosk.payments.store import PaymentStore
from sync.terminals.simulated import SimulatorTerminal

ROOT = Path(__file__).resolve().parents[2]
BILL = ("7748317800142", "1770160")  # landline, 17,000 rials (PRODUCT.md)
WATER = ("2050327604613", "1070189")  # water, 10,000 rials
OTHER = ("1117753200140", "12070160")  # 120,000 rials
RESPONSE_TIMEOUT_S = 2.0  # the terminal's own time for one payment, in these tests
GRACE_S = 0.5


@dataclass
class Sim:
    """A running ``kiosk terminal-sim`` and its controls."""

    process: subprocess.Popen[str]
    url: str
    ledger_path: Path
    http: requests.Session = field(default_factory=requests.Session)

    def script(self, *lines: str, replace: bool = False) -> None:
        key = "replace" if replace else "add"
        answer = self.http.post(f"{self.url}/sim/script", json={key: list(lines)}, timeout=5)
        assert answer.status_code == 200, answer.text

    def offline(self, value: bool = True) -> None:
        self.http.post(f"{self.url}/sim/offline", json={"offline": value}, timeout=5)

    def state(self) -> dict[str, Any]:
        return dict(self.http.get(f"{self.url}/sim/state", timeout=5).json())

    def ledger(self) -> list[dict[str, Any]]:
        if not self.ledger_path.exists():
            return []
        return list(json.loads(self.ledger_path.read_text(encoding="utf-8")))

    def requests_to(self, path: str) -> int:
        return int(self.state()["requests"].get(path, 0))

    def stop(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_sim(ledger: Path, *extra: str, port: int = 0) -> Sim:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "terminal-sim", "--port", str(port), "--ledger",
         str(ledger), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("terminal simulator at "), line
    url = line.split(" at ", 1)[1].split(",", 1)[0]
    return Sim(process, url, ledger)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Sim]:
    s = start_sim(tmp_path / "ledger.json")
    yield s
    s.stop()


def terminal_for(sim: Sim) -> SimulatorTerminal:
    return SimulatorTerminal(
        sim.url, response_timeout_s=RESPONSE_TIMEOUT_S, status_timeout_s=RESPONSE_TIMEOUT_S
    )


@pytest.fixture
def terminal(sim: Sim) -> Iterator[SimulatorTerminal]:
    t = terminal_for(sim)
    yield t
    t.close()


@pytest.fixture
def store(db: Database) -> PaymentStore:
    return PaymentStore(db)


def payments_for(db: Database, terminal: SimulatorTerminal, lock_dir: Path) -> Payments:
    return Payments(
        PaymentStore(db),
        terminal,
        lock_dir=lock_dir,
        city=CityPaidBills(db),
        kiosk_number=lambda: 7,
        grace_s=GRACE_S,
        poll_s=0.05,
    )


@pytest.fixture
def payments(db: Database, terminal: SimulatorTerminal, tmp_path: Path) -> Payments:
    return payments_for(db, terminal, tmp_path)
