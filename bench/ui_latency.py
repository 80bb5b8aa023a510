#!/usr/bin/env python3
"""Tap-to-painted latency of the kiosk's screen transitions, beside a bare QStackedWidget switch.

In one process, offscreen: the whole kiosk (``ui.run.build`` on a temporary data dir, the real
SQLite queue, the bundled catalog), its window 1920x1080 and shown. Each sample is timed from
just before a simulated tap (``QTest.mouseClick``, press and release, on the centre of the
button a citizen taps) to the end of the first paint of the main window that shows the result.
Everything runs inside a ``QEventLoop``, as the kiosk runs inside ``app.exec()``, so posted
events, deferred deletes and layout requests come in the real order; an event filter on the
window quits the loop at the first Paint event at which the target state holds (the new screen
is current, the language or theme switched), and ``exec()`` returns once that whole paint is
done. No repaint is forced. Each sample starts from a settled window (nothing pending). After
it the bench waits for quiet and counts the paints that came later still, and the taps whose
later paints changed the pixels the window shows (a first paint that was not the final look
shows up there; so does async work finishing).

Each transition is measured in its own block (warm-up taps, then the timed taps), so its
figures are its own and not after-effects of another transition (the first visit to a screen
after a theme change re-polishes that screen's widgets: ~15 ms more on home → track).

The baseline is measured the same way in the same process, before the kiosk exists (so the
application has no kiosk style sheet): a bare QStackedWidget with two QLabel pages, switched by
a QPushButton, in a 1920x1080 window.

Check → confirmation submits on the background runner (a pool thread and a durable SQLite
commit), so it is measured separately, labelled "async", and left out of the overall figure.

    python bench/ui_latency.py [--repeat 50] [--warmup 3] [--profile NAME|slow|all]

``--profile`` runs the named transitions again under cProfile afterwards and prints where the
Python-side time goes (``slow``: every transition whose p95 misses the target).

Last line: JSON with per-transition p50/p95 in ms, ``overall_p95_ms`` (all samples of the
synchronous transitions pooled), ``ratio`` = overall p95 / baseline p95 and ``meets_target``
= overall p95 <= 16 ms (one frame at 60 Hz).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt starts: no display is used
for _name in [n for n in os.environ if n.startswith("KIOSK_")]:
    del os.environ[_name]

from PySide6.QtCore import (  # noqa: E402
    QCoreApplication,
    QEvent,
    QEventLoop,
    QObject,
    QPoint,
    Qt,
    QTimer,
    qInstallMessageHandler,
)
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import load_settings  # noqa: E402
from ui.run import Kiosk, application, build  # noqa: E402
from ui.screens.base import Screen, ScreenId  # noqa: E402
from ui.screens.check import CheckScreen  # noqa: E402
from ui.screens.home import HomeScreen  # noqa: E402
from ui.screens.question import QuestionScreen  # noqa: E402
from ui.screens.track import TrackScreen  # noqa: E402
from ui.theme import ThemeName  # noqa: E402

S = TypeVar("S", bound=Screen)
TARGET_MS = 16.0
SIZE = (1920, 1080)
QUIET_MS = 30  # a window is settled after this long without a paint
TIMEOUT_MS = 10_000
SERVICE = "street-lights"
# Raw answers to every page of SERVICE on the way to "Check your answers" (the last page,
# wants_follow_up, is answered by the timed tap's own setup).
ANSWERS: dict[str, object] = {
    "district": "6",
    "address": "خیابان کارگر شمالی، روبه‌روی پارک لاله",
    "problem_type": "off",
    "how_many": "several",
    "description": "",
    "anonymous": True,
    "wants_follow_up": False,
}


def quiet_qt(_mode: object, _context: object, message: str) -> None:
    """Qt's messages to stderr, less the offscreen plugin's note on every window shown."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class PaintWatch(QObject):
    """Counts the Paint events of one window; calls ``on_goal`` at one where ``goal()`` held."""

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.paints = 0
        self.last_paint_ns = 0
        self.goal: Callable[[], bool] | None = None
        self.on_goal: Callable[[], None] = lambda: None
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
            self.last_paint_ns = time.perf_counter_ns()
            if self.goal is not None and self.goal():
                self.goal = None
                self.on_goal()
        return False


@dataclass
class Series:
    name: str
    samples_ms: list[float] = field(default_factory=list)
    handler_ms: list[float] = field(default_factory=list)  # the tap's own call, synchronous
    later_paints: int = 0
    later_changed: int = 0  # taps after which a later paint changed what the screen showed

    def summary(self) -> dict[str, float | int]:
        return {
            "p50_ms": round(percentile(self.samples_ms, 0.50), 3),
            "p95_ms": round(percentile(self.samples_ms, 0.95), 3),
            "max_ms": round(max(self.samples_ms), 3),
            "handler_p50_ms": round(percentile(self.handler_ms, 0.50), 3),
            "later_paints": self.later_paints,
            "later_changed": self.later_changed,
            "n": len(self.samples_ms),
        }


