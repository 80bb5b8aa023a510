"""The day's report: counts per service, state and clerk for one Tehran day, and its export as
CSV (UTF-8 with a BOM, translated words) and PDF into ``<data dir>/reports/`` (audited)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCalendar, QDate, Slot
from PySide6.QtWidgets import QDateEdit, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.i18n import N_
from kiosk.receipt import LOCAL_ZONE
from kiosk.text import localize_digits
from ui.counter.labels import (
    COL_CLERK,
    COL_COUNT,
    COL_SERVICE,
    COL_STATE,
    csv_labels,
    state_label,
)
from ui.counter.widgets import action, fill_table, set_headers, show_message, table, text_label

if TYPE_CHECKING:
    from kiosk.counter import DayReport
    from kiosk.staff import StaffMember
    from ui.admin.desk import StaffDesk

TITLE = N_("Day report")
DAY = N_("Day")
SHOW = N_("Show")
TOTAL = N_("Total requests: {total}")
EXPORT_CSV = N_("Export CSV")
EXPORT_PDF = N_("Export PDF")
SAVED = N_("Saved: {path}")
NOT_SAVED = N_("The report could not be saved: {error}")
REPORTS_DIR = "reports"


def tehran_today() -> dt.date:
    return dt.datetime.now(LOCAL_ZONE).date()


def export_report(desk: StaffDesk, member: StaffMember, day: dt.date, kind: str) -> Path:
    """Write the day's report as ``kind`` ("csv" or "pdf") in the desk's language; audited.
    Runs on the background runner."""
    from kiosk.audit import AuditAction
    from kiosk.counter import day_report

    lang = desk.lang
    report = day_report(desk.queue, day, lang)
    folder = desk.settings.data_dir / REPORTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"day-report-{day.isoformat()}-{lang}.{kind}"
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".", suffix=f".{kind}.tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if kind == "csv":
            tmp.write_bytes(report.to_csv(csv_labels(lang)))
        else:
            from ui.counter.report_pdf import write_report_pdf

            write_report_pdf(report, lang, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    details = {"day": day.isoformat(), "format": kind, "file": target.name, "total": report.total}
    desk.audit.append(member.staff_id, AuditAction.REPORT, details)
    return target


class ReportPage(QWidget):
    def __init__(self, desk: StaffDesk, member: StaffMember) -> None:
        super().__init__()
        self.desk = desk
        self.member = member
        self.report: DayReport | None = None
        box = QVBoxLayout(self)
        self.title = text_label(kind="title")
        row = QHBoxLayout()
        self.day_caption = text_label()
        self.day = QDateEdit()
        self.day.setObjectName("report-day")
        self.day.setCalendarPopup(True)
        today = tehran_today()
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.day_caption.setBuddy(self.day)
        self.show_button = action(on_click=self.refresh, name="show-report")
        self.csv_button = action(on_click=lambda: self.export("csv"), name="export-csv")
        self.pdf_button = action(on_click=lambda: self.export("pdf"), name="export-pdf")
        for widget in (self.day_caption, self.day, self.show_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.csv_button)
        row.addWidget(self.pdf_button)
        self.total = text_label(kind="heading", name="report-total")
        self.message = text_label(name="report-message")
        self.message.hide()
        grid = QGridLayout()
        self.services = table(["", ""], name="report-services")
        self.states = table(["", ""], name="report-states")
        self.clerks = table(["", ""], name="report-clerks")
        grid.addWidget(self.services, 0, 0, 1, 2)
        grid.addWidget(self.states, 1, 0)
        grid.addWidget(self.clerks, 1, 1)
        box.addWidget(self.title)
        box.addLayout(row)
        box.addWidget(self.total)
        box.addWidget(self.message)
        box.addLayout(grid, 1)
        self.retranslate()

    def chosen_day(self) -> dt.date:
        d = self.day.date()
        return dt.date(d.year(), d.month(), d.day())

    @Slot()
    def refresh(self) -> None:
        from kiosk.counter import day_report

        queue, day, lang = self.desk.queue, self.chosen_day(), self.desk.lang
        self.show_button.setEnabled(False)
        self.desk.runner.run(lambda: day_report(queue, day, lang), self._on_report)

    def _on_report(self, report: DayReport) -> None:
        self.show_button.setEnabled(True)
        self.report = report
        lang = report.lang

        def n(count: int) -> str:
            return localize_digits(str(count), lang)

        fill_table(self.services, [[r.label, n(r.count)] for r in report.by_service])
        fill_table(self.states, [[state_label(lang, r.key), n(r.count)] for r in report.by_state])
        fill_table(self.clerks, [[r.label, n(r.count)] for r in report.by_clerk])
        self.total.setText(self.desk.t(TOTAL, total=report.total))

    def export(self, kind: str) -> None:
        desk, member, day = self.desk, self.member, self.chosen_day()
        buttons = (self.csv_button, self.pdf_button)
        for button in buttons:
            button.setEnabled(False)

        def done(path: Path) -> None:
            for button in buttons:
                button.setEnabled(True)
            show_message(self.message, desk.t(SAVED, path=str(path)))

        def failed(exc: BaseException) -> None:
            for button in buttons:
                button.setEnabled(True)
            if not isinstance(exc, OSError):
                raise exc
            show_message(self.message, desk.t(NOT_SAVED, error=str(exc)), error=True)

        desk.runner.run(lambda: export_report(desk, member, day, kind), done, failed)

    def retranslate(self) -> None:
        t = self.desk.t
        lang = self.desk.lang
        system = QCalendar.System.Jalali if lang == "fa" else QCalendar.System.Gregorian
        self.day.setCalendar(QCalendar(system))
        self.day.setDisplayFormat("yyyy/MM/dd")
        self.title.setText(t(TITLE))
        self.day_caption.setText(t(DAY))
        self.show_button.setText(t(SHOW))
        self.csv_button.setText(t(EXPORT_CSV))
        self.pdf_button.setText(t(EXPORT_PDF))
        set_headers(self.services, [t(COL_SERVICE), t(COL_COUNT)])
        set_headers(self.states, [t(COL_STATE), t(COL_COUNT)])
        set_headers(self.clerks, [t(COL_CLERK), t(COL_COUNT)])
        if self.report is not None:
            self.refresh()
