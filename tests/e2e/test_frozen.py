"""Smoke test of the packaged kiosk (the PyInstaller build), as qutebrowser tests its release.

Runs when ``FROZEN_KIOSK`` names the built executable (``./scripts/build``, then
``FROZEN_KIOSK=dist/kiosk/kiosk pytest tests/e2e/test_frozen.py``); skipped otherwise. Every
command runs the frozen executable as its own process, offscreen, with a clean environment (no
``KIOSK_*``, ``QT_*`` or ``PYTHON*`` variable of this machine, no virtualenv on ``PATH``), a
temporary data dir, home and temp dir; every command must leave its standard error empty except
for the lines in :data:`HARMLESS_STDERR`, and must write nothing outside its data dir.
"""

from __future__ import annotations

import array
import json
import os
import shutil
import struct
import subprocess
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from kiosk import __version__

pytestmark = pytest.mark.slow

FROZEN_ENV = "FROZEN_KIOSK"
if not os.environ.get(FROZEN_ENV):
    pytest.skip(
        f"{FROZEN_ENV} is not set: build with ./scripts/build, then run "
        f"{FROZEN_ENV}=dist/kiosk/kiosk pytest tests/e2e/test_frozen.py",
        allow_module_level=True,
    )

KIOSK = Path(os.environ[FROZEN_ENV]).absolute()
BUNDLE = KIOSK.parent / "_internal"  # sys._MEIPASS of the onedir build
TIMEOUT_S = 120
BUDGET_BYTES = 120_000_000  # docs/deploy.md, "What the build contains"
SCREEN = (1920, 1080)
HEADER = "#12436d"  # the top bar (ui.theme, Role.HEADER, normal theme)
PAGE = "#f4f6f7"  # the page background (ui.theme, Role.PAGE, normal theme)

# Lines the frozen kiosk may print on standard error; anything else fails the test.
HARMLESS_STDERR: tuple[str, ...] = (
    # Qt's offscreen platform plugin, each time a top-level window is shown; the source run
    # prints it too (it is not a packaging problem).
    "This plugin does not support propagateSizeHints()",
)

# The Qt plugins the build keeps (build.spec, QT_PLUGINS); any other is a packaging regression.
QT_PLUGINS = {
    "platforms": {"libqoffscreen.so", "libqxcb.so", "libqwayland.so", "libqminimal.so"},
    "xcbglintegrations": {"libqxcb-glx-integration.so", "libqxcb-egl-integration.so"},
    "wayland-shell-integration": {"libxdg-shell.so"},
    "wayland-decoration-client": {"libbradient.so"},
    "wayland-graphics-integration-client": {"libqt-plugin-wayland-egl.so"},
    "platforminputcontexts": {"libcomposeplatforminputcontextplugin.so"},
}
QT_LIBS_LEFT_OUT = ("Qml", "Quick", "Network", "WebEngine", "3D", "Multimedia", "Pdf", "Sql")
MODULES_LEFT_OUT = (
    "cityserver",
    "fastapi",
    "uvicorn",
    "pydantic",
    "babel",
    "tkinter",
    "pytest",
    "PySide6.QtNetwork",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtSql",
)
MODULES_NEEDED = ("kiosk.cli", "ui.run", "sync.engine", "sqlalchemy.dialects.sqlite", "segno")
SOURCE_KIOSK = (sys.executable, "-m", "kiosk")
ESCPOS_MODULES = ("escpos.printer", "PIL.Image", "usb.core", "serial")

STREET_LIGHTS = (
    "district=6",
    "address=خیابان کارگر شمالی، روبه‌روی پارک لاله",
    "problem_type=off",
    "how_many=several",
    "anonymous=yes",
)


