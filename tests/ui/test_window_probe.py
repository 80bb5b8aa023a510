"""``ui.window_probe``: one sentence for why Qt cannot open a window, from what Qt says."""

from __future__ import annotations

import pytest

from ui.window_probe import NoDisplay, check_display, explain, probe_window

HINT = "qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb"
# What Qt 6 prints on a Debian machine without libxcb-cursor0 (the first command) ...
QT_WITHOUT_XCB_CURSOR = f"""\
{HINT} platform plugin.
qt.qpa.plugin: Could not load the Qt platform plugin "xcb" in "" even though it was found.
This application failed to start because no Qt platform plugin could be initialized.
"""
# ... with QT_DEBUG_PLUGINS=1, when the plugin's own libraries are missing ...
QT_WITHOUT_ICCCM = f"""\
qt.core.library: "/venv/PySide6/Qt/plugins/platforms/libqxcb.so" cannot load: Cannot load library \
/venv/PySide6/Qt/plugins/platforms/libqxcb.so: (libxcb-icccm.so.4: cannot open shared object file: \
No such file or directory)
qt.core.plugin.loader: QLibraryPrivate::loadPlugin failed on "libqxcb.so" : "Cannot load library \
libqxcb.so: (libxcb-keysyms.so.1: cannot open shared object file: No such file or directory)"
{HINT} platform plugin.
"""
# ... and when there is no X server at the display (Qt adds its xcb-cursor hint all the same).
QT_NO_SERVER = f"""\
qt.qpa.xcb: could not connect to display :7
{HINT} platform plugin.
"""


def test_missing_libraries_are_named() -> None:
    message = explain(QT_WITHOUT_ICCCM, {"DISPLAY": ":0"})
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1, which are not installed" in message
    assert "scripts/system-deps run" in message
    assert "\n" not in message


def test_the_xcb_cursor_hint_counts_only_when_the_library_is_missing() -> None:
    missing = explain(QT_WITHOUT_XCB_CURSOR, {"DISPLAY": ":0"}, loads=lambda _lib: False)
    assert "needs libxcb-cursor.so.0, which is not installed" in missing
    there = explain(QT_WITHOUT_XCB_CURSOR, {"DISPLAY": ":0"}, loads=lambda _lib: True)
    assert "platform plugin did not start" in there
    assert "libxcb-cursor" not in there.split("(")[0]


def test_a_display_that_does_not_answer_is_said_so() -> None:
    message = explain(QT_NO_SERVER, {"DISPLAY": ":7"})
    assert message.startswith("Qt cannot open a window: the display :7 does not answer")
    assert "libxcb-cursor" not in message


def test_no_display_at_all() -> None:
    with pytest.raises(NoDisplay, match="no display"):
        check_display({})


def test_the_probe_passes_offscreen() -> None:
    probe_window({"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})


def test_the_probe_fails_in_one_sentence_on_a_dead_display() -> None:
    with pytest.raises(NoDisplay) as info:
        probe_window({"DISPLAY": ":1998", "PATH": "/usr/bin:/bin"})
    assert str(info.value) == (
        "Qt cannot open a window: the display :1998 does not answer "
        "(is the X server running, and may this user connect to it?)"
    )
