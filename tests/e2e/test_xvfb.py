"""Acceptance: ``kiosk run --windowed`` shows the home screen under Xvfb.

The kiosk runs as its own process on a real (virtual) X server through Qt's ``xcb`` platform
plugin, as on a kiosk, not offscreen. The first test runs the command itself; the second builds
the same window, shows it and reads the X server's screen back to prove the home screen is what
a person would see. Both skip, with the reason, where Xvfb is not installed.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from tests.e2e.conftest import SCREEN

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 90
HEADER = "#12436d"  # the top bar (ui.theme, Role.HEADER, normal theme)
PAGE = "#f4f6f7"  # the page background (ui.theme, Role.PAGE, normal theme)

# Lines on the kiosk's standard error that are known to be harmless. None so far: anything Qt or
# the kiosk prints there under Xvfb is a finding (a missing library, a font, a plugin).
HARMLESS_STDERR: tuple[str, ...] = ()

# Builds the kiosk as ``kiosk run --windowed`` does, shows it, waits until the window is exposed
# and the top bar has reached the X server, then grabs the whole screen (the root window: what
# the X server shows, not the widget tree) to a PNG and prints the geometry as JSON.
GRAB_SCRIPT = """
import json, struct, sys, time
from pathlib import Path

from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtTest import QTest

from kiosk.config import load_settings
from ui.run import build

data_dir, out, header = Path(sys.argv[1]), Path(sys.argv[2]), QColor(sys.argv[3])
settings = load_settings(data_dir=data_dir, environ={})
kiosk = build(settings)
window = kiosk.window
width, height = settings.ui.screen_resolution
window.resize(min(width, 1920), min(height, 1080))
window.show()
if not QTest.qWaitForWindowExposed(window, 20000):
    sys.exit("the kiosk window was never exposed")

geometry = window.frameGeometry()
screen = QGuiApplication.primaryScreen()
pattern = struct.pack("=I", header.rgb())
deadline = time.monotonic() + 20
while True:
    image = screen.grabWindow(0).toImage().convertToFormat(QImage.Format.Format_RGB32)
    row = image.copy(geometry.x(), geometry.y() + 2, geometry.width(), 1)
    on_bar = bytes(row.constBits())[: 4 * geometry.width()].count(pattern)
    if (window.painted and on_bar > geometry.width() // 2) or time.monotonic() > deadline:
        break
    QTest.qWait(20)  # poll: let Qt paint and flush, then look at the screen again
if not image.save(str(out)):
    sys.exit(f"could not save {out}")
print(json.dumps({
    "screen": [image.width(), image.height()],
    "window": [geometry.x(), geometry.y(), geometry.width(), geometry.height()],
    "platform": QGuiApplication.platformName(),
}))
kiosk.close()
"""


def unexpected_stderr(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not any(known in line for known in HARMLESS_STDERR)
    ]


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def share(image: QImage, colour: str, top: int, bottom: int) -> float:
    """The share of the pixels in rows ``top`` to ``bottom - 1`` that are exactly ``colour``."""
    rgb32 = image.convertToFormat(QImage.Format.Format_RGB32)
    stride = rgb32.bytesPerLine()
    data = bytes(rgb32.constBits())[top * stride : bottom * stride]
    # Every pixel is one native 32-bit 0xffRRGGBB: the 0xff byte can't match a colour byte of
    # these colours, so the count can't straddle two pixels (or the padding, if any).
    pattern = struct.pack("=I", QColor(colour).rgb())
    return data.count(pattern) / (rgb32.width() * (bottom - top))


def test_run_windowed_paints_under_xvfb(x_env: dict[str, str], tmp_path: Path) -> None:
    result = run_python(
        [
            "-m",
            "kiosk",
            "--data-dir",
            str(tmp_path / "data"),
            "run",
            "--windowed",
            "--quit-after-first-paint",
        ],
        x_env,
    )

    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert "first paint after" in result.stdout, result.stdout
    assert unexpected_stderr(result.stderr) == []
    log = (tmp_path / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "kiosk window open" in log  # the GUI kiosk writes its log


def test_home_screen_is_on_the_x_screen(x_env: dict[str, str], tmp_path: Path) -> None:
    shot = tmp_path / "screen.png"
    result = run_python(["-c", GRAB_SCRIPT, str(tmp_path / "data"), str(shot), HEADER], x_env)

    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert unexpected_stderr(result.stderr) == []
    info = json.loads(result.stdout)
    assert info["platform"] == "xcb"
    assert info["screen"] == list(SCREEN)
    x, y, width, height = info["window"]
    assert width > 0
    assert height > 0

    screen = QImage(str(shot))
    assert (screen.width(), screen.height()) == SCREEN
    window = screen.copy(x, y, width, height)
    # The top bar spans the window's top rows...
    assert share(window, HEADER, 0, 20) > 0.6
    # ...and the page background fills much of the middle (the service tiles sit on it).
    assert share(window, PAGE, height // 3, 2 * height // 3) > 0.4
