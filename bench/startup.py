#!/usr/bin/env python3
"""Process start to the first painted home screen, beside a minimal PySide6 application.

Three kinds of child process, all offscreen (``QT_QPA_PLATFORM=offscreen``), interleaved in
rounds so that machine weather hits all alike, after one untimed warm-up run of each (the OS
file cache is warm for all):

- kiosk, fresh data dir: ``python -m kiosk --data-dir <new empty dir> run --windowed
  --quit-after-first-paint`` (the database is created and migrated during the start: the kiosk
  paints its home screen first, opens the database just after, and quits once it is open);
- kiosk, warm data dir: the same command again on the data dir the fresh run just made (the
  database already exists: the common case, a kiosk restarting);
- minimal: a PySide6 application that creates ``QApplication``, shows one ``QLabel`` of the
  same size and quits after its first paint event.

For each run the bench takes three times:

- to paint: from spawn to the moment the child's "first paint after N s" line reaches this
  process (what a citizen waits for, and the figure the target is about: "process start to
  the first painted home screen");
- wall: from spawn to process exit, timed here (for the kiosk this includes opening the
  database after the first paint, quitting and the interpreter's exit);
- in-process: the N of that line, the child's own clock from just before the application is
  made to the first paint (Python's start and the imports are before it).

Bytecode is cached for the children as on an installed kiosk (where pip or PyInstaller compiled
it), even when the caller sets ``PYTHONDONTWRITEBYTECODE``: they share a ``PYTHONPYCACHEPREFIX``
in the bench's temporary folder, filled by the warm-up runs. ``--no-bytecode-cache`` leaves the
caller's environment as it is.

    python bench/startup.py [--runs 10] [--no-bytecode-cache]

Last line: JSON with the medians and ``ratio`` = kiosk (warm data dir) median spawn-to-first-
paint time / minimal median spawn-to-first-paint time (target: at most 2); ``ratio_wall`` (and
``ratio_wall_fresh_data_dir``) is the same for the spawn-to-exit times, ``ratio_fresh_data_dir``
for the to-paint times of the fresh data dir.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.0
FIRST_PAINT = re.compile(r"first paint after ([0-9.]+) s")

# The baseline: as little as a PySide6 widget application can do to show something. Its own
# clock starts where the kiosk's does (``ui.run.run``): after the imports, before QApplication.
MINIMAL = """
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

started = time.perf_counter()


class Label(QLabel):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            print(f"first paint after {time.perf_counter() - started:.3f} s", flush=True)
            QTimer.singleShot(0, app.quit)


app = QApplication(sys.argv[:1])
label = Label("hello")
label.resize(1920, 1080)
label.show()
sys.exit(app.exec())
"""


@dataclass(frozen=True)
class Run:
    wall: float  # spawn to exit
    to_paint: float  # spawn to the first-paint line arriving here
    own: float  # the child's own first-paint figure


def child_env(pycache: Path | None) -> dict[str, str]:
    """The caller's environment without kiosk settings, rendering offscreen."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def kiosk_command(data_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "kiosk",
        "--data-dir",
        str(data_dir),
        "run",
        "--windowed",
        "--quit-after-first-paint",
    ]


def minimal_command() -> list[str]:
    return [sys.executable, "-c", MINIMAL]


def timed(command: list[str], env: dict[str, str]) -> Run:
    start = time.perf_counter()
    child = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    seen: list[str] = []
    to_paint = own = None
    while line := child.stdout.readline():  # both children flush that line at once
        seen.append(line)
        found = FIRST_PAINT.search(line)
        if found:
            to_paint, own = time.perf_counter() - start, float(found.group(1))
            break
    try:
        rest, err = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        child.kill()
        rest, err = child.communicate()
    wall = time.perf_counter() - start
    if child.returncode != 0 or to_paint is None or own is None:
        out = "".join(seen) + rest
        raise SystemExit(
            f"startup bench: {command[1:3]} exited with {child.returncode} without a first "
            f"paint\nstdout: {out.strip()}\nstderr: {err.strip()}"
        )
    return Run(wall, to_paint, own)


