"""End-to-end fixtures: a real X server (Xvfb) and the environment a kiosk process gets on it.

The in-process tests render offscreen (``tests/conftest.py`` sets ``QT_QPA_PLATFORM=offscreen``
in this process); the tests here start the kiosk as a separate process with an explicit
environment, without that variable, so Qt picks its real ``xcb`` platform plugin as it does on
a kiosk.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.conftest import server, server_db  # noqa: F401 - the city server fixtures

SCREEN = (1920, 1080)
XVFB_START_TIMEOUT_S = 30.0


def _start_xvfb(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start Xvfb on a display number it picks itself; return it once it accepts clients.

    With ``-displayfd`` Xvfb chooses a free display number and writes it, followed by a newline,
    to the given descriptor once it is listening: that line is the readiness signal. End of
    file on the pipe means Xvfb exited first.
    """
    read_fd, write_fd = os.pipe()
    try:
        with log.open("wb") as log_file:
            proc = subprocess.Popen(
                [
                    "Xvfb",
                    "-displayfd",
                    str(write_fd),
                    "-screen",
                    "0",
                    f"{SCREEN[0]}x{SCREEN[1]}x24",
                    "-nolisten",
                    "tcp",
                ],
                pass_fds=(write_fd,),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
    finally:
        os.close(write_fd)
    try:
        line = b""
        deadline = time.monotonic() + XVFB_START_TIMEOUT_S
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"Xvfb did not report a display in {XVFB_START_TIMEOUT_S} s")
            readable, _, _ = select.select([read_fd], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(read_fd, 64)
            if not chunk:
                code = proc.wait(timeout=10)
                raise RuntimeError(
                    f"Xvfb exited with status {code} before reporting a display:\n"
                    + log.read_text(errors="replace")
                )
            line += chunk
    except BaseException:
        _stop(proc)
        raise
    finally:
        os.close(read_fd)
    return proc, f":{int(line)}"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def xvfb_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running Xvfb (``1920x1080x24``, no TCP) for this module's tests; yields ``":N"``."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the Xvfb tests run on Linux only (Qt's xcb platform)")
    if shutil.which("Xvfb") is None:
        pytest.skip(
            "Xvfb is not installed: the kiosk window test needs a virtual X server "
            "(Debian/Ubuntu: apt-get install xvfb, or run scripts/system-deps as root)"
        )
    proc, display = _start_xvfb(tmp_path_factory.mktemp("xvfb") / "xvfb.log")
    try:
        yield display
    finally:
        _stop(proc)


@pytest.fixture
def x_env(xvfb_display: str, tmp_path: Path) -> dict[str, str]:
    """The environment for a kiosk process on the Xvfb display.

    No ``QT_*`` variable (in particular no ``QT_QPA_PLATFORM``), no Wayland session that Qt
    could prefer on a developer's desktop, no ``KIOSK_*`` settings from the machine, and a
    private ``XDG_RUNTIME_DIR`` so Qt has no reason to warn about a missing one.
    """
    runtime = tmp_path / "xdg-runtime"
    runtime.mkdir(mode=0o700)
    dropped = {"WAYLAND_DISPLAY", "WAYLAND_SOCKET", "XDG_SESSION_TYPE", "XAUTHORITY"}
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in dropped and not name.startswith(("QT_", "KIOSK_"))
    }
    env["DISPLAY"] = xvfb_display
    env["XDG_RUNTIME_DIR"] = str(runtime)
    return env