class Bench:
    """Taps, waits for the paint, settles: the same for the kiosk and the baseline.

    Everything runs inside a ``QEventLoop``, as in the kiosk (``app.exec()``): posted events,
    deferred deletes and layout requests are handled in the order the real loop handles them.
    """

    def __init__(self, app: QApplication, window: QWidget) -> None:
        self.app = app
        self.window = window
        self.watch = PaintWatch(window)
        self.profiler: cProfile.Profile | None = None

    def _loop(self, start: Callable[[], None], done: Callable[[QEventLoop], None]) -> None:
        """Run ``start`` from a fresh event loop, which runs until ``done`` quits it."""
        loop = QEventLoop()
        timed_out: list[bool] = []

        def timeout() -> None:
            timed_out.append(True)
            loop.quit()

        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(timeout)
        guard.start(TIMEOUT_MS)
        QTimer.singleShot(0, start)
        done(loop)
        loop.exec()
        guard.stop()
        if timed_out:
            raise SystemExit("ui_latency: timed out waiting for the window")

    def settle(self, action: Callable[[], object] | None = None) -> int:
        """Do ``action`` (untimed), then run the loop until no paint came for QUIET_MS.

        Returns the number of paints seen while settling.
        """
        first = self.watch.paints
        begun = [time.perf_counter_ns()]
        poll = QTimer()
        poll.setInterval(2)

        def start() -> None:
            if action is not None:
                action()
            begun[0] = time.perf_counter_ns()
            poll.start()

        def done(loop: QEventLoop) -> None:
            def check() -> None:
                last = max(self.watch.last_paint_ns, begun[0])
                if time.perf_counter_ns() - last >= QUIET_MS * 1_000_000:
                    poll.stop()
                    loop.quit()

            poll.timeout.connect(check)

        self._loop(start, done)
        return self.watch.paints - first

    def tap(self, widget: QWidget) -> None:
        if not (widget.isVisible() and widget.isEnabled()):
            raise SystemExit(f"ui_latency: {widget.objectName()!r} cannot be tapped now")
        QTest.mouseClick(
            widget,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            QPoint(widget.width() // 2, widget.height() // 2),
        )

    def measure(self, series: Series | None, widget: QWidget, goal: Callable[[], bool]) -> float:
        """Tap ``widget``; milliseconds until a paint at which ``goal()`` held has finished.

        The loop quits from the event filter at that Paint event, so ``exec()`` returns once
        the whole paint (the children, the flush) is done.
        """
        stamps: list[int] = []

        def start() -> None:
            if self.profiler is not None:
                self.profiler.enable()
            stamps.append(time.perf_counter_ns())
            self.tap(widget)
            stamps.append(time.perf_counter_ns())

        def done(loop: QEventLoop) -> None:
            self.watch.goal = goal
            self.watch.on_goal = loop.quit

        self._loop(start, done)
        end = time.perf_counter_ns()
        if self.profiler is not None:
            self.profiler.disable()
        self.watch.goal = None
        first = self.frame() if series is not None else None
        later = self.settle()
        t0, t1 = stamps
        if series is not None:
            series.samples_ms.append((end - t0) / 1e6)
            series.handler_ms.append((t1 - t0) / 1e6)
            series.later_paints += later
            series.later_changed += bool(later) and self.frame() != first
        return (end - t0) / 1e6

    def frame(self) -> QImage:
        """What the window shows now: its backing store, as the offscreen screen holds it."""
        return self.window.screen().grabWindow(self.window.winId()).toImage()


# -- the baseline ------------------------------------------------------------------------------


def baseline(app: QApplication, repeat: int, warmup: int) -> Series:
    window = QWidget()
    box = QVBoxLayout(window)
    switch = QPushButton("switch")
    stack = QStackedWidget()
    for text in ("page one", "page two"):
        stack.addWidget(QLabel(text))
    switch.clicked.connect(lambda: stack.setCurrentIndex(1 - stack.currentIndex()))
    box.addWidget(switch)
    box.addWidget(stack, 1)
    window.resize(*SIZE)
    bench = Bench(app, window)
    bench.settle(window.show)
    series = Series("baseline: QStackedWidget page switch")

    def showing(index: int) -> Callable[[], bool]:
        return lambda: stack.currentIndex() == index

    for i in range(warmup + repeat):
        bench.measure(series if i >= warmup else None, switch, showing(1 - stack.currentIndex()))
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return series


# -- the kiosk ---------------------------------------------------------------------------------


class KioskDriver:
    """Puts the kiosk in the state before each timed tap (untimed), then times the tap."""

    def __init__(self, bench: Bench, kiosk: Kiosk) -> None:
        self.bench = bench
        self.kiosk = kiosk
        self.window = kiosk.window

    def on(self, screen: ScreenId) -> bool:
        return self.window.current.screen_id is screen

    def untimed_tap(self, widget: QWidget) -> None:
        self.bench.settle(lambda: self.bench.tap(widget))

    def home(self) -> None:
        self.bench.settle(self.window.end_session)

    def screen(self, cls: type[S]) -> S:
        screen = self.window.screens[cls.screen_id]
        assert isinstance(screen, cls)
        return screen

    def start_service(self) -> None:
        self.home()
        self.untimed_tap(self.screen(HomeScreen).tiles[SERVICE])

    def question(self) -> QuestionScreen:
        """The current screen, which must be a question page."""
        screen = self.window.current
        assert isinstance(screen, QuestionScreen), screen.screen_id
        return screen

    def page_key(self) -> str:
        field = self.question().field
        assert field is not None
        return field.key

    def answer_page(self) -> None:
        """Give the current question page its answer (as a tap or typing would) and settle."""
        answer = self.question().input
        assert answer is not None
        key = self.page_key()
        self.bench.settle(lambda: answer.set_value(ANSWERS[key]))

    def on_page(self, key: str) -> None:
        """From home, answer and continue page by page up to the page asking ``key``."""
        self.start_service()
        while self.page_key() != key:
            self.answer_page()
            self.untimed_tap(self.question().next)

    # The transitions: each puts the kiosk in its start state, then times one tap.

    def home_to_question(self, series: Series | None) -> None:
        self.home()
        tile = self.screen(HomeScreen).tiles[SERVICE]
        self.bench.measure(series, tile, lambda: self.on(ScreenId.QUESTION))

    def question_to_next(self, series: Series | None) -> None:
        self.on_page("district")
        self.answer_page()
        self.bench.measure(
            series,
            self.question().next,
            lambda: self.on(ScreenId.QUESTION) and self.page_key() == "address",
        )

    def question_to_check(self, series: Series | None) -> None:
        self.on_page("wants_follow_up")
        self.answer_page()
        self.bench.measure(series, self.question().next, lambda: self.on(ScreenId.CHECK))

    def check_to_confirmation(self, series: Series | None) -> None:
        self.on_page("wants_follow_up")
        self.answer_page()
        self.untimed_tap(self.question().next)
        send = self.screen(CheckScreen).send
        self.bench.measure(series, send, lambda: self.on(ScreenId.CONFIRMATION))
        self.kiosk.ctx.runner.wait_for_done()  # the receipt being printed
        self.bench.settle()

    def home_to_track(self, series: Series | None) -> None:
        self.home()
        track = self.screen(HomeScreen).track
        self.bench.measure(series, track, lambda: self.on(ScreenId.TRACK))

    def track_to_home(self, series: Series | None) -> None:
        self.home()
        self.untimed_tap(self.screen(HomeScreen).track)
        back = self.screen(TrackScreen).back
        self.bench.measure(series, back, lambda: self.on(ScreenId.HOME))

    def language_fa_to_en(self, series: Series | None) -> None:
        self.on_page("address")  # a text question: the on-screen keyboard shows too
        assert self.kiosk.ctx.lang == "fa"
        button = self.window.header.lang_button
        self.bench.measure(series, button, lambda: self.kiosk.ctx.lang == "en")

    def theme_to_contrast(self, series: Series | None) -> None:
        self.home()
        button = self.window.header.contrast_button
        self.bench.measure(series, button, lambda: self.kiosk.ctx.theme_name is ThemeName.CONTRAST)


TRANSITIONS: dict[str, Callable[[KioskDriver, Series | None], None]] = {
    "home → question": KioskDriver.home_to_question,
    "question → next question": KioskDriver.question_to_next,
    "question → check": KioskDriver.question_to_check,
    "home → track": KioskDriver.home_to_track,
    "track → home": KioskDriver.track_to_home,
    "language fa → en (question)": KioskDriver.language_fa_to_en,
    "theme → high contrast (home)": KioskDriver.theme_to_contrast,
}
ASYNC: dict[str, Callable[[KioskDriver, Series | None], None]] = {
    "check → confirmation (async)": KioskDriver.check_to_confirmation,
}


def slug(name: str) -> str:
    """'theme → high contrast (home)' → 'theme-high-contrast'."""
    return re.sub(r"[^a-z0-9]+", "-", name.split("(", maxsplit=1)[0].lower()).strip("-")


def profile(driver: KioskDriver, name: str, run: Callable[..., None], repeat: int) -> str:
    profiler = cProfile.Profile()
    driver.bench.profiler = profiler
    series = Series(name)
    for _ in range(repeat):
        run(driver, series)
    driver.bench.profiler = None
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(15)
    return (
        f"\n== cProfile: {name}, {repeat} taps, tap to paint only; p50 under the profiler "
        f"{percentile(series.samples_ms, 0.5):.1f} ms, of which the tap's own call "
        f"{percentile(series.handler_ms, 0.5):.1f} ms (the rest is Qt's layout and paint, "
        f"C++ that cProfile shows only where it calls back into Python) ==\n"
        + out.getvalue().strip()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed taps per transition")
    parser.add_argument("--warmup", type=int, default=3, help="untimed taps per transition")
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="profile transitions afterwards: a name, a slug like 'theme-high-contrast', "
        "'slow' (every one over the target) or 'all'",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    qInstallMessageHandler(quiet_qt)
    app = application()
    base = baseline(app, args.repeat, args.warmup)
    with tempfile.TemporaryDirectory(prefix="kiosk-ui-latency-") as tmp:
        # a standalone kiosk with a number of its own (one without takes no requests)
        settings = load_settings(data_dir=Path(tmp) / "data", environ={"KIOSK_STATION_NUMBER": "1"})
        kiosk = build(settings)
        try:
            kiosk.window.resize(*SIZE)
            bench = Bench(app, kiosk.window)
            bench.settle(kiosk.window.show)
            driver = KioskDriver(bench, kiosk)
            every = {**TRANSITIONS, **ASYNC}
            series = {name: Series(name) for name in every}
            # One block per transition, its warm-up first: a transition's figures are its own,
            # not the after-effects of the one before (the first visit to a screen after a theme
            # change, for one, re-polishes that screen's widgets).
            for name, run in every.items():
                for _ in range(args.warmup):
                    run(driver, None)
                for _ in range(args.repeat):
                    run(driver, series[name])
            profiles = []
            if args.profile:
                for name, run in every.items():
                    p95 = percentile(series[name].samples_ms, 0.95)
                    wanted = args.profile in (slug(name), name, "all") or (
                        args.profile == "slow" and p95 > TARGET_MS
                    )
                    if wanted:
                        profiles.append(profile(driver, name, run, max(5, min(args.repeat, 20))))
        finally:
            kiosk.close()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    pooled = [ms for name in TRANSITIONS for ms in series[name].samples_ms]
    overall = percentile(pooled, 0.95)
    base_p95 = percentile(base.samples_ms, 0.95)
    print(
        f"tap to painted, {args.repeat} taps each after {args.warmup} warm-up, "
        f"{SIZE[0]}x{SIZE[1]} offscreen (Qt {QCoreApplication.applicationVersion() or ''})".replace(
            " (Qt )", ""
        )
    )
    header = (
        f"{'transition':34}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'handler':>9}"
        f"{'later':>7}{'changed':>9}"
    )
    print(header)
    print("-" * len(header))
    for s in [*(series[n] for n in every), base]:
        row = s.summary()
        print(
            f"{s.name:34}{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}{row['max_ms']:>9.2f}"
            f"{row['handler_p50_ms']:>9.2f}{row['later_paints']:>7}{row['later_changed']:>9}"
        )
    print(
        "handler: p50 of the tap's own synchronous work (press, release, click handlers); later: "
        "paints after the measured one before the window went quiet, over all taps; changed: "
        "taps whose later paints changed the pixels"
    )
    print(
        f"overall p95 (sync transitions pooled) {overall:.2f} ms, target {TARGET_MS:.0f} ms; "
        f"baseline p95 {base_p95:.3f} ms; ratio {overall / base_p95:.1f}"
    )
    if args.profile and not profiles:
        print(f"--profile {args.profile}: no such transition, or none is slow")
    for text in profiles:
        print(text)
    result = {
        "bench": "ui_latency",
        "repeat": args.repeat,
        "size": f"{SIZE[0]}x{SIZE[1]}",
        "transitions": {n: series[n].summary() for n in TRANSITIONS},
        "async": {n: series[n].summary() for n in ASYNC},
        "overall_p95_ms": round(overall, 3),
        "worst_p95_ms": round(max(percentile(series[n].samples_ms, 0.95) for n in TRANSITIONS), 3),
        "baseline": base.summary(),
        "target_ms": TARGET_MS,
        "meets_target": overall <= TARGET_MS,
        "ratio": round(overall / base_p95, 2),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
