"""The day's report on paper: an A4 PDF drawn by Qt (Vazirmatn, right-to-left for Persian).

The report is laid out as a rich-text document (headings and tables of counts) and painted with
QPainter onto a QPdfWriter, page by page; :func:`render_report_image` paints the same document
onto an image (a preview). Safe on a worker thread: no widgets are touched.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextCursor,
    QTextDocument,
    QTextOption,
)

from kiosk.i18n import N_, is_rtl, translate
from kiosk.receipt import format_date, format_time
from kiosk.text import isolate, localize_digits
from ui.counter.labels import (
    COL_CHANNEL,
    COL_CLERK,
    COL_COUNT,
    COL_SERVICE,
    COL_STATE,
    channel_label,
    state_label,
)
from ui.fonts import load_fonts

if TYPE_CHECKING:
    from kiosk.counter import CountRow, DayReport

TITLE = N_("Day report")
HEADER = N_("Kiosk number {number} · {day}")
GENERATED = N_("Made on {date} at {time}")
BY_SERVICE = N_("Requests per service")
BY_STATE = N_("Requests per state")
BY_CLERK = N_("Counter requests per clerk")
BY_CHANNEL = N_("Requests per channel")
TOTAL = N_("Total requests: {total}")
NOTHING = N_("No requests on this day.")
SHEET = "h1 { font-size: 28px; } h2 { font-size: 20px; } th { background: #dde2e5; }"
SHEET = "h1 { font-size: 28px; } h2 { font-size: 20px; } th { background: #dde2e5; }"
PAGE_WIDTH_PX = 1000  # the document's width in layout units; scaled to the page


def _rows(rows: Iterable[tuple[str, int]], lang: str, head: tuple[str, str]) -> str:
    """A table of (label, count); columns in reading order (Qt lays tables out left to right,
    so in a right-to-left language the label column is put last)."""
    rtl = is_rtl(lang)

    def row(label: str, count: str, cell: str) -> str:
        first = f"<{cell}>{html.escape(label)}</{cell}>"
        second = f"<{cell} align='center' width='20%'>{html.escape(count)}</{cell}>"
        return "<tr>" + (second + first if rtl else first + second) + "</tr>"

    cells = "".join(row(label, localize_digits(str(n), lang), "td") for label, n in rows)
    if not cells:
        cells = f"<tr><td colspan='2'>{html.escape(translate(lang, NOTHING))}</td></tr>"
    return (
        "<table width='100%' border='1' cellspacing='0' cellpadding='6'>"
        f"{row(head[0], head[1], 'th')}{cells}</table>"
    )


def report_html(report: DayReport, lang: str) -> str:
    """The report as the rich text the PDF is drawn from."""

    def t(msgid: str, **params: object) -> str:
        return html.escape(translate(lang, msgid, **params))

    def listed(rows: Iterable[CountRow], kind: str) -> list[tuple[str, int]]:
        words = {"state": state_label, "channel": channel_label}.get(kind)
        return [(words(lang, r.key) if words else r.label, r.count) for r in rows]

    count = translate(lang, COL_COUNT)
    when = report.generated_at
    number = isolate(localize_digits(f"{report.kiosk_number:04d}", lang))
    parts = [
        f"<h1>{t(TITLE)}</h1>",
        f"<p>{t(HEADER, number=number, day=report.day_label)}</p>",
        f"<p>{t(GENERATED, date=format_date(when, lang), time=format_time(when, lang))}</p>",
        f"<h2>{t(TOTAL, total=report.total)}</h2>",
    ]
    sections = (
        (BY_SERVICE, report.by_service, "service", COL_SERVICE),
        (BY_STATE, report.by_state, "state", COL_STATE),
        (BY_CLERK, report.by_clerk, "clerk", COL_CLERK),
        (BY_CHANNEL, report.by_channel, "channel", COL_CHANNEL),
    )
    for heading, rows, kind, column in sections:
        parts.append(f"<h2>{t(heading)}</h2>")
        parts.append(_rows(listed(rows, kind), lang, (translate(lang, column), count)))
    return f"<html><body>{''.join(parts)}</body></html>"


def _set_direction(doc: QTextDocument, direction: Qt.LayoutDirection) -> None:
    """Every paragraph of ``doc`` in ``direction`` (Qt's HTML import ignores ``dir``)."""
    block = doc.begin()
    while block.isValid():
        fmt = block.blockFormat()
        fmt.setLayoutDirection(direction)
        QTextCursor(block).setBlockFormat(fmt)
        block = block.next()


def report_document(report: DayReport, lang: str) -> QTextDocument:
    doc = QTextDocument()
    font = QFont(load_fonts())
    font.setPixelSize(16)
    doc.setDefaultFont(font)
    option = QTextOption()
    direction = Qt.LayoutDirection.RightToLeft if is_rtl(lang) else Qt.LayoutDirection.LeftToRight
    option.setTextDirection(direction)
    doc.setDefaultTextOption(option)
    doc.setDefaultStyleSheet(SHEET)
    doc.setHtml(report_html(report, lang))
    _set_direction(doc, direction)
    doc.setTextWidth(PAGE_WIDTH_PX)
    return doc


def write_report_pdf(report: DayReport, lang: str, path: Path) -> Path:
    """Write the report to ``path`` as an A4 PDF (more pages when it is long)."""
    doc = report_document(report, lang)
    writer = QPdfWriter(str(path))
    writer.setCreator("municipal-kiosk")
    writer.setTitle(f"{translate(lang, TITLE)} {report.day.isoformat()}")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write the PDF {path}")
    try:
        area = writer.pageLayout().paintRectPixels(writer.resolution())
        scale = area.width() / PAGE_WIDTH_PX
        page_height = area.height() / scale
        doc.setPageSize(QSizeF(PAGE_WIDTH_PX, page_height))
        pages = doc.pageCount()
        painter.scale(scale, scale)
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * page_height)
            doc.drawContents(painter, QRectF(0, page * page_height, PAGE_WIDTH_PX, page_height))
            painter.restore()
    finally:
        painter.end()
    return path


def render_report_image(report: DayReport, lang: str) -> QImage:
    """The report as an image (the first screenful), for a preview."""
    doc = report_document(report, lang)
    size = doc.size().toSize()
    image = QImage(size.width(), size.height(), QImage.Format.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    try:
        doc.drawContents(painter)
    finally:
        painter.end()
    return image
