"""The benchmarks keep working: each runs with tiny parameters and ends with its JSON line.

No timing is asserted here (a loaded CI machine would make that flaky); the benches themselves
report against their targets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("script", "args"),
    [
        ("enqueue.py", ["--n", "20", "--rounds", "2"]),
        ("startup.py", ["--runs", "1"]),
        ("ui_latency.py", ["--repeat", "2", "--warmup", "0"]),
    ],
)
def test_bench_ends_with_json_and_a_ratio(script: str, args: list[str]) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) >= 2, done.stdout  # human lines first, then the JSON
    result = json.loads(lines[-1])
    assert isinstance(result, dict)
    assert isinstance(result["ratio"], int | float)
    assert not isinstance(result["ratio"], bool)
    assert result["ratio"] > 0
