"""Crashes are recorded: an exception in a Qt slot, a Qt warning and a fatal error of the real
``kiosk run`` reach the kiosk's logs (and so the diagnostics export), with nothing personal."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.config import load_settings
from kiosk.core import open_core
from tests.ui.test_staff_signin import make_desk
from ui.admin.diagnostics import export_diagnostics

ROOT = Path(__file__).resolve().parents[2]
MARK = "Quokka-Answer-4711"

# The real kiosk, with one slot made to fail the way a bug would: it raises with a message
# that carries an answer, after Qt has warned about something with a long number in it.
KIOSK_WITH_A_BUG = """
import sys
from PySide6.QtCore import qWarning
from ui.mainwindow import MainWindow

def on_core_opened(self, _core):
    qWarning("QSomething: cannot lay out 09357246813 widgets")
    if sys.argv[2] == "segfault":
        import faulthandler
        faulthandler._sigsegv()
    raise ValueError("the answer was {mark}")

MainWindow.on_core_opened = on_core_opened
from kiosk.cli import main

sys.exit(main(["--data-dir", sys.argv[1], "run", "--windowed", "--quit-after-first-paint"]))
""".replace("{mark}", MARK)


def run_kiosk(data_dir: Path, mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", KIOSK_WITH_A_BUG, str(data_dir), mode],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def test_an_exception_in_a_slot_reaches_the_log_and_the_diagnostics(
    qapp: QApplication, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    done = run_kiosk(data_dir, "raise")
    assert done.returncode == 0, done.stderr  # the kiosk carried on and quit as asked
    log = (data_dir / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "uncaught exception on thread MainThread" in log
    assert "ValueError" in log
    assert "in on_core_opened" in log  # the frames are there
    assert "QSomething: cannot lay out *** widgets" in log  # Qt's warning, numbers masked
    for text in (log, done.stderr):
        assert MARK not in text
        assert "09357246813" not in text

    settings = load_settings(data_dir=data_dir, environ={})
    core = open_core(settings)
    try:
        desk = next(make_desk(settings, core))
        member = desk.staff.authenticate("Sara Ahmadi", "2580")
        with zipfile.ZipFile(export_diagnostics(desk, member)) as archive:
            exported = archive.read("logs/kiosk.log").decode("utf-8")
            assert "crash.log" in " ".join(archive.namelist())
        desk.runner.wait_for_done()
    finally:
        core.close()
    assert "ValueError" in exported and "in on_core_opened" in exported


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX signal")
def test_a_fatal_error_writes_the_frames_to_crash_log(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    done = run_kiosk(data_dir, "segfault")
    assert done.returncode != 0
    crash = (data_dir / "logs" / "crash.log").read_text(encoding="utf-8")
    assert "Segmentation fault" in crash
    assert "on_core_opened" in crash
    assert MARK not in crash
    assert (data_dir / "logs" / "crash.log").stat().st_mode & 0o077 == 0
