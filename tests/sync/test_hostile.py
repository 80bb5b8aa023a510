"""A hostile or broken city server cannot stop the kiosk: every wait it asks for is clamped,
every answer is checked before it is used, a bad clock is never believed, and the sync thread
and ``kiosk sync --once`` carry on with one line about it (no traceback)."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import Settings
from kiosk.core import Core, open_core
from kiosk.models import TxState
from kiosk.state import Enrollment
from sync import protocol as p
from sync.client import MAX_SERVER_WAIT_S, MIN_SERVER_WAIT_S
from sync.engine import CycleReport
from sync.runner import SyncRunner
from tests.sync.conftest import REPORT, engine_for
from tests.sync.hostile import Answer, HostileServer, hostile_server

WAITS = [
    "1e300",
    "inf",
    "-inf",
    "nan",
    "-5",
    "0",
    "99999999999999999999999999",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Mon, 01 Jan 1990 00:00:00 GMT",
]


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with hostile_server() as server:
        yield server


@pytest.fixture
def core(settings: Settings, hostile: HostileServer) -> Iterator[Core]:
    """A kiosk enrolled with the hostile server."""
    c = open_core(settings)
    c.state.save_enrollment(
        Enrollment(hostile.url, "k-1", 7, p.new_secret(), dt.datetime.now(dt.UTC))
    )
    c.queue.kiosk_number = 7
    yield c
    c.close()


def bounded(seconds: float | None) -> bool:
    return seconds is not None and MIN_SERVER_WAIT_S <= seconds <= MAX_SERVER_WAIT_S


@pytest.mark.parametrize("wait", WAITS)
def test_every_retry_after_is_clamped(core: Core, hostile: HostileServer, wait: str) -> None:
    hostile.answer(p.PATH_STATUSES, Answer.json({"error": {}}, 429, **{"Retry-After": wait}))
    engine = engine_for(core)
    try:
        report = engine.run_once()
    finally:
        engine.close()
    assert report.error is not None
    assert bounded(report.retry_in), report.retry_in


@pytest.mark.parametrize("wait", WAITS)
def test_a_busy_push_keeps_its_items_with_a_bounded_wait(
    core: Core, hostile: HostileServer, wait: str
) -> None:
    tx = core.queue.submit("street-lights", REPORT)
    hostile.answer(p.PATH_TRANSACTIONS, Answer.json({}, 503, **{"Retry-After": wait}))
    engine = engine_for(core)
    try:
        report = engine.run_once()
    finally:
        engine.close()
    assert bounded(report.retry_in), report.retry_in
    stored = core.queue.get(tx.id)
    assert stored is not None and stored.state is TxState.PENDING
    assert stored.next_attempt_at is not None
    assert stored.next_attempt_at <= dt.datetime.now(dt.UTC) + dt.timedelta(
        seconds=MAX_SERVER_WAIT_S + 60
    )


def test_the_sync_thread_survives_an_absurd_wait(core: Core, hostile: HostileServer) -> None:
    hostile.answer(p.PATH_STATUSES, Answer.json({}, 429, **{"Retry-After": "1e300"}))
    reports: list[CycleReport] = []
    arrived = threading.Event()

    def on_report(report: CycleReport) -> None:
        reports.append(report)
        arrived.set()

    runner = SyncRunner(engine_for(core), interval_s=3600, on_report=on_report)
    runner.start()
    try:
        for cycle in range(3):  # "sync now" wakes it each time: it is still there
            assert arrived.wait(30), f"no report for cycle {cycle + 1}"
            arrived.clear()
            runner.trigger()
        assert runner.running
    finally:
        runner.stop()
    assert all(bounded(r.retry_in) for r in reports)


def test_the_sync_thread_survives_a_crashing_cycle(
    core: Core, hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = engine_for(core)
    calls: list[int] = []
    arrived = threading.Event()

    def broken_cycle() -> CycleReport:
        calls.append(1)
        arrived.set()
        raise OverflowError("a bug somewhere in a cycle")

    monkeypatch.setattr(engine, "run_once", broken_cycle)
    monkeypatch.setattr(engine.backoff, "next", lambda: math.inf)  # even a broken backoff
    runner = SyncRunner(engine, interval_s=3600)
    runner.start()
    try:
        for cycle in range(3):
            assert arrived.wait(30), f"no cycle {cycle + 1}"
            arrived.clear()
            runner.trigger()
        assert runner.running
    finally:
        runner.stop()


HOSTILE_BODIES = {
    "invalid JSON": Answer(200, b'{"updates": [', {"Content-Type": "application/json"}),
    "HTML": Answer(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", {}),
    "HTML error page": Answer(502, b"<html><body>Bad Gateway</body></html>", {}),
    "a list": Answer.json([]),
    "a string": Answer.json("ok"),
    "null": Answer.json(None),
    "wrong shape": Answer.json({"updates": "none", "cursor": "0", "more": "no"}),
    "missing keys": Answer.json({"cursor": 3}),
    "a list where an object belongs": Answer.json({"updates": [[1, 2]], "cursor": 1}),
    "an update without an id": Answer.json(
        {"updates": [{"status": "closed", "changed_at": "2026-11-27T10:00:00Z"}], "cursor": 1}
    ),
    "a bad date": Answer.json(
        {
            "updates": [{"id": "x", "status": "closed", "note": "", "changed_at": "yesterday"}],
            "cursor": 1,
            "more": False,
        }
    ),
    "a cursor beyond 64 bits": Answer.json({"updates": [], "cursor": 2**70, "more": False}),
    "a negative cursor": Answer.json({"updates": [], "cursor": -1, "more": False}),
    "a boolean cursor": Answer.json({"updates": [], "cursor": True, "more": False}),
    "nested 100,000 deep": Answer(200, b"[" * 100_000 + b"]" * 100_000, {}),
    "a 5000-digit number": Answer(200, b'{"updates": [], "cursor": ' + b"9" * 5000 + b"}", {}),
    "not UTF-8": Answer(200, b'{"updates": [], "cursor": "\xff\xfe"}', {}),
}


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
@pytest.mark.parametrize(
    "path", [p.PATH_STATUSES, p.PATH_ANNOUNCEMENTS, p.PATH_TRANSACTIONS, p.PATH_HEARTBEAT]
)
def test_sync_once_against_a_hostile_server_prints_one_line(
    capsys: pytest.CaptureFixture[str],
    core: Core,
    hostile: HostileServer,
    settings: Settings,
    name: str,
    path: str,
) -> None:
    if path == p.PATH_TRANSACTIONS:
        core.queue.submit("street-lights", REPORT)
    hostile.answer(path, HOSTILE_BODIES[name])
    code = main(["--data-dir", str(settings.data_dir), "sync", "--once"])
    out, err = capsys.readouterr()
    assert code == 1
    assert len((out + err).strip().splitlines()) == 1, out + err
    assert "Traceback" not in out + err
    assert "error:" in out + err
    for tx in core.queue.list():  # nothing is lost: sent again later
        assert tx.state is TxState.PENDING


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e300", "-1", "0", "1e20", "soon"])
def test_an_absurd_server_time_is_never_the_clock_offset(
    core: Core, hostile: HostileServer, value: str
) -> None:
    for answer in hostile.answers.values():
        answer.headers[p.H_SERVER_TIME] = value
    engine = engine_for(core)
    try:
        report = engine.run_once()
        assert report.error is None, report.error
        assert engine.offset.seconds == 0.0
    finally:
        engine.close()
    assert core.state.clock_offset() == 0.0


def test_a_plausible_server_time_is_the_clock_offset(core: Core, hostile: HostileServer) -> None:
    ahead = dt.datetime.now(dt.UTC).timestamp() + 3 * 86400  # the kiosk's clock is 3 days slow
    for answer in hostile.answers.values():
        answer.headers[p.H_SERVER_TIME] = str(ahead)
    engine = engine_for(core)
    try:
        assert engine.run_once().error is None
    finally:
        engine.close()
    assert abs(core.state.clock_offset() - 3 * 86400) < 60


def test_a_saved_offset_that_is_not_a_number_is_not_used(core: Core) -> None:
    core.state.set("clock.offset", "NaN")
    assert core.state.clock_offset() == 0.0
    core.state.set("clock.offset", 1e300)
    assert core.state.clock_offset() == 0.0


# -- enrollment --------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["separate", "equals"])
def test_a_token_that_starts_with_a_dash_enrolls(
    capsys: pytest.CaptureFixture[str], settings: Settings, hostile: HostileServer, form: str
) -> None:
    token = "-Gq3xv9_token-from-the-city"
    args = ["--token", token] if form == "separate" else [f"--token={token}"]
    code = main(["--data-dir", str(settings.data_dir), "enroll", "--server", hostile.url, *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "kiosk number 0007" in out


@pytest.mark.parametrize(
    "answer",
    [
        Answer.json([]),
        Answer.json({"kiosk_id": "k-1", "kiosk_number": "seven", "secret": "s"}),
        Answer.json({"kiosk_id": "k-1", "kiosk_number": 123456, "secret": "s"}),
        Answer.json({"kiosk_number": 7, "secret": "s"}),
        Answer(200, b"<html>welcome</html>", {}),
    ],
)
def test_enrolling_with_a_hostile_server_prints_one_line(
    capsys: pytest.CaptureFixture[str],
    settings: Settings,
    hostile: HostileServer,
    answer: Answer,
) -> None:
    hostile.answer(p.PATH_ENROLL, answer)
    code = main(
        ["--data-dir", str(settings.data_dir), "enroll", "--server", hostile.url, "--token", "t"]
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert len((out + err).strip().splitlines()) == 1, out + err
    assert "Traceback" not in out + err
    core = open_core(settings)
    try:
        assert core.state.enrollment() is None
    finally:
        core.close()


def test_server_tokens_never_start_with_a_dash(tmp_path: Path) -> None:
    """One token in 64 used to (token_urlsafe), and ``--token T`` then read it as an option."""
    from datetime import timedelta

    from cityserver import kiosks
    from cityserver.db import Database

    db = Database(f"sqlite:///{tmp_path / 'city.db'}")
    try:
        with db.write() as session:
            now = dt.datetime.now(dt.UTC)
            tokens = [
                kiosks.create_token(session, "k", timedelta(hours=1), now).token
                for _ in range(1000)
            ]
    finally:
        db.close()
    assert [t for t in tokens if t.startswith("-")] == []