@dataclass
class Sandbox:
    """A clean environment for the frozen kiosk, and the folders it may and may not write to."""

    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def env(self) -> dict[str, str]:
        runtime = self.root / "xdg-runtime"
        for folder in (self.home, self.tmp, runtime):
            folder.mkdir(mode=0o700, exist_ok=True)
        return {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",  # as deploy/municipal-kiosk.service sets it
            "HOME": str(self.home),
            "TMPDIR": str(self.tmp),
            "XDG_RUNTIME_DIR": str(runtime),
            "QT_QPA_PLATFORM": "offscreen",
            "KIOSK_DATA_DIR": str(self.data_dir),
            "KIOSK_STATION_NUMBER": "123",  # a standalone kiosk: its own number, no enrollment
        }

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(KIOSK), *args],
            env=env or self.env(),
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        assert list(self.home.iterdir()) == [], "the kiosk wrote to its home directory"
        assert list(self.tmp.iterdir()) == [], "the kiosk left files in its temp directory"
        return result

    def log(self) -> str:
        path = self.data_dir / "logs" / "kiosk.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""


def unexpected_stderr(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not any(known in line for known in HARMLESS_STDERR)
    ]


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The command's output, after checking it succeeded and printed nothing unexpected."""
    where = f"{result.args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, where
    assert unexpected_stderr(result.stderr) == [], where
    return result.stdout


def log_problems(log: str) -> list[str]:
    return [line for line in log.splitlines() if " WARNING " in line or " ERROR " in line]


def share(image: QImage, colour: str, top: int, bottom: int) -> float:
    """The share of the pixels in rows ``top`` to ``bottom - 1`` that are exactly ``colour``."""
    rgb32 = image.convertToFormat(QImage.Format.Format_RGB32)
    stride = rgb32.bytesPerLine()
    data = bytes(rgb32.constBits())[top * stride : bottom * stride]
    pattern = struct.pack("=I", QColor(colour).rgb())
    return data.count(pattern) / (rgb32.width() * (bottom - top))


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path)


@dataclass
class Shot:
    result: subprocess.CompletedProcess[str]
    image: QImage
    log: str


@pytest.fixture(scope="module")
def home_fa(tmp_path_factory: pytest.TempPathFactory) -> Shot:
    """The Persian home screen, rendered once by the frozen build for this module's tests."""
    box = Sandbox(tmp_path_factory.mktemp("frozen-shot"))
    out = box.root / "home-fa.png"
    result = box.run("screenshot", "--screen", "home", "--lang", "fa", "--out", str(out))
    return Shot(result, QImage(str(out)), box.log())


def test_executable_exists() -> None:
    assert KIOSK.is_file(), f"{FROZEN_ENV}={KIOSK} is not a file"
    assert os.access(KIOSK, os.X_OK), f"{KIOSK} is not executable"
    assert (BUNDLE / "assets").is_dir(), f"{KIOSK} is not a onedir build ({BUNDLE} is missing)"


def test_version(sandbox: Sandbox) -> None:
    assert ok(sandbox.run("--version")) == f"kiosk {__version__}\n"


