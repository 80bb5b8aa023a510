"""Running ``kiosk`` as a process against a simulator, for the CLI and crash tests."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from tests.payments.conftest import ROOT

PAUSE_ENV = "MUNICIPAL_KIOSK_PAUSE_AT"


def kiosk_env(url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "QT_"))}
    env.pop(PAUSE_ENV, None)
    if url is not None:
        env.update(
            KIOSK_PAYMENT_KIND="simulator",
            KIOSK_PAYMENT_URL=url,
            KIOSK_PAYMENT_RESPONSE_TIMEOUT="2",
            KIOSK_PAYMENT_STATUS_TIMEOUT="1",
        )
    env.update(extra)
    return env


def run(data_dir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def start(data_dir: Path, env: dict[str, str], *args: str) -> Child:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    return Child(process)


class Child:
    """A ``kiosk`` process whose standard error is read line by line as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_line(self, text: str, timeout: float = 60.0) -> None:
        while True:
            line = self.lines.get(timeout=timeout)
            self.seen.append(line)
            if text in line:
                return

    def finish(self) -> tuple[int, str]:
        out, _ = self.process.communicate(timeout=120)
        self._reader.join(timeout=10)
        assert self.process.stderr is not None
        self.process.stderr.close()
        return self.process.returncode, out

    def kill(self) -> None:
        self.process.kill()
        self.finish()


def payments(data_dir: Path, env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    result = run(data_dir, env, "payments", "list", "--json", *args)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))
