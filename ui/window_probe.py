"""Can Qt open a window here? Asked before anything else is started, answered in one sentence.

When Qt's platform plugin cannot load (a system library is missing, there is no X server),
Qt prints a few lines and aborts the process: nothing after that runs, so whatever the process
had started stays behind. :func:`probe_window` asks in a child process instead
(``python -m ui.window_probe``, which makes a ``QGuiApplication`` with the same environment the
kiosk will have) and turns a failure into :class:`NoDisplay` with one sentence that names the
cause: the missing libraries, or the display that does not answer.

This module imports PySide6 only in the child, so asking costs the caller nothing but the
child's start (about half a second).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

PROBE_TIMEOUT_S = 60.0
SYSTEM_DEPS_HINT = "as root, scripts/system-deps run installs the kiosk's system libraries"
# what Qt says (kiosk run imports this module for check_display: re and subprocess, which it
# does not need before its first paint, are imported when a probe runs)
_MISSING_LIBRARY = r"([\w.+-]+\.so(?:\.\d+)*): cannot open shared object file"
_XCB_CURSOR = "xcb-cursor0 or libxcb-cursor0 is needed"
_CURSOR_LIB = "libxcb-cursor.so.0"
_NO_DISPLAY = r"(?i)could not connect to display ?(\S*)"


class NoDisplay(RuntimeError):
    """There is no screen the kiosk can open its window on; the message says why."""


def check_display(environ: Mapping[str, str] | None = None) -> None:
    """Fail with a sentence, not a Qt abort, when there is no display to show the kiosk on."""
    env = os.environ if environ is None else environ
    if env.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        raise NoDisplay(
            "no display: run the kiosk in a graphical session (DISPLAY or WAYLAND_DISPLAY), "
            "or set QT_QPA_PLATFORM=offscreen to run it without one"
        )


def probe_window(environ: Mapping[str, str] | None = None) -> None:
    """Raise :class:`NoDisplay` unless a Qt application can start with ``environ`` (default:
    this process's environment) on its platform plugin (xcb on an X11 desktop)."""
    import subprocess

    env = dict(os.environ if environ is None else environ)
    check_display(env)
    env["QT_DEBUG_PLUGINS"] = "1"  # names the library a plugin could not load
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ui.window_probe"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise NoDisplay(
            f"Qt could not open a window: it did not start within {PROBE_TIMEOUT_S:.0f} s "
            f"(is the display {env.get('DISPLAY') or env.get('WAYLAND_DISPLAY')} answering?)"
        ) from None
    if result.returncode != 0 or result.stdout.strip() != "ok":
        raise NoDisplay(explain(result.stderr, env))


def explain(
    qt_output: str, env: Mapping[str, str], loads: Callable[[str], bool] | None = None
) -> str:
    """One sentence for what Qt said when its platform plugin did not start (``loads``: whether
    a shared library loads here; by default, try it)."""
    import re

    loads = loads or _loads
    platform = env.get("QT_QPA_PLATFORM") or "xcb"
    missing = sorted(set(re.findall(_MISSING_LIBRARY, qt_output)))
    display = re.search(_NO_DISPLAY, qt_output)
    # Qt adds its xcb-cursor hint to any failure of the xcb plugin: believe it only when the
    # library really does not load
    if not missing and display is None and _XCB_CURSOR in qt_output and not loads(_CURSOR_LIB):
        missing = [_CURSOR_LIB]
    if missing:
        libraries = ", ".join(missing)
        which = "which are" if len(missing) > 1 else "which is"
        return (
            f"Qt cannot open a window: its {platform} platform plugin needs {libraries}, "
            f"{which} not installed ({SYSTEM_DEPS_HINT})"
        )
    if display is not None:
        shown = display.group(1) or env.get("DISPLAY", "")
        return (
            f"Qt cannot open a window: the display {shown} does not answer "
            "(is the X server running, and may this user connect to it?)"
        )
    return (
        f"Qt cannot open a window: its {platform} platform plugin did not start "
        f"(QT_DEBUG_PLUGINS=1 {os.path.basename(sys.executable)} -m ui.window_probe "
        f"shows Qt's own words; {SYSTEM_DEPS_HINT})"
    )


def _loads(library: str) -> bool:
    import ctypes

    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def main() -> int:
    """The child: start a Qt GUI application on the platform plugin Qt picks, then say so."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    if app.primaryScreen() is None:
        print("Qt started but found no screen", file=sys.stderr)
        return 1
    print("ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
