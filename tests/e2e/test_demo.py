"""``kiosk demo``: a city server on loopback, the kiosk enrolled with it, the window painted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_demo_starts_a_server_enrolls_and_opens_the_kiosk(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "CITYSERVER_"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["TMPDIR"] = str(tmp_path)  # the demo's temporary folder, to check it is cleaned up
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "demo", "--quit-after-first-paint"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "city server: http://127.0.0.1:" in result.stdout
    assert "first paint after" in result.stdout
    assert list(tmp_path.glob("kiosk-demo-*")) == []  # the server and its data are gone
