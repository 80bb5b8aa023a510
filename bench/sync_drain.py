#!/usr/bin/env python3
"""Drain a queue of pending transactions to a local city server; compare with the server's limit.

A reference server runs on loopback (SQLite by default, or ``--db URL``). The kiosk's queue is
preloaded with N pending transactions (default 100,000), then one sync engine pushes them all.
Measured in the same run, as the limit: the same rows bulk-inserted directly into the server's
database (no HTTP, no validation, no kiosk bookkeeping).

    python bench/sync_drain.py [--n 100000] [--batch 1000] [--db URL]

Last line: JSON with the drain rate, the limit, ``ratio`` = drain rate / limit rate, and the
kiosk's memory growth (resident set) during the drain. Targets: at least 10,000 transactions/s,
ratio at least 0.5, memory growth at most 50 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.config import load_settings  # noqa: E402
from kiosk.core import open_core  # noqa: E402
from kiosk.tracking import make_tracking_code  # noqa: E402
from kiosk.uuid7 import uuid7  # noqa: E402

ANSWERS = {
    "district": "6",
    "address": "خیابان کارگر شمالی، روبه‌روی پارک لاله",
    "problem_type": "off",
    "how_many": "several",
    "anonymous": True,
}


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def cityserver(db: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CITYSERVER_", "KIOSK_"))}
    out = subprocess.run(
        [sys.executable, "-m", "cityserver", "--db", db, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    return out.stdout


def rows(n: int, kiosk_number: int, start_seq: int = 1) -> list[dict[str, object]]:
    now = "2026-11-27T08:00:00.000000Z"
    answers = json.dumps(ANSWERS, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return [
        {
            "id": str(uuid7()),
            "tracking_code": make_tracking_code(kiosk_number, seq),
            "kiosk_number": kiosk_number,
            "seq": seq,
            "service_code": "street-lights",
            "catalog_version": "2026.11.1",
            "answers": answers,
            "lang": "fa",
            "created_at": now,
            "channel": "kiosk",
            "state": "pending",
            "attempts": 0,
            "updated_at": now,
        }
        for seq in range(start_seq, start_seq + n)
    ]


def preload(database: Path, n: int, kiosk_number: int) -> None:
    import sqlite3

    conn = sqlite3.connect(database)
    data = rows(n, kiosk_number)
    cols = list(data[0])
    with conn:
        conn.executemany(
            f"INSERT INTO transactions ({', '.join(cols)}) VALUES "
            f"({', '.join(':' + c for c in cols)})",
            data,
        )
        conn.execute("UPDATE counters SET value = ? WHERE name = 'transaction'", (n,))
    conn.close()


def limit_rate(db_url: str, n: int) -> float:
    """The same rows inserted straight into the server's requests table, in batches."""
    from sqlalchemy import MetaData, Table, create_engine

    engine = create_engine(db_url)
    table = Table("requests", MetaData(), autoload_with=engine)
    columns = {c.name for c in table.columns}
    data = []
    for r in rows(n, 2):
        r["kiosk_seq"] = r["seq"]
        row = {k: v for k, v in r.items() if k in columns}
        row["answers"] = ANSWERS
        data.append(_fill(table, row))
    start = time.perf_counter()
    for i in range(0, n, 1000):
        with engine.begin() as conn:
            conn.execute(table.insert(), data[i : i + 1000])
    elapsed = time.perf_counter() - start
    engine.dispose()
    return n / elapsed


def _fill(table: object, row: dict[str, object]) -> dict[str, object]:
    """Values for the server's own bookkeeping columns (what its push endpoint writes)."""
    import datetime as dt

    from sqlalchemy import Table

    assert isinstance(table, Table)
    now = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
    defaults: dict[str, object] = {
        "received_at": now,
        "status": "open",
        "status_changed_at": now,
        "status_note": "",
        "created_at": now,
        "channel": "kiosk",
        "lang": "fa",
    }
    for column in table.columns:
        if column.name in row or column.nullable or (column.primary_key and column.autoincrement):
            continue
        if column.name in defaults:
            row[column.name] = defaults[column.name]
        elif column.name == "server_ref":
            row[column.name] = uuid.uuid4().hex[:12]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--db", help="server database URL (default: SQLite in a temp dir)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-drain-") as tmp:
        folder = Path(tmp)
        db = args.db or f"sqlite:///{folder / 'server.db'}"
        limit_db = f"sqlite:///{folder / 'limit.db'}" if not args.db else args.db
        cityserver(db, "migrate")
        cityserver(db, "catalog", "publish", str(ROOT / "assets" / "catalog" / "default.json"))
        token = json.loads(cityserver(db, "token", "create", "--name", "bench", "--json"))["token"]
        from kiosk.demo import free_port, start_server

        port = free_port()
        server = start_server(db, port, folder / "server.log")
        try:
            settings = load_settings(data_dir=folder / "kiosk", environ={})
            core = open_core(settings)
            from kiosk.state import Enrollment
            from kiosk.timeutil import utcnow
            from sync.client import SyncClient

            client = SyncClient(f"http://127.0.0.1:{port}")
            reply = client.enroll(token, "bench", "bench")
            client.close()
            core.state.save_enrollment(
                Enrollment(
                    f"http://127.0.0.1:{port}",
                    reply["kiosk_id"],
                    reply["kiosk_number"],
                    reply["secret"],
                    utcnow(),
                )
            )
            from sync.engine import SyncEngine

            engine = SyncEngine(
                core.queue,
                catalog_dir=settings.catalog_dir,
                data_dir=settings.data_dir,
                batch_size=args.batch,
            )
            engine.run_once()  # warm up on an empty queue: catalog, cursors, connection
            preload(settings.database_path, args.n, reply["kiosk_number"])
            rss_before = rss_bytes()
            start = time.perf_counter()
            report = engine.run_once()
            elapsed = time.perf_counter() - start
            rss_after = rss_bytes()
            engine.close()
            pushed = report.pushed
            counts = core.queue.counts()
            core.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
        if args.db is None:
            cityserver(limit_db, "migrate")
        limit = limit_rate(limit_db, args.n)

    drained = args.n - counts[next(s for s in counts if s.value == "pending")]
    rate = pushed / elapsed if elapsed > 0 else 0.0
    growth_mb = (rss_after - rss_before) / 1e6
    print(
        f"drained {drained} of {args.n} in {elapsed:.1f} s: {rate:,.0f}/s "
        f"(batch {args.batch}); kiosk memory growth {growth_mb:.1f} MB"
    )
    print(f"limit (bulk insert into the server's database): {limit:,.0f}/s")
    print("queue after the drain: " + ", ".join(f"{s.value} {c}" for s, c in counts.items()))
    print(
        json.dumps(
            {
                "bench": "sync_drain",
                "n": args.n,
                "batch": args.batch,
                "drained": drained,
                "seconds": round(elapsed, 2),
                "rate_per_s": round(rate),
                "limit_per_s": round(limit),
                "ratio": round(rate / limit, 3) if limit else None,
                "memory_growth_mb": round(growth_mb, 1),
                "targets": "rate >= 10000/s, ratio >= 0.5, memory growth <= 50 MB",
            }
        )
    )


if __name__ == "__main__":
    main()
