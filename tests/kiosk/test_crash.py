"""Power-cut safety: a child submits in a loop and is killed with SIGKILL at random moments.

After every kill: each submission whose ``submit`` returned is in the database, whole; no row is
half-written; the sequence has no holes or repeats; ``PRAGMA integrity_check`` is ok. Then the
next child carries on with the same file.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.tracking import make_tracking_code
from tests.conftest import MINI_CATALOG

ROUNDS = int(os.environ.get("TEST_CRASH_ROUNDS", "25"))

CHILD = """
import sys
from kiosk.catalog import load_catalog
from kiosk.db import Database
from kiosk.queue import Queue
db = Database(sys.argv[1])
queue = Queue(db, load_catalog(sys.argv[2]), kiosk_number=77)
print("ready", flush=True)
n = 0
while True:
    n += 1
    tx = queue.submit("street-lights", {"district": "1", "problem": "off",
                      "address": "کوچه " + str(n), "follow_up": "no"}, lang="fa")
    sys.stdout.write(f"{tx.id} {tx.tracking_code} {tx.seq}\\n")
    sys.stdout.flush()
"""


def run_child_and_kill(db_path: Path, rng: random.Random) -> list[tuple[str, str, int]]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), str(MINI_CATALOG)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert child.stdout is not None
    ready = child.stdout.readline()
    assert ready == "ready\n", child.stderr.read() if child.stderr else ready
    time.sleep(rng.uniform(0.0, 0.4))
    child.send_signal(signal.SIGKILL)
    out, _err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    confirmed = []
    for line in out.splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # cut off mid-line: that submit's return was not seen
        tx_id, code, seq = line.split()
        confirmed.append((tx_id, code, int(seq)))
    return confirmed


@pytest.mark.slow
def test_sigkill_never_loses_a_confirmed_submission(tmp_path: Path) -> None:
    db_path = tmp_path / "queue.db"
    rng = random.Random(20261127)
    confirmed: dict[str, tuple[str, int]] = {}
    for _round in range(ROUNDS):
        for tx_id, code, seq in run_child_and_kill(db_path, rng):
            confirmed[tx_id] = (code, seq)

        conn = sqlite3.connect(db_path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = conn.execute(
                "SELECT id, tracking_code, seq, state, answers, kiosk_number FROM transactions"
            ).fetchall()
            counter = conn.execute("SELECT value FROM counters").fetchone()[0]
        finally:
            conn.close()
        stored = {r[0]: r for r in rows}
        for tx_id, (code, seq) in confirmed.items():
            assert tx_id in stored, f"confirmed submission {tx_id} lost"
            assert stored[tx_id][1] == code
            assert stored[tx_id][2] == seq
        seqs = sorted(r[2] for r in rows)
        assert seqs == list(range(1, len(rows) + 1)), "hole or repeat in the sequence"
        assert counter == len(rows)
        for _id, code, seq, state, answers, kiosk in rows:
            assert state == "pending"
            assert code == make_tracking_code(kiosk, seq)
            data = json.loads(answers)
            assert data["address"].startswith("کوچه ")
            assert data["district"] == "1"
    assert len(confirmed) > ROUNDS  # the children did get work done between kills
