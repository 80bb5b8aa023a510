"""The admin panel: enrollment, settings, sync and logs, diagnostics, staff; leave kiosk mode.

Reachable on a public kiosk after the hidden gesture and an admin's PIN, and from the counter
window's Admin tab. Every action that changes something is audited under the admin's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from kiosk.i18n import N_, is_rtl
from ui.admin.enroll_page import EnrollPage
from ui.admin.settings_page import SettingsPage
from ui.admin.staff_page import StaffPage
from ui.admin.system_page import SystemPage
from ui.counter.widgets import action, text_label

if TYPE_CHECKING:
    from kiosk.staff import StaffMember
    from kiosk.state import Enrollment
    from ui.admin.desk import StaffDesk

TITLE = N_("Admin panel")
WHO = N_("Signed in: {name}")
TABS = (N_("Enrollment"), N_("Settings"), N_("Sync and log"), N_("Staff"))
LEAVE = N_("Leave kiosk mode")
CLOSE = N_("Close and sign out")


class AdminPanel(QWidget):
    """``sync_now`` triggers a sync cycle (disabled when the kiosk is not enrolled);
    ``show_leave``: the kiosk's "Leave kiosk mode" and "Close" buttons (not at a counter)."""

    leave_requested = Signal()  # audited; the kiosk then quits kiosk mode
    close_requested = Signal()  # the admin signed out (audited); back to the citizens' screens
    enrolled = Signal(object)  # kiosk.state.Enrollment: start the sync engine
    settings_saved = Signal(list)  # the keys written to the overrides file

    def __init__(
        self,
        desk: StaffDesk,
        member: StaffMember,
        *,
        sync_now: Callable[[], object] | None = None,
        show_leave: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("admin-panel")
        self.desk = desk
        self.member = member
        box = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.title = text_label(kind="title")
        self.who = text_label()
        self.leave_button = action(on_click=self.on_leave, name="leave")
        self.close_button = action(on_click=self.on_close, name="close-admin")
        bar.addWidget(self.title)
        bar.addWidget(self.who, 1)
        bar.addWidget(self.leave_button)
        bar.addWidget(self.close_button)
        self.leave_button.setVisible(show_leave)
        self.close_button.setVisible(show_leave)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("admin-tabs")
        self.enroll_page = EnrollPage(desk, member)
        self.settings_page = SettingsPage(desk, member)
        self.system_page = SystemPage(desk, member, sync_now)
        self.staff_page = StaffPage(desk, member)
        for page in (self.enroll_page, self.settings_page, self.system_page, self.staff_page):
            scroller = QScrollArea()
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QScrollArea.Shape.NoFrame)
            scroller.setWidget(page)
            self.tabs.addTab(scroller, "")
        box.addLayout(bar)
        box.addWidget(self.tabs, 1)
        self.enroll_page.enrolled.connect(self._on_enrolled)
        self.settings_page.saved.connect(self.settings_saved.emit)
        desk.ctx.language_changed.connect(self.retranslate)
        self.retranslate()

    @Slot(object)
    def _on_enrolled(self, enrollment: Enrollment) -> None:
        self.system_page.set_enrollment(enrollment)
        self.enrolled.emit(enrollment)

    @Slot()
    def on_leave(self) -> None:
        from kiosk.audit import AuditAction

        audit, actor = self.desk.audit, self.member.staff_id
        self.leave_button.setEnabled(False)

        def work() -> None:
            audit.append(actor, AuditAction.SIGN_OUT, {"leave_kiosk_mode": True})

        def done(_result: None) -> None:
            self.leave_button.setEnabled(True)
            self.leave_requested.emit()

        self.desk.runner.run(work, done)

    @Slot()
    def on_close(self) -> None:
        staff, member = self.desk.staff, self.member
        self.desk.runner.run(lambda: staff.sign_out(member), lambda _r: self.close_requested.emit())

    @Slot(str)
    def retranslate(self, _lang: str = "") -> None:
        t = self.desk.t
        rtl = is_rtl(self.desk.lang)
        self.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        )
        self.title.setText(t(TITLE))
        self.who.setText(t(WHO, name=self.member.name))
        self.leave_button.setText(t(LEAVE))
        self.close_button.setText(t(CLOSE))
        for i, msgid in enumerate(TABS):
            self.tabs.setTabText(i, t(msgid))
        for page in (self.enroll_page, self.settings_page, self.system_page, self.staff_page):
            page.retranslate()