def summary(runs: list[Run]) -> dict[str, float]:
    walls = [r.wall for r in runs]
    return {
        "wall_median_s": round(statistics.median(walls), 4),
        "wall_min_s": round(min(walls), 4),
        "wall_max_s": round(max(walls), 4),
        "to_paint_median_s": round(statistics.median(r.to_paint for r in runs), 4),
        "self_median_s": round(statistics.median(r.own for r in runs), 4),
        "exit_median_s": round(statistics.median(r.wall - r.to_paint for r in runs), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each kind")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="do not give the children a bytecode cache (keep PYTHONDONTWRITEBYTECODE)",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    fresh: list[Run] = []
    warm: list[Run] = []
    minimal: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-startup-") as tmp:
        folder = Path(tmp)
        env = child_env(None if args.no_bytecode_cache else folder / "pycache")
        warmup_dir = folder / "warm-up"
        timed(minimal_command(), env)  # warm-up: the file cache, for every kind
        timed(kiosk_command(warmup_dir), env)
        timed(kiosk_command(warmup_dir), env)
        for i in range(args.runs):
            data_dir = folder / f"run-{i}"  # does not exist yet: the kiosk makes it
            # Alternate which side goes first, so neither always follows the other.
            if i % 2 == 0:
                minimal.append(timed(minimal_command(), env))
            fresh.append(timed(kiosk_command(data_dir), env))
            warm.append(timed(kiosk_command(data_dir), env))
            if i % 2 == 1:
                minimal.append(timed(minimal_command(), env))

    kinds = {
        "kiosk_fresh_data_dir": summary(fresh),
        "kiosk_warm_data_dir": summary(warm),
        "minimal_pyside6": summary(minimal),
    }
    base = kinds["minimal_pyside6"]
    cache = "no bytecode cache" if args.no_bytecode_cache else "bytecode cached"
    print(f"{args.runs} timed runs each (after one warm-up each), offscreen, {cache}, medians:")
    print(
        f"{'':22}{'wall':>8}{'min':>8}{'max':>8}{'to paint':>10}{'in-proc':>9}{'exit':>8}"
        f"{'ratio wall':>12}{'ratio paint':>13}"
    )
    for name, s in kinds.items():
        print(
            f"{name:22}{s['wall_median_s']:>7.3f}s{s['wall_min_s']:>7.3f}s{s['wall_max_s']:>7.3f}s"
            f"{s['to_paint_median_s']:>9.3f}s{s['self_median_s']:>8.3f}s{s['exit_median_s']:>7.3f}s"
            f"{s['wall_median_s'] / base['wall_median_s']:>12.2f}"
            f"{s['to_paint_median_s'] / base['to_paint_median_s']:>13.2f}"
        )
    print(
        "wall: spawn to exit; to paint: spawn to the first-paint line arriving; in-proc: the "
        "child's own figure (application made to first paint); exit: wall minus to paint (for "
        "the kiosk: opening the database after the first paint, then quitting)"
    )
    warm_s, fresh_s = kinds["kiosk_warm_data_dir"], kinds["kiosk_fresh_data_dir"]
    ratio = round(warm_s["to_paint_median_s"] / base["to_paint_median_s"], 2)
    result = {
        "bench": "startup",
        "runs": args.runs,
        "bytecode_cache": not args.no_bytecode_cache,
        **kinds,
        "ratio": ratio,
        "ratio_fresh_data_dir": round(fresh_s["to_paint_median_s"] / base["to_paint_median_s"], 2),
        "ratio_wall": round(warm_s["wall_median_s"] / base["wall_median_s"], 2),
        "ratio_wall_fresh_data_dir": round(fresh_s["wall_median_s"] / base["wall_median_s"], 2),
        "meets_target": ratio <= TARGET,
        "target": (
            "ratio <= 2 (kiosk warm-data-dir median spawn-to-first-paint / minimal PySide6 "
            "median spawn-to-first-paint)"
        ),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
