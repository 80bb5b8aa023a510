"""An honest heartbeat: the printer's state (not its name), from the same health snapshot that
``kiosk status --json`` prints, as the real kiosk sends it to the real server (read back from
what the server stored)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.cli import main
from kiosk.config import Settings, load_settings
from kiosk.core import open_core
from tests.sync.conftest import Server, enroll
from tests.ui.conftest import make_kiosk


def stored_heartbeat(server: Server) -> dict[str, Any]:
    kiosks = server.json("kiosk", "list")
    kiosks = kiosks if isinstance(kiosks, list) else kiosks["kiosks"]
    assert len(kiosks) == 1
    return dict(kiosks[0])


def enrolled_data_dir(data_dir: Path, server: Server, config: str = "") -> Settings:
    data_dir.mkdir(parents=True, exist_ok=True)
    if config:
        (data_dir / "kiosk.toml").write_text(config, encoding="utf-8")
    settings = load_settings(data_dir=data_dir, environ={})
    core = open_core(settings)
    try:
        enroll(core, server.url, server.token())
    finally:
        core.close()
    return settings


def status_json(capsys: pytest.CaptureFixture[str], settings: Settings) -> dict[str, Any]:
    assert main(["--data-dir", str(settings.data_dir), "status", "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def sync_once(capsys: pytest.CaptureFixture[str], settings: Settings) -> None:
    code = main(["--data-dir", str(settings.data_dir), "sync", "--once"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "heartbeat sent" in out


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("", "ok"),  # the PDF printer: its folder in the data dir is writable
        ('[printer]\nkind = "none"\n', "not_configured"),
        ('[printer]\nkind = "escpos"\ndevice = "file:{dir}/lp0"\n', "ok"),
        ('[printer]\nkind = "escpos"\ndevice = "file:{dir}/gone/lp0"\n', "error: offline"),
    ],
)
def test_the_server_stores_the_printers_state(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    server: Server,
    config: str,
    expected: str,
) -> None:
    pytest.importorskip("escpos")
    settings = enrolled_data_dir(tmp_path / "data", server, config.format(dir=tmp_path))
    sync_once(capsys, settings)
    stored = stored_heartbeat(server)
    assert stored["printer_state"] == expected
    status = status_json(capsys, settings)
    assert status["printer_state"] == expected  # the same snapshot
    assert stored["queue_depth"] == status["queue_depth"] == 0
    assert stored["catalog_version"] == status["catalog_version"]


def test_a_long_data_dir_path_does_not_break_the_heartbeat(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, server: Server
) -> None:
    """The PDF printer's name was ``pdf:<spool dir>``: a long path made every heartbeat a 400."""
    deep = tmp_path.joinpath(*["a-long-folder-name-for-the-kiosk-data"] * 8)
    settings = enrolled_data_dir(deep / "data", server)
    assert len(str(settings.spool_dir)) > 200
    sync_once(capsys, settings)
    assert stored_heartbeat(server)["printer_state"] == "ok"


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` on a read-only file system (a full or failed SD card remounted read-only):
    not writable even by root. Skips where mounting is not allowed."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a read-only file system needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_spool_folder_that_cannot_be_written_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, server: Server
) -> None:
    settings = enrolled_data_dir(tmp_path / "data", server)
    with read_only(settings.spool_dir):
        sync_once(capsys, settings)
        assert stored_heartbeat(server)["printer_state"] == "error: spool_not_writable"
        assert status_json(capsys, settings)["printer_state"] == "error: spool_not_writable"


@pytest.fixture
def kiosk_settings(tmp_path: Path, server: Server) -> Settings:
    return enrolled_data_dir(tmp_path / "data", server, "[sync]\ninterval = 2\n")


def test_the_running_kiosk_sends_its_printers_state(
    qtbot: QtBot, kiosk_settings: Settings, server: Server
) -> None:
    kiosks: Iterator[Any] = make_kiosk(qtbot, kiosk_settings)
    kiosk = next(kiosks)
    try:
        assert kiosk.sync is not None
        with qtbot.waitSignal(kiosk.sync.reported, timeout=30_000):
            kiosk.ctx.sync_now()
        qtbot.waitUntil(
            lambda: stored_heartbeat(server)["printer_state"] is not None, timeout=10_000
        )
        assert stored_heartbeat(server)["printer_state"] == "ok"
    finally:
        next(kiosks, None)
