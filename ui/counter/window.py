"""The counter window (``kiosk run --counter``): a clerk signs in, then works in tabs.

Windowed and keyboard first: every action is a button that takes focus, Tab order follows the
reading order, and shortcuts reach the tabs (Ctrl+1 to Ctrl+5; Ctrl+F looks a request up,
Ctrl+N starts a new form). Persian and English, switched in the window; the layout mirrors.
The bar shows the counter's enrollment and sync state, read from the database on the background
runner when the window opens, after each filing and every few seconds (``ui.status``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QMainWindow,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import N_, is_rtl
from ui.counter.confirmation import LANGUAGES, Confirmation
from ui.counter.file_form import FileForm
from ui.counter.lookup_page import LookupPage
from ui.counter.queue_page import QueuePage
from ui.counter.report_page import ReportPage
from ui.counter.widgets import action, desk_sheet, text_label
from ui.staff_signin import StaffSignIn
from ui.status import SyncStatus, read_status, status_lines

if TYPE_CHECKING:
    from kiosk.queue import QueuedTransaction
    from kiosk.staff import StaffMember
    from ui.admin.desk import StaffDesk
    from ui.admin.panel import AdminPanel

log = logging.getLogger("ui.counter")

TITLE = N_("Municipal services counter")
WHO = N_("Signed in: {name} ({role})")
ROLES = {"clerk": N_("clerk"), "admin": N_("admin")}
SIGN_OUT = N_("Sign out")
LANGUAGE = N_("Language")
TAB_FILE = N_("File for a citizen")
TAB_LOOKUP = N_("Look up")
TAB_QUEUE = N_("Queue")
TAB_REPORT = N_("Day report")
TAB_ADMIN = N_("Admin")
STATUS_REFRESH_MS = 15_000


class CounterWindow(QMainWindow):
    """``desk``: the open core and UI context; ``sync_now`` is passed to the admin panel."""

    signed_out = Signal()

    def __init__(self, desk: StaffDesk, *, sync_now: Callable[[], object] | None = None) -> None:
        super().__init__()
        self.setObjectName("counter-window")
        self.desk = desk
        self.sync_now = sync_now
        self.member: StaffMember | None = None
        self.admin: AdminPanel | None = None
        self.setStyleSheet(desk_sheet())
        central = QWidget()
        box = QVBoxLayout(central)
        bar = QHBoxLayout()
        self.heading = text_label(kind="heading")
        self.who = text_label(name="who")
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(desk.lang)))
        self.language.currentIndexChanged.connect(self._on_language)
        self.sign_out_button = action(on_click=self.sign_out, name="sign-out")
        self.sign_out_button.hide()
        for widget in (self.heading, self.who):
            widget.setWordWrap(False)
            bar.addWidget(widget)
        bar.addStretch(1)
        self.status = text_label(kind="small", name="counter-status")
        self.status.setWordWrap(False)
        self.sync_status: SyncStatus | None = None  # until first read
        bar.addWidget(self.status)
        bar.addWidget(self.language)
        bar.addWidget(self.sign_out_button)
        box.addLayout(bar)
        self.stack = QStackedWidget()
        self.signin = StaffSignIn(desk, touch=False)
        self.signin.signed_in.connect(self.on_signed_in)
        self.signin.cancelled.connect(self.close)
        self.stack.addWidget(self.signin)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.stack.addWidget(self.tabs)
        box.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._shortcuts()
        self.set_language(desk.lang)
        self.signin.reset()
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(STATUS_REFRESH_MS)
        self.status_timer.timeout.connect(self.refresh_status)
        self.status_timer.start()
        self.refresh_status()

    def _shortcuts(self) -> None:
        for i in range(5):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self)
            shortcut.activated.connect(lambda i=i: self._go(i))
        QShortcut(QKeySequence("Ctrl+F"), self).activated.connect(self.show_lookup)
        QShortcut(QKeySequence("Ctrl+N"), self).activated.connect(self.new_form)

    def _go(self, index: int) -> None:
        if self.member is not None and index < self.tabs.count():
            self.tabs.setCurrentIndex(index)

    # -- signing in and out ----------------------------------------------------------------

    @Slot(object)
    def on_signed_in(self, member: StaffMember) -> None:
        self.member = member
        desk = self.desk
        self.form = FileForm(desk, member)
        self.confirmation = Confirmation(desk, member)
        self.file_stack = QStackedWidget()
        self.file_stack.addWidget(self.form)
        self.file_stack.addWidget(self.confirmation)
        self.lookup = LookupPage(desk, member)
        self.queue_page = QueuePage(desk, member)
        self.report = ReportPage(desk, member)
        self.form.filed.connect(self.on_filed)
        self.confirmation.another.connect(self.new_form)
        self.queue_page.correct_requested.connect(self.on_correct)
        for page in (self.file_stack, self.lookup, self.queue_page, self.report):
            self.tabs.addTab(page, "")
        if member.is_admin:
            from ui.admin.panel import AdminPanel

            self.admin = AdminPanel(desk, member, sync_now=self.sync_now, show_leave=False)
            self.tabs.addTab(self.admin, "")
        self.tabs.currentChanged.connect(self._on_tab)
        self.stack.setCurrentIndex(1)
        self.sign_out_button.show()
        self.retranslate()
        self.queue_page.refresh()
        self.report.refresh()
        self.tabs.setCurrentIndex(0)
        self.form.service_box.setFocus()

    @Slot()
    def sign_out(self) -> None:
        member = self.member
        if member is None:
            return
        staff = self.desk.staff
        self.desk.runner.run(lambda: staff.sign_out(member))
        self.member = None
        self.tabs.currentChanged.disconnect(self._on_tab)
        while self.tabs.count():
            page = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if page is not None:
                page.deleteLater()  # nothing of the last clerk's work stays on screen
        self.admin = None
        self.sign_out_button.hide()
        self.stack.setCurrentIndex(0)
        self.retranslate()
        self.signin.reset()
        self.signed_out.emit()

    @Slot()
    def refresh_status(self) -> None:
        """Read the enrollment and sync state again (a database read: on the runner)."""
        core = self.desk.core
        self.desk.runner.run(lambda: read_status(core), on_success=self.on_status)

    def on_status(self, status: SyncStatus) -> None:
        self.sync_status = status
        self._show_status()

    def _show_status(self) -> None:
        status = self.sync_status
        lang = self.desk.lang
        sep = "؛ " if lang == "fa" else "; "
        self.status.setText(sep.join(status_lines(status, lang)) if status else "")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.status_timer.stop()
        self.sign_out()
        self.desk.runner.wait_for_done()
        super().closeEvent(event)

    # -- moving between pages ---------------------------------------------------------------

    @Slot(object, object)
    def on_filed(self, tx: QueuedTransaction, replaced: QueuedTransaction | None) -> None:
        self.confirmation.show_filed(tx, replaced)
        self.file_stack.setCurrentWidget(self.confirmation)
        self.queue_page.refresh()
        self.refresh_status()  # one more waiting to send

    @Slot()
    def new_form(self) -> None:
        if self.member is None:
            return
        self.tabs.setCurrentIndex(0)
        self.file_stack.setCurrentWidget(self.form)
        self.form.start_new()

    @Slot(object)
    def on_correct(self, tx: QueuedTransaction) -> None:
        self.tabs.setCurrentIndex(0)
        self.file_stack.setCurrentWidget(self.form)
        self.form.start_correction(tx)

    @Slot()
    def show_lookup(self) -> None:
        if self.member is not None:
            self.tabs.setCurrentWidget(self.lookup)
            self.lookup.search.setFocus()
            self.lookup.search.selectAll()

    def _on_tab(self, index: int) -> None:
        if self.member is not None and self.tabs.widget(index) is self.queue_page:
            self.queue_page.refresh()

    # -- language ------------------------------------------------------------------------------

    def _on_language(self, _index: int) -> None:
        self.set_language(str(self.language.currentData()))

    def set_language(self, lang: str) -> None:
        """Switch the window (and Qt's own words and the layout direction) to ``lang``."""
        from ui import appsetup

        if isinstance(QApplication.instance(), QApplication):
            appsetup.apply_language(lang)
        direction = (
            Qt.LayoutDirection.RightToLeft if is_rtl(lang) else Qt.LayoutDirection.LeftToRight
        )
        self.setLayoutDirection(direction)
        self.desk.ctx.set_language(lang)
        index = self.language.findData(lang)
        if index != self.language.currentIndex():
            self.language.setCurrentIndex(index)
        self.retranslate()

    def retranslate(self) -> None:
        t = self.desk.t
        name = self.desk.settings.station.name_in(self.desk.lang)
        self.setWindowTitle(f"{t(TITLE)} — {name}")
        self.heading.setText(t(TITLE))
        self._show_status()
        self.language.setAccessibleName(t(LANGUAGE))
        self.sign_out_button.setText(t(SIGN_OUT))
        member = self.member
        self.who.setVisible(member is not None)
        if member is None:
            return
        self.who.setText(t(WHO, name=member.name, role=t(ROLES[member.role.value])))
        titles = [TAB_FILE, TAB_LOOKUP, TAB_QUEUE, TAB_REPORT, TAB_ADMIN]
        for i in range(self.tabs.count()):
            self.tabs.setTabText(i, t(titles[i]))
        self.form.retranslate()
        self.confirmation.retranslate()
        self.lookup.retranslate()
        self.queue_page.retranslate()
        self.report.retranslate()
        if self.admin is not None:
            self.admin.retranslate()
