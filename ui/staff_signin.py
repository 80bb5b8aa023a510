"""Staff sign-in: type the name, type the PIN; and the hidden ways to reach it.

:class:`StaffSignIn` comes in two variants. On the touch kiosk (``touch=True``) the name is typed
on the on-screen keyboard (Persian or English keys), then the PIN on its numeric pad; at a counter
(``touch=False``) it is a name field and a PIN field, keyboard first. Neither lists or completes
staff names: whoever finds the hidden gesture on a public kiosk learns nothing about who works
there (not even whether a name exists: an unknown name and a wrong PIN get the same words).
Either way the PIN is checked by :meth:`kiosk.staff.StaffStore.authenticate` on the background
runner (scrypt takes tens of milliseconds), which also writes the audit entries. A wrong PIN and
an unknown (or disabled) name get the same words; a lockout says how long to wait, counting down.

:class:`CornerTapDetector` is the hidden gesture of a public kiosk: five taps within 3 s in the
top-leading corner (20 mm square). :func:`install_staff_shortcut` is the counter machine's way:
Ctrl+Alt+S.

Only light modules are imported at the top: the kiosk installs the gesture at start, before it
opens its database.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QMouseEvent, QShortcut, QTouchEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import N_
from ui.counter.widgets import action, show_message, text_label
from ui.theme import Role, set_role

if TYPE_CHECKING:
    from kiosk.staff import StaffMember
    from ui.admin.desk import StaffDesk
    from ui.widgets.keyboard import OnScreenKeyboard

log = logging.getLogger("ui.staff")

TITLE = N_("Staff sign-in")
NEXT = N_("Next")
NAME = N_("Name")
PIN = N_("PIN")
ENTER_NAME = N_("Enter your name")
ENTER_PIN = N_("Enter your PIN")
SIGN_IN = N_("Sign in")
CANCEL = N_("Cancel")
BACK = N_("Back")
SIGNING_IN = N_("Checking…")
NOT_RIGHT = N_("The name or PIN is not right.")
LOCKED = N_("Too many tries.")
WAIT = N_("Try again in {seconds} seconds.")
ADMINS_ONLY = N_("Only an admin can open this. Ask an admin to sign in.")
NO_STAFF = N_(
    "There are no staff accounts on this kiosk yet. IT staff create the first one with "
    "'kiosk staff add NAME --role admin'."
)
FAILED = N_("Signing in did not work. Try again, or ask IT staff to check the log.")

SHORTCUT: str = "Ctrl+Alt+S"
CORNER_MM = 20.0
TAPS = 5
WITHIN_S = 3.0


class StaffSignIn(QWidget):
    """Sign a staff member in. ``admin_only``: a clerk's correct PIN is refused (and signed
    out again), for the admin panel."""

    signed_in = Signal(object)  # kiosk.staff.StaffMember
    cancelled = Signal()

    def __init__(
        self,
        desk: StaffDesk,
        *,
        touch: bool = True,
        admin_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("staff-signin")
        self.desk = desk
        self.touch = touch
        self.admin_only = admin_only
        self._name = ""
        self._busy = False
        self._wait_until = 0.0
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)
        self.title = text_label(kind="title")
        self.message = text_label(role=Role.ERROR, name="signin-message")
        self.message.hide()
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.pin.setProperty("keyboard", "numeric")
        self.pin.returnPressed.connect(self.on_submit)
        self.sign_in_button = action(on_click=self.on_submit, name="sign-in")
        self.cancel_button = action(on_click=self.on_cancel, name="cancel")
        self.pin_label = text_label()
        self.name_label = text_label()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("staff-name")
        self.name_edit.setMaxLength(80)
        self.chosen_label = text_label(name="staff-name-typed")  # the name, above the PIN
        self.keyboard: OnScreenKeyboard | None = None
        self.back_button: QPushButton | None = None
        self.next_button: QPushButton | None = None
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.message)
        if touch:
            self._build_touch(box)
        else:
            self._build_keyboard(box)
        desk.ctx.language_changed.connect(self.retranslate)
        self.retranslate()

    # -- building --------------------------------------------------------------------------

    def _build_keyboard(self, box: QVBoxLayout) -> None:
        self.name_edit.returnPressed.connect(self.pin.setFocus)
        for caption, field in ((self.name_label, self.name_edit), (self.pin_label, self.pin)):
            caption.setBuddy(field)
            box.addWidget(caption)
            box.addWidget(field)
        row = QHBoxLayout()
        row.addWidget(self.sign_in_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)
        self.sign_in_button.setDefault(True)
        self.setTabOrder(self.name_edit, self.pin)
        self.setTabOrder(self.pin, self.sign_in_button)
        self.setTabOrder(self.sign_in_button, self.cancel_button)

    def _build_touch(self, box: QVBoxLayout) -> None:
        """Two steps, one keyboard: the name on the text keys, then the PIN on the number pad."""
        from ui.widgets.keyboard import OnScreenKeyboard

        ctx = self.desk.ctx
        self.setStyleSheet(ctx.style_sheet)
        gap = ctx.theme.metrics.gap
        box.setContentsMargins(gap * 2, gap * 2, gap * 2, gap * 2)
        box.setSpacing(gap * 2)
        self.pages = QStackedWidget()
        name_page = QWidget()
        name_box = QVBoxLayout(name_page)
        name_box.setSpacing(gap * 2)
        self.name_label.setBuddy(self.name_edit)
        name_box.addWidget(self.name_label)
        name_box.addWidget(self.name_edit)
        name_box.addStretch(1)
        pin_page = QWidget()
        pin_box = QVBoxLayout(pin_page)
        pin_box.setSpacing(gap * 2)
        pin_box.addWidget(self.chosen_label)
        pin_box.addWidget(self.pin_label)
        pin_box.addWidget(self.pin)
        pin_box.addStretch(1)
        for field in (self.pin, self.name_edit):
            set_role(field, Role.INPUT)
        self.name_edit.returnPressed.connect(self.on_next)
        self.pages.addWidget(name_page)
        self.pages.addWidget(pin_page)
        box.addWidget(self.pages, 1)
        self.keyboard = OnScreenKeyboard(ctx.theme, ctx.lang)
        self.keyboard.enter_pressed.connect(self.on_enter)
        box.addWidget(self.keyboard, 0, Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        row.setSpacing(gap * 3)
        self.back_button = action(on_click=self.on_back, name="back")
        self.next_button = action(on_click=self.on_next, name="next")
        for button_, role in (
            (self.back_button, Role.SECONDARY),
            (self.cancel_button, Role.SECONDARY),
            (self.next_button, Role.PRIMARY),
            (self.sign_in_button, Role.PRIMARY),
        ):
            set_role(button_, role)
            button_.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the text box keeps the focus
        row.addWidget(self.back_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        row.addWidget(self.sign_in_button)
        box.addLayout(row)
        for widget in (self.title, self.name_label, self.chosen_label, self.pin_label):
            set_role(widget, Role.PAGE)
        set_role(self.message, Role.ERROR)
        self._show_page(0)

    def _show_page(self, index: int) -> None:
        """The name step (text keys, in the session's language) or the PIN step (numbers)."""
        from ui.widgets.keyboard import Layout

        self.pages.setCurrentIndex(index)
        keyboard = self.keyboard
        assert keyboard is not None
        lang = self.desk.lang
        if index == 0:
            keyboard.set_layout(Layout.FA if lang == "fa" else Layout.EN, lang)
            keyboard.attach(self.name_edit)
            self.name_edit.setFocus()
        else:
            keyboard.set_layout(Layout.NUMERIC, lang)
            keyboard.attach(self.pin)
            self.pin.setFocus()
        self._update_buttons()

    def _check_accounts(self, any_active: bool) -> None:
        if not any_active:
            show_message(self.message, self.desk.t(NO_STAFF), error=True)

    # -- the interface -----------------------------------------------------------------------

    def reset(self) -> None:
        """Start again: no name, no PIN. Says so if there are no staff accounts at all (and
        never which ones there are)."""
        self._name = ""
        self.pin.clear()
        self.name_edit.clear()
        if not self._waiting():
            show_message(self.message, "")
        staff = self.desk.staff

        def work() -> bool:
            return any(m.active for m in staff.list())

        self.desk.runner.run(work, on_success=self._check_accounts, owner=self)
        if self.touch:
            self._show_page(0)
        else:
            self._update_buttons()
            self.name_edit.setFocus()

    def choose(self, name: str) -> None:
        """The name is typed (touch): ask for the PIN."""
        self._name = name
        self.name_edit.setText(name)
        self.chosen_label.setText(name)
        self.pin.clear()
        if self.touch:
            self._show_page(1)
        self._update_buttons()
        self.pin.setFocus()

    @Slot()
    def on_next(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            show_message(self.message, self.desk.t(ENTER_NAME), error=True)
            self.name_edit.setFocus()
            return
        if not self._waiting():
            show_message(self.message, "")
        self.choose(name)

    @Slot()
    def on_enter(self) -> None:
        """The on-screen keyboard's Enter: Next on the name step, Sign in on the PIN step."""
        if self.touch and self.pages.currentIndex() == 0:
            self.on_next()
        else:
            self.on_submit()

    @Slot(str)
    def retranslate(self, _lang: str = "") -> None:
        t = self.desk.t
        self.title.setText(t(TITLE))
        self.name_label.setText(t(ENTER_NAME) if self.touch else t(NAME))
        self.pin_label.setText(t(PIN))
        self.sign_in_button.setText(t(SIGN_IN))
        self.cancel_button.setText(t(CANCEL))
        if self.back_button is not None:
            self.back_button.setText(t(BACK))
        if self.next_button is not None:
            self.next_button.setText(t(NEXT))
        if self.keyboard is not None and self.touch:
            self._show_page(self.pages.currentIndex())  # the keys of the new language
        self.pin.setAccessibleName(t(PIN))
        self.name_edit.setAccessibleName(t(NAME))
        if self._waiting():
            self._on_tick()

    # -- signing in --------------------------------------------------------------------------

    @Slot()
    def on_submit(self) -> None:
        if self._busy or self._waiting():
            return
        name = self._name if self.touch else self.name_edit.text().strip()
        pin = self.pin.text()
        t = self.desk.t
        if not name:
            show_message(self.message, t(ENTER_NAME), error=True)
            if self.touch:
                self._show_page(0)
            self.name_edit.setFocus()
            return
        if not pin.strip():
            show_message(self.message, t(ENTER_PIN), error=True)
            self.pin.setFocus()
            return
        self._busy = True
        self._update_buttons()
        show_message(self.message, t(SIGNING_IN))
        staff = self.desk.staff
        self.desk.runner.run(
            lambda: staff.authenticate(name, pin), self._on_success, self._on_failure, owner=self
        )

    def _on_success(self, member: StaffMember) -> None:
        self._busy = False
        self.pin.clear()
        if self.admin_only and not member.is_admin:
            staff = self.desk.staff
            self.desk.runner.run(lambda: staff.sign_out(member))  # whatever becomes of this
            show_message(self.message, self.desk.t(ADMINS_ONLY), error=True)
            self._update_buttons()
            return
        show_message(self.message, "")
        self._update_buttons()
        log.info("staff signed in on the %s sign-in", "touch" if self.touch else "counter")
        self.signed_in.emit(member)

    def _on_failure(self, exc: BaseException) -> None:
        from kiosk.staff import SignInFailed

        self._busy = False
        self.pin.clear()
        self.pin.setFocus()
        if not isinstance(exc, SignInFailed):
            log.error("staff sign-in failed: %s", type(exc).__name__)
            show_message(self.message, self.desk.t(FAILED), error=True)
            self._update_buttons()
            return
        self._reason = LOCKED if exc.reason == "locked" else NOT_RIGHT
        if exc.retry_after_s:
            self._wait_until = time.monotonic() + exc.retry_after_s
            self._tick.start()
            self._on_tick()
        else:
            show_message(self.message, self.desk.t(self._reason), error=True)
        self._update_buttons()

    def _waiting(self) -> bool:
        return time.monotonic() < self._wait_until

    def seconds_left(self) -> int:
        return max(0, math.ceil(self._wait_until - time.monotonic()))

    def _on_tick(self) -> None:
        left = self.seconds_left()
        if left <= 0:
            self._tick.stop()
            self._wait_until = 0.0
            show_message(self.message, "")
            self._update_buttons()
            return
        t = self.desk.t
        text = f"{t(self._reason)} {t(WAIT, seconds=left)}"
        show_message(self.message, text, error=True)

    def _update_buttons(self) -> None:
        ready = not self._busy and not self._waiting()
        self.sign_in_button.setEnabled(ready and (bool(self._name) or not self.touch))
        if self.touch:
            on_pin = self.pages.currentIndex() == 1
            assert self.back_button is not None
            assert self.next_button is not None
            self.back_button.setVisible(on_pin)
            self.sign_in_button.setVisible(on_pin)
            self.next_button.setVisible(not on_pin)

    @Slot()
    def on_back(self) -> None:
        """Back to the name (kept, to correct it)."""
        self._name = ""
        self.pin.clear()
        if self.touch:
            self._show_page(0)
        self._update_buttons()

    @Slot()
    def on_cancel(self) -> None:
        self.pin.clear()
        self.name_edit.clear()
        self._name = ""
        self.cancelled.emit()

    _reason: str = NOT_RIGHT


class CornerTapDetector(QObject):
    """Emits :attr:`triggered` after ``taps`` taps (or clicks) within ``within_s`` seconds in
    the top-leading corner of ``target`` (top-right when the layout is right-to-left).

    It watches the input of the target's window (:meth:`install`) and never eats an event: the
    tap also reaches whatever is under the finger. A tap elsewhere starts the count again.
    """

    triggered = Signal()

    def __init__(
        self,
        target: QWidget,
        *,
        px_per_mm: float,
        corner_mm: float = CORNER_MM,
        taps: int = TAPS,
        within_s: float = WITHIN_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(target)
        self.target = target
        self.corner_px = math.ceil(corner_mm * px_per_mm)
        self.taps = taps
        self.within_s = within_s
        self.clock = clock
        self._times: list[float] = []
        self._last_stamp: int | None = None
        self._watched: QObject | None = None

    def install(self) -> None:
        """Watch the input of the target's window (its QWindow: every touch and click reaches
        it once, and nothing else pays for a Python filter on every event of the app)."""
        top = self.target.window()
        top.winId()  # make the native window now, so its QWindow exists before it is shown
        self._watched = top.windowHandle()
        if self._watched is not None:
            self._watched.installEventFilter(self)

    def uninstall(self) -> None:
        if self._watched is not None:
            self._watched.removeEventFilter(self)
            self._watched = None

    def in_corner(self, local: QPoint) -> bool:
        size = self.corner_px
        width = self.target.width()
        if not (0 <= local.y() < size and 0 <= local.x() < width):
            return False
        return local.x() >= width - size if self.target.isRightToLeft() else local.x() < size

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind is QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            spot = event.globalPosition().toPoint()
        elif kind is QEvent.Type.TouchBegin and isinstance(event, QTouchEvent):
            points = event.points()
            if not points:
                return False
            spot = points[0].globalPosition().toPoint()
        else:
            return False
        # One press reaches the window, then the widget under it, then maybe its parents:
        # count it once (every delivery of it carries the same timestamp).
        stamp = event.timestamp()
        if stamp == self._last_stamp:
            return False
        self._last_stamp = stamp
        if not self.target.isVisible():
            return False
        self.tap(self.target.mapFromGlobal(spot))
        return False

    def tap(self, local: QPoint) -> None:
        """One tap at ``local`` (the target's coordinates)."""
        if not self.in_corner(local):
            self._times.clear()
            return
        now = self.clock()
        self._times = [t for t in self._times if now - t <= self.within_s]
        self._times.append(now)
        if len(self._times) >= self.taps:
            self._times.clear()
            self.triggered.emit()


def install_staff_shortcut(
    widget: QWidget, on_trigger: Callable[[], object], sequence: str = SHORTCUT
) -> QShortcut:
    """Ctrl+Alt+S (by default) anywhere in ``widget``'s window calls ``on_trigger``."""
    shortcut = QShortcut(QKeySequence(sequence), widget)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(on_trigger)
    return shortcut


__all__ = ["CornerTapDetector", "StaffSignIn", "install_staff_shortcut"]
