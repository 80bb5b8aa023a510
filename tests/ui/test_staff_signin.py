"""Staff sign-in (touch and counter variants), the hidden corner gesture and the shortcut.

Also the helpers the counter and admin tests share: a staff desk on the real core, with a
hand-written fake receipt printer (hardware is the only thing faked).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from kiosk.core import Core
from kiosk.receipt import Receipt
from kiosk.staff import StaffMember
from ui.admin.desk import StaffDesk
from ui.context import UiContext
from ui.fonts import load_fonts
from ui.staff_signin import (
    NOT_RIGHT,
    CornerTapDetector,
    StaffSignIn,
    install_staff_shortcut,
)
from ui.worker import BackgroundRunner

ADMIN, ADMIN_PIN = "Sara Ahmadi", "2580"
CLERK, CLERK_PIN = "Reza Karimi", "1357"
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "staff"


class FakePrinter:
    """A receipt printer that keeps what it was given (hardware fake)."""

    name = "fake"

    def __init__(self) -> None:
        self.receipts: list[Receipt] = []

    def print_receipt(self, receipt: Receipt) -> str:
        self.receipts.append(receipt)
        return f"fake:{receipt.tracking_digits}"

    def state(self) -> str:
        return "ok"


def make_desk(settings: Settings, core: Core, lang: str = "en") -> Iterator[StaffDesk]:
    """A staff desk on ``core`` with an admin and a clerk; waits for the runner at the end."""
    load_fonts()
    ctx = UiContext(settings, core.catalog, core.catalog_path, BackgroundRunner(), FakePrinter())
    ctx.attach_core(core)
    ctx.set_language(lang)
    desk = StaffDesk.open(ctx)
    desk.staff.add(ADMIN, "admin", ADMIN_PIN, by="cli:test")
    desk.staff.add(CLERK, "clerk", CLERK_PIN, by="cli:test")
    yield desk
    desk.runner.wait_for_done()


def save_shot(widget: QWidget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


@pytest.fixture
def desk(settings: Settings, core: Core) -> Iterator[StaffDesk]:
    yield from make_desk(settings, core)


def sign_in_widget(qtbot: QtBot, desk: StaffDesk, **kwargs: bool) -> StaffSignIn:
    widget = StaffSignIn(desk, **kwargs)
    qtbot.addWidget(widget)
    widget.resize(1280, 900)
    widget.show()
    widget.reset()
    qtbot.waitUntil(lambda: not desk.runner.busy)
    return widget


def tap_keys(qtbot: QtBot, widget: StaffSignIn, text: str) -> None:
    """Type ``text`` on the sign-in's own on-screen keys, as a finger would."""
    assert widget.keyboard is not None
    for ch in text:
        keys = [
            b
            for b in widget.keyboard.findChildren(QPushButton)
            if b.isVisible() and (b.text() == ch or (ch == " " and b.objectName() == "key-space"))
        ]
        assert keys, f"no key {ch!r}"
        qtbot.mouseClick(keys[0], Qt.MouseButton.LeftButton)


def every_text(root: QWidget) -> str:
    parts = []
    for w in [root, *root.findChildren(QWidget)]:
        parts += [w.accessibleName(), w.toolTip()]
        if isinstance(w, QLabel | QAbstractButton | QLineEdit):
            parts.append(w.text())
    return "\n".join(parts)


@pytest.mark.parametrize("touch", [True, False])
def test_the_sign_in_shows_no_staff_name(qtbot: QtBot, desk: StaffDesk, touch: bool) -> None:
    """Whoever taps the corner five times learns nothing about who works here."""
    widget = sign_in_widget(qtbot, desk, touch=touch)
    qtbot.keyClicks(widget.name_edit, "s")  # nothing completes a name either
    qtbot.wait(50)
    for name in (ADMIN, CLERK, *ADMIN.split(), *CLERK.split()):
        assert name not in every_text(widget)
    assert widget.name_edit.completer() is None
    kind = "touch" if touch else "counter"
    save_shot(widget, f"signin-{kind}-name-en")
    desk.ctx.set_language("fa")  # the keys follow the language, mirrored
    assert ADMIN not in every_text(widget)
    save_shot(widget, f"signin-{kind}-name-fa")


def test_touch_sign_in_with_the_right_pin(qtbot: QtBot, desk: StaffDesk) -> None:
    widget = sign_in_widget(qtbot, desk, touch=True)
    assert widget.name_edit.hasFocus()
    tap_keys(qtbot, widget, CLERK.lower())  # names are not case-sensitive
    qtbot.mouseClick(widget.next_button, Qt.MouseButton.LeftButton)
    assert widget.pages.currentIndex() == 1
    assert widget.pin.echoMode() is widget.pin.EchoMode.Password
    tap_keys(qtbot, widget, CLERK_PIN)  # on the number pad now
    assert widget.pin.text() == CLERK_PIN
    save_shot(widget, "signin-pin-en")
    with qtbot.waitSignal(widget.signed_in, timeout=5000) as blocker:
        qtbot.mouseClick(widget.sign_in_button, Qt.MouseButton.LeftButton)
    member = blocker.args[0]
    assert isinstance(member, StaffMember)
    assert member.name == CLERK
    assert widget.pin.text() == ""
    actions = [(e.actor, e.action) for e in desk.audit.entries()]
    assert (CLERK, "sign_in") in actions


