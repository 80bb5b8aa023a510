"""Sync now, the recent log and the diagnostics export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from kiosk.i18n import N_
from kiosk.privacy import pending_since
from kiosk.receipt import format_date, format_time
from ui.admin.diagnostics import export_diagnostics, recent_log
from ui.counter.widgets import action, hline, show_message, text_label
from ui.theme import Role

if TYPE_CHECKING:
    from kiosk.staff import StaffMember
    from kiosk.state import Enrollment
    from ui.admin.desk import StaffDesk

SYNC_TITLE = N_("Sync with the city server")
SYNC_NOW = N_("Sync now")
SYNC_ASKED = N_("A sync cycle was started; the status line shows when it is done.")
NOT_ENROLLED = N_("Sync is off: this kiosk is not enrolled (see Enrollment).")
NO_ENGINE = N_("The sync engine starts when the kiosk restarts after enrollment.")
LOG_TITLE = N_("Recent log")
REFRESH = N_("Refresh")
EMPTY_LOG = N_("The log is empty.")
DIAG_TITLE = N_("Diagnostics")
DIAG_INTRO = N_(
    "A zip for IT staff: settings, status, versions, the logs (long numbers masked) and the "
    "audit log check. No secrets and no citizens' numbers are in it."
)
PRIVACY_PENDING = N_(
    "Personal answers purged since {since} are still in the database file: another program "
    "keeps reading it. The kiosk tries again by itself; if this stays, restart the kiosk."
)
EXPORT = N_("Export diagnostics")
EXPORTED = N_("Saved: {path}")
NOT_EXPORTED = N_("The diagnostics could not be saved: {error}")


class SystemPage(QWidget):
    def __init__(
        self,
        desk: StaffDesk,
        member: StaffMember,
        sync_now: Callable[[], object] | None = None,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.member = member
        self.sync_now = sync_now
        self.enrolled = False
        box = QVBoxLayout(self)
        self.sync_title = text_label(kind="heading")
        self.sync_note = text_label(name="sync-note")
        self.sync_button = action(on_click=self.on_sync, name="sync-now")
        self.sync_button.setEnabled(False)
        self.privacy_note = text_label(role=Role.ERROR, name="privacy-pending")
        self.privacy_note.hide()
        self._pending_since: dt.datetime | None = None
        self.log_title = text_label(kind="heading")
        self.log = QPlainTextEdit()
        self.log.setObjectName("log-view")
        self.log.setReadOnly(True)
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log.setMinimumHeight(160)
        self.refresh_button = action(on_click=self.load_log, name="refresh-log")
        self.diag_title = text_label(kind="heading")
        self.diag_intro = text_label()
        self.diag_button = action(on_click=self.on_export, name="export-diagnostics")
        self.diag_message = text_label(name="diagnostics-message")
        self.diag_message.hide()
        row = QHBoxLayout()
        row.addWidget(self.sync_button)
        row.addWidget(self.sync_note, 1)
        box.addWidget(self.sync_title)
        box.addLayout(row)
        box.addWidget(self.privacy_note)
        box.addWidget(hline())
        log_row = QHBoxLayout()
        log_row.addWidget(self.log_title, 1)
        log_row.addWidget(self.refresh_button)
        box.addLayout(log_row)
        box.addWidget(self.log, 1)
        box.addWidget(hline())
        for widget in (self.diag_title, self.diag_intro, self.diag_button, self.diag_message):
            box.addWidget(widget)
        self.retranslate()
        self.load()

    def load(self) -> None:
        state, db = self.desk.core.state, self.desk.core.db
        self.desk.runner.run(state.enrollment, self.set_enrollment, owner=self)
        self.desk.runner.run(lambda: pending_since(db), self.set_privacy_pending, owner=self)
        self.load_log()

    def set_privacy_pending(self, since: dt.datetime | None) -> None:
        self._pending_since = since
        self.retranslate()

    def set_enrollment(self, enrollment: Enrollment | None) -> None:
        self.enrolled = enrollment is not None
        self.retranslate()

    @Slot()
    def load_log(self) -> None:
        settings = self.desk.settings

        def show(text: str) -> None:
            self.log.setPlainText(text or self.desk.t(EMPTY_LOG))
            bar = self.log.verticalScrollBar()
            bar.setValue(bar.maximum())

        self.desk.runner.run(lambda: recent_log(settings), show, owner=self)

    @Slot()
    def on_sync(self) -> None:
        if self.sync_now is not None and self.enrolled:
            self.sync_now()
            show_message(self.sync_note, self.desk.t(SYNC_ASKED))

    @Slot()
    def on_export(self) -> None:
        desk, member = self.desk, self.member
        self.diag_button.setEnabled(False)

        def done(path: Path) -> None:
            self.diag_button.setEnabled(True)
            show_message(self.diag_message, desk.t(EXPORTED, path=str(path)))

        def failed(exc: BaseException) -> None:
            self.diag_button.setEnabled(True)
            if not isinstance(exc, OSError):
                raise exc
            show_message(self.diag_message, desk.t(NOT_EXPORTED, error=str(exc)), error=True)

        desk.runner.run(lambda: export_diagnostics(desk, member), done, failed, owner=self)

    def retranslate(self) -> None:
        t = self.desk.t
        self.sync_title.setText(t(SYNC_TITLE))
        self.sync_button.setText(t(SYNC_NOW))
        can_sync = self.enrolled and self.sync_now is not None
        self.sync_button.setEnabled(can_sync)
        if not self.enrolled:
            self.sync_note.setText(t(NOT_ENROLLED))
        elif self.sync_now is None:
            self.sync_note.setText(t(NO_ENGINE))
        else:
            self.sync_note.setText("")
        since = self._pending_since
        if since is not None:
            lang = self.desk.lang
            shown = f"{format_date(since, lang)} {format_time(since, lang)}"
            self.privacy_note.setText(t(PRIVACY_PENDING, since=shown))
        self.privacy_note.setVisible(since is not None)
        self.log_title.setText(t(LOG_TITLE))
        self.refresh_button.setText(t(REFRESH))
        self.diag_title.setText(t(DIAG_TITLE))
        self.diag_intro.setText(t(DIAG_INTRO))
        self.diag_button.setText(t(EXPORT))
