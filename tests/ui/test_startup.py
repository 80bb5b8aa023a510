"""Start-up: the home screen is painted before the database is opened, and works meanwhile.

``kiosk run`` paints its first screen from the catalog alone and opens the core (SQLAlchemy, the
migrations) just after; the command line loads the database modules only in the commands that
use them. These tests hold that line, and check that nothing is lost on the way: a citizen who
taps before the database is open still files the request.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.catalog import default_catalog_path
from kiosk.catalog_source import SYNCED_CATALOG, catalog_path_for, load_kiosk_catalog
from kiosk.config import Settings
from kiosk.models import Channel, TxState
from tests.ui.driver import Driver
from ui.run import Kiosk, start
from ui.screens.base import ScreenId

ROOT = Path(__file__).resolve().parents[2]


def loaded_modules(*argv: str, data_dir: Path) -> set[str]:
    """The top-level modules a ``kiosk`` command loads."""
    script = (
        "import contextlib, json, sys\n"
        "from kiosk.cli import main\n"
        "with contextlib.suppress(SystemExit):\n"
        f"    main({list(argv)!r})\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"KIOSK_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_version_and_catalog_validate_load_neither_the_database_nor_qt(tmp_path: Path) -> None:
    for argv in (["--version"], ["catalog", "validate", str(default_catalog_path())]):
        modules = loaded_modules(*argv, data_dir=tmp_path)
        assert "kiosk" in modules
        assert not modules & {"sqlalchemy", "PySide6", "shiboken6", "ui", "sync"}, argv


FIRST_PAINT = """
import json, sys
from ui.mainwindow import MainWindow

seen = {}
paint = MainWindow.paintEvent


def paintEvent(self, event):
    paint(self, event)
    seen.setdefault("modules", sorted({m.split(".")[0] for m in sys.modules}))


MainWindow.paintEvent = paintEvent
from kiosk.cli import main

rc = main(["--data-dir", sys.argv[1], "run", "--windowed", "--quit-after-first-paint"])
print(json.dumps({"rc": rc, **seen}))
"""


def test_the_home_screen_is_painted_before_the_database_loads(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0, done.stderr
    assert lines[0].startswith("first paint after"), done.stdout
    result = json.loads(lines[-1])
    assert result["rc"] == 0
    assert not {"sqlalchemy", "segno", "requests"} & set(result["modules"])
    # ... and the start completed: the database was made just after the first paint
    assert (tmp_path / "data" / "queue.db").exists()
    log = (tmp_path / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "kiosk window open" in log and "core open" in log


def test_a_wrong_printer_setting_still_stops_the_start(tmp_path: Path) -> None:
    """The printer is made when a receipt is first printed, but a wrong ESC/POS device setting
    is still an error at start, before any window shows."""
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path), "run", "--windowed"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={
            "QT_QPA_PLATFORM": "offscreen",
            "PATH": "/usr/bin:/bin",
            "KIOSK_PRINTER_KIND": "escpos",
        },
        timeout=120,
    )
    assert done.returncode == 2
    assert "printer.device" in done.stderr and "first paint" not in done.stdout


@pytest.fixture
def early_kiosk(qtbot: QtBot, settings: Settings) -> Iterator[Kiosk]:
    """The kiosk as ``kiosk run`` shows it before its database is open."""
    kiosk = start(settings)
    kiosk.window.resize(*settings.ui.screen_resolution)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    yield kiosk
    kiosk.close()


def test_a_citizen_can_start_before_the_database_is_open(
    qtbot: QtBot, early_kiosk: Kiosk, settings: Settings
) -> None:
    driver = Driver(qtbot, early_kiosk)
    assert list(early_kiosk.window.screens) == [ScreenId.HOME]  # the others on first use
    driver.start("street-lights")
    driver.answer_choice("6")
    driver.answer_text("میدان ونک")
    driver.answer_choice("off")
    driver.answer_choice("one")
    driver.cont()  # no description
    driver.answer_choice("yes")  # anonymous
    driver.cont()  # no follow-up
    driver.wait_for(ScreenId.CHECK)
    assert not early_kiosk.ctx.core_is_open
    driver.tap("send")  # waits for the database ...
    assert driver.screen is ScreenId.CHECK
    early_kiosk.open_core_later()  # ... which opens now, as just after the first paint
    driver.wait_for(ScreenId.CONFIRMATION)
    tx = early_kiosk.ctx.session.submitted
    assert tx is not None
    stored = early_kiosk.core.queue.get(tx.id)
    assert stored is not None and stored.state is TxState.PENDING
    assert early_kiosk.core.catalog is early_kiosk.ctx.catalog  # one catalog for both


def test_a_database_that_cannot_open_stops_the_kiosk_with_its_error(
    qtbot: QtBot, early_kiosk: Kiosk, settings: Settings
) -> None:
    settings.database_path.parent.mkdir(parents=True, exist_ok=True)
    settings.database_path.write_bytes(b"this is not a database" * 100)
    early_kiosk.open_core_later()
    qtbot.waitUntil(lambda: early_kiosk.start_error is not None, timeout=10_000)
    assert not early_kiosk.ctx.core_is_open


def write_catalog(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_which_catalog_the_kiosk_uses(settings: Settings) -> None:
    bundled = default_catalog_path()
    assert catalog_path_for(settings) == bundled
    synced = write_catalog(
        settings.catalog_dir / SYNCED_CATALOG, bundled.read_text(encoding="utf-8")
    )
    assert catalog_path_for(settings) == synced
    assert load_kiosk_catalog(settings)[1] == synced
    write_catalog(synced, "{ not json")  # a broken synced catalog: back to the bundled one
    assert load_kiosk_catalog(settings)[1] == bundled
    configured = dataclasses.replace(
        settings, catalog=dataclasses.replace(settings.catalog, path=bundled)
    )
    assert catalog_path_for(configured) == bundled


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["run"],
        ["run", "--windowed"],
        ["--data-dir", "/x", "run", "--quit-after-first-paint"],
        ["--data-dir=/x", "--config", "k.toml"],
    ],
)
def test_kiosk_run_parses_its_arguments_as_the_whole_command_line_does(argv: list[str]) -> None:
    from kiosk.cli import _runs_the_kiosk, build_parser

    assert _runs_the_kiosk(argv)
    whole = vars(build_parser().parse_args(argv))
    assert vars(build_parser(run_only=True).parse_args(argv)) == whole


def test_the_command_line_knows_the_states_and_channels_without_the_models() -> None:
    from kiosk.cli.queue_cmd import CHANNELS, TX_STATES

    assert tuple(s.value for s in TxState) == TX_STATES
    assert tuple(c.value for c in Channel) == CHANNELS
