"""The background runner's owners: a result whose owner is gone is dropped, and work whose
scope ended before it started never runs."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from ui.worker import BackgroundRunner, Scope


def test_a_result_for_an_ended_scope_is_dropped(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    scope, release = Scope(), threading.Event()
    results: list[object] = []
    runner.run(lambda: release.wait(10), results.append, results.append, owner=scope)
    scope.end()
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert results == []


def test_a_failure_for_an_ended_scope_is_dropped_too(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    scope, release = Scope(), threading.Event()
    failures: list[BaseException] = []
    runner.failed.connect(failures.append)

    def fail() -> None:
        release.wait(10)
        raise RuntimeError("too late")

    runner.run(fail, owner=scope)
    scope.end()
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert failures == []


def test_work_whose_scope_ended_before_it_started_never_runs(qtbot: QtBot) -> None:
    runner = BackgroundRunner(max_threads=1)
    busy, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def first() -> None:
        busy.set()
        release.wait(10)

    runner.run(first)
    assert busy.wait(10)
    scope = Scope()
    runner.run(lambda: ran.append("printed a receipt"), owner=scope)  # waits for the thread
    scope.end()  # the session ended meanwhile
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert ran == []


def test_a_scope_ends_with_its_parent(qtbot: QtBot) -> None:
    session = Scope()
    visit = Scope(session)
    assert visit.alive
    session.end()
    assert not visit.alive
    runner = BackgroundRunner()
    ran: list[int] = []
    runner.run(lambda: ran.append(1), owner=visit)  # not even started
    qtbot.waitUntil(lambda: not runner.busy)
    assert ran == []


def test_a_result_for_a_deleted_widget_is_dropped(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    owner, release = QObject(), threading.Event()
    results: list[object] = []
    runner.run(lambda: release.wait(10), results.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _valid(owner))
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert results == []


def test_without_an_owner_every_result_arrives(qtbot: QtBot) -> None:
    runner = BackgroundRunner()
    results: list[object] = []
    runner.run(lambda: 42, results.append)
    qtbot.waitUntil(lambda: results == [42])


def _valid(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)