def test_screenshot_of_the_persian_home_screen(home_fa: Shot) -> None:
    out = ok(home_fa.result)
    assert out.strip().endswith("home-fa.png")
    image = home_fa.image
    assert not image.isNull(), "the screenshot is not a readable PNG"
    assert (image.width(), image.height()) == SCREEN
    # The header bar across the top, the page colour over much of the middle: not blank, not
    # one flat colour, and the theme is the one the source renders.
    assert share(image, HEADER, 0, 20) > 0.6  # the bar, less the buttons on it
    assert share(image, PAGE, SCREEN[1] // 3, 2 * SCREEN[1] // 3) > 0.4
    # Text was drawn (the bundled Vazirmatn font loaded): many distinct colours from
    # antialiasing, in the tile area.
    tiles = image.copy(0, 200, SCREEN[0], 400).convertToFormat(QImage.Format.Format_RGB32)
    colours = {tiles.pixel(x, y) for x in range(0, SCREEN[0], 3) for y in range(0, 400, 3)}
    assert len(colours) > 20


def test_persian_screenshot_differs_from_english(sandbox: Sandbox, home_fa: Shot) -> None:
    out = sandbox.root / "home-en.png"
    ok(sandbox.run("screenshot", "--screen", "home", "--lang", "en", "--out", str(out)))
    english = QImage(str(out))
    assert english.size() == home_fa.image.size()
    assert english != home_fa.image, "the Persian and English home screens are identical"


def test_frozen_screenshot_matches_the_source(tmp_path: Path, home_fa: Shot) -> None:
    """The frozen build draws what the source draws: same fonts, strings, digits and layout.

    A missing font, compiled catalog or ICU locale would change pixels. The source runs in this
    test's Python with the same clean environment.
    """
    box = Sandbox(tmp_path)
    out = tmp_path / "home-fa-source.png"
    result = subprocess.run(
        [*SOURCE_KIOSK, "screenshot", "--screen", "home", "--lang", "fa", "--out", str(out)],
        env=box.env(),
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    ok(result)
    source = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB32)
    frozen = home_fa.image.convertToFormat(QImage.Format.Format_RGB32)
    assert source.size() == frozen.size()
    a, b = bytes(source.constBits()), bytes(frozen.constBits())
    differing = sum(1 for i in range(0, len(a), 4) if a[i : i + 4] != b[i : i + 4])
    assert differing / (len(a) // 4) < 0.005, f"{differing} pixels differ from the source render"


def test_qt_persian_translation_is_bundled_and_loaded(home_fa: Shot) -> None:
    # ui.appsetup loads qtbase_fa from QLibraryInfo's TranslationsPath, which PySide6 points at
    # the bundle's PySide6/Qt; when the file is missing it logs "Qt's own fa translation is
    # missing from <folder>". No screen shows a Qt-provided string, so the log is the witness.
    qm = BUNDLE / "PySide6" / "Qt" / "translations" / "qtbase_fa.qm"
    assert qm.is_file(), f"{qm} is not in the build"
    assert qm.stat().st_size > 10_000
    assert "translation is missing" not in home_fa.log
    assert log_problems(home_fa.log) == []


def test_headless_submission(sandbox: Sandbox) -> None:
    answers = [arg for answer in STREET_LIGHTS for arg in ("--answer", answer)]
    submitted = json.loads(
        ok(sandbox.run("submit", "--service", "street-lights", *answers, "--json"))
    )

    listed = json.loads(ok(sandbox.run("queue", "list", "--json")))
    assert [item["id"] for item in listed] == [submitted["id"]]
    item = listed[0]
    assert item["service_code"] == "street-lights"
    assert item["state"] == "pending"
    assert item["answers"]["address"] == "خیابان کارگر شمالی، روبه‌روی پارک لاله"
    status = json.loads(ok(sandbox.run("status", "--json")))
    assert status["counts"]["pending"] == 1
    assert Path(status["database"]) == sandbox.data_dir / "queue.db"
    assert log_problems(sandbox.log()) == []
    readable = [  # the frozen build sets the private umask too (kiosk.files)
        str(p) for p in [sandbox.data_dir, *sandbox.data_dir.rglob("*")] if p.stat().st_mode & 0o077
    ]
    assert readable == []


def test_the_frozen_kiosk_speaks_persian(sandbox: Sandbox) -> None:
    out = sandbox.root / "confirmation.wav"
    printed = ok(sandbox.run("say", "--screen", "confirmation", "--lang", "fa", "--out", str(out)))
    assert "espeak-ng (library)" in printed  # the bundled library, not a program of the machine
    with wave.open(str(out), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        seconds = w.getnframes() / w.getframerate()
        samples = array.array("h", w.readframes(w.getnframes()))
    assert seconds > 20
    assert max(abs(s) for s in samples) > 5000  # speech, not silence


def test_bad_answer_is_one_line_on_stderr(sandbox: Sandbox) -> None:
    result = sandbox.run("submit", "--service", "street-lights", "--answer", "district=99")
    assert result.returncode == 2
    assert result.stderr.startswith("kiosk: error: ")
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert json.loads(ok(sandbox.run("queue", "list", "--json"))) == []


def test_refusals_make_nothing_and_speak_json_and_persian(sandbox: Sandbox) -> None:
    bad = ("submit", "--service", "street-lights", "--answer", "district=99")
    result = sandbox.run(*bad, "--json")
    assert result.returncode == 2
    assert json.loads(result.stderr)["reason"] == "invalid_answers"
    result = sandbox.run("--lang", "fa", *bad)
    assert result.stderr.startswith("kiosk: خطا: "), result.stderr  # the bundled catalogs
    assert not sandbox.data_dir.exists()  # a refused command makes no data dir


@pytest.mark.parametrize(
    "content",
    [b'[station]\nname = "Caf\xe9"\n', b"[ui]\x00\n", bytes(range(256))],
    ids=["latin-1", "nul", "binary"],
)
def test_a_settings_file_with_any_bytes_is_one_line(sandbox: Sandbox, content: bytes) -> None:
    sandbox.data_dir.mkdir(parents=True)
    (sandbox.data_dir / "kiosk.toml").write_bytes(content)
    result = sandbox.run("status")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("kiosk: error: kiosk.toml: "), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_bundled_catalog_validates(sandbox: Sandbox) -> None:
    bundled = BUNDLE / "assets" / "catalog" / "default.json"
    out = ok(sandbox.run("catalog", "validate", str(bundled)))
    assert "valid catalog" in out
    listed = json.loads(ok(sandbox.run("catalog", "list", "--json")))
    assert len(json.dumps(listed)) > 1000  # the bundled catalog, found through sys._MEIPASS


def test_demo_is_refused_with_one_line(sandbox: Sandbox) -> None:
    result = sandbox.run("demo")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("kiosk: error: "), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_run_paints_under_xvfb(sandbox: Sandbox, xvfb_display: str) -> None:
    """``kiosk run`` on a real X server through Qt's xcb plugin, as an X11 kiosk session runs."""
    env = sandbox.env()
    del env["QT_QPA_PLATFORM"]
    env["DISPLAY"] = xvfb_display
    out = ok(sandbox.run("run", "--windowed", "--quit-after-first-paint", env=env))
    assert "first paint after" in out
    assert log_problems(sandbox.log()) == []


def test_bundle_contents() -> None:
    for name in ("Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf", "OFL.txt"):
        assert (BUNDLE / "assets" / "fonts" / name).is_file(), name
    for lang in ("fa", "en"):
        assert (BUNDLE / "locales" / lang / "LC_MESSAGES" / "messages.mo").is_file(), lang
    assert not list(BUNDLE.glob("locales/**/*.po")), "source catalogs are not needed at run time"

    qt = BUNDLE / "PySide6" / "Qt"
    plugins = {
        folder.name: {p.name for p in folder.iterdir()} for folder in (qt / "plugins").iterdir()
    }
    assert plugins == QT_PLUGINS
    assert sorted(p.name for p in (qt / "translations").iterdir()) == ["qt_fa.qm", "qtbase_fa.qm"]
    assert not (qt / "qml").exists()
    libs = [p.name for p in (qt / "lib").iterdir()]
    assert [lib for lib in libs if any(f"Qt6{m}" in lib for m in QT_LIBS_LEFT_OUT)] == []


def test_size_budget() -> None:
    size = sum(
        p.stat().st_size for p in KIOSK.parent.rglob("*") if p.is_file() and not p.is_symlink()
    )
    assert size <= BUDGET_BYTES, f"{size / 1e6:.1f} MB unpacked, over the budget"


def _archive_modules() -> set[str]:
    viewer = shutil.which("pyi-archive_viewer", path=str(Path(sys.executable).parent))
    if viewer is None:
        pytest.skip("PyInstaller is not installed here (pip install -e '.[build]')")
    listing = subprocess.run(
        [viewer, "--list", "--recursive", "--brief", str(KIOSK)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=True,
    ).stdout
    return {line.strip() for line in listing.splitlines() if line.strip()}


def test_python_modules_in_the_build() -> None:
    modules = _archive_modules()
    assert [m for m in MODULES_NEEDED if m not in modules] == []
    left_out = [m for m in MODULES_LEFT_OUT if m in modules or any(
        x.startswith(m + ".") for x in modules
    )]  # fmt: skip
    assert left_out == []
    # ESC/POS printing is in the build unless it was built with KIOSK_BUILD_ESCPOS=0; then all
    # of it is out, never half of it.
    escpos = [m for m in ESCPOS_MODULES if m in modules]
    assert escpos in ([], list(ESCPOS_MODULES))
    assert bool(escpos) == (BUNDLE / "escpos" / "capabilities.json").is_file()