def test_wrong_pin_and_unknown_name_get_the_same_words(qtbot: QtBot, desk: StaffDesk) -> None:
    widget = sign_in_widget(qtbot, desk, touch=False)
    messages = []
    for name, pin in ((CLERK, "9999"), ("Nobody Here", "9999")):
        widget.name_edit.setText("")
        qtbot.keyClicks(widget.name_edit, name)
        qtbot.keyClicks(widget.pin, pin)
        QTest.keyClick(widget.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not widget._busy and widget.message.text() != "Checking…")
        messages.append(widget.message.text())
    assert messages == [desk.t(NOT_RIGHT)] * 2
    failures = [e for e in desk.audit.entries() if e.action == "sign_in_failed"]
    assert [e.details["reason"] for e in failures] == ["wrong_pin", "unknown"]


def test_lockout_says_how_long_to_wait(qtbot: QtBot, desk: StaffDesk) -> None:
    widget = sign_in_widget(qtbot, desk, touch=True)
    widget.choose(ADMIN)
    for _ in range(3):
        qtbot.waitUntil(widget.sign_in_button.isEnabled)
        qtbot.keyClicks(widget.pin, "9999")
        qtbot.mouseClick(widget.sign_in_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not widget._busy)
    text = widget.message.text()
    assert text.startswith(desk.t(NOT_RIGHT))
    assert "Try again in 30 seconds." in text or "Try again in 29 seconds." in text
    assert not widget.sign_in_button.isEnabled()
    assert 28 <= widget.seconds_left() <= 30
    desk.ctx.set_language("fa")  # the countdown follows the language
    assert "۳۰" in widget.message.text() or "۲۹" in widget.message.text()
    save_shot(widget, "signin-locked-fa")


def test_admin_only_refuses_a_clerk(qtbot: QtBot, desk: StaffDesk) -> None:
    widget = sign_in_widget(qtbot, desk, touch=False, admin_only=True)
    qtbot.keyClicks(widget.name_edit, CLERK)
    qtbot.keyClicks(widget.pin, CLERK_PIN)
    with qtbot.assertNotEmitted(widget.signed_in, wait=200):
        QTest.keyClick(widget.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "admin" in widget.message.text())
    qtbot.waitUntil(lambda: desk.audit.entries()[-1].action == "sign_out")
    save_shot(widget, "signin-counter-en")


def test_cancel(qtbot: QtBot, desk: StaffDesk) -> None:
    widget = sign_in_widget(qtbot, desk, touch=True)
    with qtbot.waitSignal(widget.cancelled):
        qtbot.mouseClick(widget.cancel_button, Qt.MouseButton.LeftButton)


# -- the hidden gesture and the shortcut -----------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def target(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # not whatever the app was left in
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def tap(target: QWidget, clock: Clock, at: QPoint, times: int, every_s: float = 0.4) -> None:
    """Taps through the window system (the target's QWindow), as a finger's reach the kiosk."""
    window = target.windowHandle()
    assert window is not None
    for _ in range(times):
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
        clock.now += every_s


def detector(target: QWidget, clock: Clock) -> CornerTapDetector:
    gesture = CornerTapDetector(target, px_per_mm=4.0, clock=clock)  # 20 mm = 80 px
    gesture.install()
    return gesture


def test_five_taps_in_the_corner_within_3_s(qtbot: QtBot, target: QWidget) -> None:
    clock = Clock()
    gesture = detector(target, clock)
    try:
        with qtbot.waitSignal(gesture.triggered, timeout=1000):
            tap(target, clock, QPoint(10, 10), 5)
        with qtbot.assertNotEmitted(gesture.triggered):
            tap(target, clock, QPoint(10, 10), 4)  # four taps are not enough
        clock.now += 10
        with qtbot.assertNotEmitted(gesture.triggered):
            tap(target, clock, QPoint(10, 10), 5, every_s=0.8)  # five, but over 3.2 s
        clock.now += 10
        with qtbot.assertNotEmitted(gesture.triggered):
            tap(target, clock, QPoint(10, 10), 3)
            tap(target, clock, QPoint(400, 300), 1)  # a tap elsewhere starts again
            tap(target, clock, QPoint(10, 10), 2)
        clock.now += 10
        with qtbot.assertNotEmitted(gesture.triggered):
            tap(target, clock, QPoint(790, 10), 5)  # the trailing corner, in LTR
    finally:
        gesture.uninstall()


def test_the_corner_is_top_right_in_rtl(qtbot: QtBot, target: QWidget) -> None:
    target.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    clock = Clock()
    gesture = detector(target, clock)
    try:
        with qtbot.assertNotEmitted(gesture.triggered):
            tap(target, clock, QPoint(10, 10), 5)
        clock.now += 10
        with qtbot.waitSignal(gesture.triggered, timeout=1000):
            tap(target, clock, QPoint(790, 10), 5)
    finally:
        gesture.uninstall()


def test_the_counter_shortcut(qtbot: QtBot, target: QWidget) -> None:
    hits: list[int] = []
    install_staff_shortcut(target, lambda: hits.append(1))
    target.activateWindow()
    QTest.keyClick(
        target, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(lambda: hits == [1], timeout=1000)
