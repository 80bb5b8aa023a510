"""Every number on a Persian screen is isolated (U+2066 ... U+2069): the kiosk's screens, the
counter's pages and the day's report, including what the code builds (dates, times, counts,
codes) and what comes from the catalog, the city server and the queue."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from kiosk.core import Core
from kiosk.text import bare_numbers
from tests.ui.test_accessibility import BUSY, settle
from ui.run import Kiosk
from ui.screenshot import SCREENS, add_demo_announcements


def shown_texts(root: QWidget) -> list[tuple[str, str]]:
    out = []
    for w in root.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, QLabel):
            out.append((w.objectName(), w.text()))
        elif isinstance(w, QAbstractButton):
            out.append((w.objectName(), QAbstractButton.text(w)))
        elif isinstance(w, QTableWidget):
            for r in range(w.rowCount()):
                for c in range(w.columnCount()):
                    item = w.item(r, c)
                    if item is not None:
                        out.append((f"{w.objectName()}[{r},{c}]", item.text()))
    return out


def in_text(text: str) -> list[str]:
    """The numbers not isolated in ``text``, unless the text is that number alone (a key of
    the number pad, a count in a table's cell: no sentence around it to reorder it)."""
    return [n for n in bare_numbers(text) if n != text.strip()]


def bare(root: QWidget) -> list[tuple[str, str, list[str]]]:
    return [(name, t, in_text(t)) for name, t in shown_texts(root) if in_text(t)]


def test_every_number_on_every_kiosk_screen_is_isolated(kiosk: Kiosk, qtbot: QtBot) -> None:
    add_demo_announcements(kiosk)
    problems = []
    for name, setup in SCREENS.items():
        kiosk.window.end_session()
        kiosk.ctx.set_language("fa")
        setup(kiosk)
        kiosk.ctx.set_status(BUSY)
        settle(kiosk, qtbot)
        problems += [(name, *p) for p in bare(kiosk.window)]
    assert problems == []


def test_every_number_on_the_counters_pages_is_isolated(
    qtbot: QtBot, settings: object, core: Core
) -> None:
    from kiosk.counter import day_report
    from ui.counter.launch import build_counter
    from ui.counter.report_pdf import report_document

    window = build_counter(settings, core)  # type: ignore[arg-type]
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    try:
        member = window.desk.staff.add("Nasrin", "clerk", "4826", by="cli:test")
        answers = {"district": "6", "address": "میدان ونک", "problem_type": "off"}
        tx = core.queue.submit("street-lights", {**answers, "how_many": "one", "anonymous": True})
        window.on_signed_in(member)
        window.set_language("fa")
        window.refresh_status()
        window.lookup.search.setText(tx.display_code)
        window.lookup.on_find()
        qtbot.waitUntil(lambda: bool(window.lookup.results))
        window.lookup.table.selectRow(0)
        problems = []
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            window.desk.runner.wait_for_done()
            QApplication.processEvents()
            problems += bare(window)
        window.on_filed(tx, None)
        QApplication.processEvents()
        problems += bare(window)
        today = dt.datetime.now(dt.UTC).astimezone().date()
        text = report_document(day_report(core.queue, today, "fa"), "fa").toPlainText()
        problems += [("report", line, in_text(line)) for line in text.splitlines()]
        assert [p for p in problems if p[2]] == []
    finally:
        window.close()
        window.desk.runner.wait_for_done()
