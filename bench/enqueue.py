#!/usr/bin/env python3
"""Durable submissions per second through the core API, beside raw sqlite3 on the same disk.

Both sides commit one row per transaction with the same pragmas (WAL, synchronous=FULL), in the
same folder, in the same run, interleaved in rounds so that disk weather hits both alike. The
core side does everything a real submission does: catalog validation, UUIDv7, the sequence,
the tracking code, the ORM row, the commit.

    python bench/enqueue.py [--n 2000] [--dir DIR]

Last line: JSON with both sides' rates and latencies and ``ratio`` = core p99 / raw p99
(target: at most 3).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.catalog import load_default_catalog  # noqa: E402
from kiosk.db import Database  # noqa: E402
from kiosk.queue import Queue  # noqa: E402

ANSWERS = {
    "district": "6",
    "address": "خیابان کارگر شمالی، روبه‌روی پارک لاله",
    "problem_type": "off",
    "how_many": "several",
    "anonymous": "no",
    "name": "مریم احمدی",
    "wants_follow_up": "yes",
    "mobile": "۰۹۱۲ ۳۴۵ ۶۷۸۹",
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(latencies: list[float], elapsed: float) -> dict[str, float]:
    return {
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 3),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 3),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 3),
    }


def raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    return conn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="submissions per side")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=None, help="folder on the disk to test")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        db = Database(folder / "queue.db")
        queue = Queue(db, load_default_catalog(), kiosk_number=1)
        raw = raw_connection(folder / "raw.db")
        body = json.dumps(ANSWERS, ensure_ascii=False)
        core_lat: list[float] = []
        raw_lat: list[float] = []
        core_time = raw_time = 0.0
        per_round = max(1, args.n // args.rounds)
        queue.submit("street-lights", ANSWERS)  # warm up both sides
        raw.execute("INSERT INTO t (body) VALUES (?)", (body,))
        for _ in range(args.rounds):
            start = time.perf_counter()
            for _ in range(per_round):
                t0 = time.perf_counter()
                raw.execute("BEGIN IMMEDIATE")
                raw.execute("INSERT INTO t (body) VALUES (?)", (body,))
                raw.execute("COMMIT")
                raw_lat.append(time.perf_counter() - t0)
            raw_time += time.perf_counter() - start
            start = time.perf_counter()
            for _ in range(per_round):
                t0 = time.perf_counter()
                queue.submit("street-lights", ANSWERS)
                core_lat.append(time.perf_counter() - t0)
            core_time += time.perf_counter() - start
        raw.close()
        db.close()

    core = summary(core_lat, core_time)
    base = summary(raw_lat, raw_time)
    print(
        f"core: {core['per_second']:>9.1f}/s  p50 {core['p50_ms']:.3f} ms  "
        f"p99 {core['p99_ms']:.3f} ms"
    )
    print(
        f"raw:  {base['per_second']:>9.1f}/s  p50 {base['p50_ms']:.3f} ms  "
        f"p99 {base['p99_ms']:.3f} ms"
    )
    result = {
        "bench": "enqueue",
        "n": len(core_lat),
        "core": core,
        "raw_sqlite": base,
        "ratio": round(core["p99_ms"] / base["p99_ms"], 2),
        "target": "ratio <= 3 (core p99 / raw p99)",
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
