"""Draw a :class:`~kiosk.receipt.Receipt` with QPainter: a raster for thermal printers, or a PDF.

ESC/POS text mode cannot shape Persian, so every receipt is drawn by Qt (HarfBuzz shaping, the
Unicode bidi algorithm, the bundled Vazirmatn font) and sent to the printer as an image. One layout
routine (:func:`layout_receipt`) places everything in printer dots (576 across an 80 mm roll at
203 dpi); :func:`paint_receipt` draws that layout on any QPaintDevice, so the raster and the PDF
(vector text, searchable) are the same receipt. Safe on a worker thread: no widgets are touched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import segno
from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QRegion,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QStyle

from kiosk.i18n import N_, is_rtl, translate
from kiosk.receipt import Receipt
from kiosk.text import isolate
from ui.fonts import load_fonts

log = logging.getLogger("ui.receipt")

ROLL_WIDTH_PX: Final = 576  # printable dots of an 80 mm roll at 203 dpi (72 mm)
ROLL_WIDTH_MM: Final = 80.0
PRINT_WIDTH_MM: Final = 72.0
QR_BORDER: Final = 4  # modules of quiet zone, as ISO/IEC 18004 asks

# Words of the printed layout itself (the content comes translated in kiosk.receipt.Receipt).
REPRINT: Final = N_("REPRINT")
KIOSK_NUMBER: Final = N_("No. {number}")

Lead = Qt.AlignmentFlag.AlignLeading
Centre = Qt.AlignmentFlag.AlignHCenter


def _tr(lang: str, msgid: str, **params: str) -> str:
    return translate(lang, msgid, **params)


def font_family() -> str:
    """The bundled family (Vazirmatn); needs a QGuiApplication."""
    return load_fonts()


@dataclass(frozen=True)
class _Text:
    layout: QTextLayout
    origin: QPointF
    white: bool = False  # on a black band

    @property
    def ink(self) -> QRectF:
        """Where the text is, in receipt dots."""
        rect = QRectF()
        for i in range(self.layout.lineCount()):
            rect = rect.united(self.layout.lineAt(i).naturalTextRect())
        return rect.translated(self.origin)


@dataclass(frozen=True)
class _Ink:
    path: QPainterPath  # filled black: rules, frames, bands, QR modules


@dataclass(frozen=True)
class ReceiptLayout:
    """A receipt placed in printer dots: what :func:`paint_receipt` draws, and where."""

    width: int
    height: int
    items: tuple[_Ink | _Text, ...]
    title_rect: QRectF  # the title's ink
    qr_rect: QRectF  # the whole symbol, quiet zone included
    qr_modules: int  # modules across, quiet zone included
    reprint_rect: QRectF | None


def _ink(*rects: QRectF, cut: QRectF | None = None) -> _Ink:
    """The union of ``rects`` (less ``cut``) in whole dots, as one seamless shape."""
    region = QRegion()
    for rect in rects:
        region = region.united(rect.toRect())
    if cut is not None:
        region = region.subtracted(QRegion(cut.toRect()))
    path = QPainterPath()
    path.addRegion(region)
    return _Ink(path)


class _Builder:
    """Stacks blocks from the top; every size is in dots and scales with the roll width."""

    def __init__(self, receipt: Receipt, width: int) -> None:
        self.width = width
        self.s = width / ROLL_WIDTH_PX
        rtl = is_rtl(receipt.lang)
        self.direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        self.pad = round(10 * self.s)
        self.y = float(round(12 * self.s))
        self.items: list[_Ink | _Text] = []

    def font(self, px: float, bold: bool) -> QFont:
        font = QFont(font_family())
        font.setPixelSize(max(8, round(px * self.s)))
        font.setWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        return font

    def text(
        self,
        text: str,
        px: float,
        *,
        bold: bool = False,
        align: Qt.AlignmentFlag = Lead,
        inset: float = 0.0,
        fit: bool = False,
        gap: float = 6,
        white: bool = False,
    ) -> _Text:
        """A paragraph wrapped to the width (or shrunk until it fits one line, if ``fit``)."""
        left = self.pad + inset * self.s
        width = self.width - 2 * left
        layout = QTextLayout(text.replace("\n", "\u2028"), self.font(px, bold))  # keep breaks
        option = QTextOption(QStyle.visualAlignment(self.direction, align))
        option.setTextDirection(self.direction)
        wrap = QTextOption.WrapMode
        option.setWrapMode(wrap.NoWrap if fit else wrap.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        while True:
            height = 0.0
            layout.beginLayout()
            while (line := layout.createLine()).isValid():
                line.setLineWidth(width)
                line.setPosition(QPointF(0, height))
                height += line.height()
            layout.endLayout()
            if not fit or px <= 12 or layout.lineAt(0).naturalTextWidth() <= width:
                break
            px -= 2
            layout.setFont(self.font(px, bold))
        item = _Text(layout, QPointF(left, self.y), white)
        self.items.append(item)
        self.y += height + gap * self.s
        return item

    def space(self, dots: float) -> None:
        self.y += dots * self.s

    def rule(self, dashed: bool = False) -> None:
        self.space(10)
        t, y = max(1, round(3 * self.s)), round(self.y)
        x0, x1 = self.pad, self.width - self.pad
        dash, step = (round(12 * self.s), round(21 * self.s)) if dashed else (x1 - x0, x1 - x0)
        dashes = (QRectF(x, y, min(dash, x1 - x), t) for x in range(x0, x1, step))
        self.items.append(_ink(*dashes))
        self.y = y + t
        self.space(14)

    def frame(self, top: float) -> QRectF:
        """A box from ``top`` to here, around what was placed since."""
        t = max(2, round(3 * self.s))
        outer = QRectF(self.pad, top, self.width - 2 * self.pad, self.y - top)
        inner = outer.adjusted(t, t, -t, -t)
        self.items.insert(0, _ink(outer, cut=inner))
        return outer

    def qr(self, payload: str) -> tuple[QRectF, int]:
        symbol = segno.make_qr(payload, error="m")  # never Micro QR: phones cannot read it
        rows = [list(row) for row in symbol.matrix_iter(scale=1, border=QR_BORDER)]
        n = len(rows)
        module = max(2, min(round(8 * self.s), (self.width - 2 * self.pad) // n))
        left, top = (self.width - n * module) // 2, round(self.y)
        dark = (
            QRectF(left + c * module, top + r * module, module, module)
            for r, row in enumerate(rows)
            for c, on in enumerate(row)
            if on
        )
        self.items.append(_ink(*dark))  # one shape: no hairline seams between modules in a PDF
        self.y = top + n * module
        return QRectF(left, top, n * module, n * module), n


def layout_receipt(receipt: Receipt, width_px: int = ROLL_WIDTH_PX) -> ReceiptLayout:
    """Place every part of ``receipt`` on a roll ``width_px`` dots wide."""
    if width_px < 200:
        raise ValueError(f"a receipt needs at least 200 dots across, not {width_px}")
    b = _Builder(receipt, width_px)
    lang = receipt.lang
    reprint_rect: QRectF | None = None
    if receipt.reprint:  # a black band with white words, on top of everything
        top = b.y
        b.space(8)
        b.text(_tr(lang, REPRINT), 34, bold=True, align=Centre, gap=8, white=True)
        reprint_rect = QRectF(b.pad, top, width_px - 2 * b.pad, b.y - top)
        b.items.insert(0, _ink(reprint_rect))
        b.space(14)
    b.text(receipt.city, 42, bold=True, align=Centre, gap=0)
    sep = "، " if lang == "fa" else " · "  # a middle dot reads as a Persian zero
    number = _tr(lang, KIOSK_NUMBER, number=isolate(receipt.kiosk_number))
    b.text(f"{receipt.kiosk_name}{sep}{number}", 24, align=Centre, gap=0)
    b.rule()
    title = b.text(receipt.title, 46, bold=True, gap=2)
    b.text(receipt.service, 30, bold=True, gap=10)
    top = b.y
    b.space(12)
    b.text(receipt.tracking_label, 26, align=Centre, inset=12, gap=0)
    b.text(receipt.tracking_code, 62, bold=True, align=Centre, inset=12, fit=True, gap=4)
    b.frame(top)
    b.space(4)
    qr_rect, modules = b.qr(receipt.qr_payload)
    b.space(2)
    dates = (receipt.date_jalali, receipt.date_gregorian)
    first, second = dates if lang == "fa" else dates[::-1]
    b.text(f"{first}{sep}{receipt.time}", 30, bold=True, align=Centre, gap=0)
    b.text(second, 24, align=Centre, gap=0)
    b.rule(dashed=True)
    if receipt.next_steps:
        b.text(receipt.next_steps, 25, gap=12)
    b.text(receipt.follow_up, 25, bold=True, gap=0)
    b.space(28)
    return ReceiptLayout(
        width=width_px,
        height=round(b.y),
        items=tuple(b.items),
        title_rect=title.ink,
        qr_rect=qr_rect,
        qr_modules=modules,
        reprint_rect=reprint_rect,
    )


def paint_receipt(painter: QPainter, layout: ReceiptLayout) -> None:
    """Draw ``layout`` at the painter's origin, one unit per dot (scale the painter for others)."""
    black, white = QColor(0, 0, 0), QColor(255, 255, 255)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    for item in layout.items:
        if isinstance(item, _Ink):
            painter.fillPath(item.path, black)
        else:
            painter.setPen(white if item.white else black)
            item.layout.draw(painter, item.origin)
    painter.restore()


def render_receipt_image(receipt: Receipt, width_px: int = ROLL_WIDTH_PX) -> QImage:
    """The receipt as a pure black-and-white image ``width_px`` dots wide (Grayscale8, 0/255)."""
    layout = layout_receipt(receipt, width_px)
    image = QImage(layout.width, layout.height, QImage.Format.Format_Grayscale8)
    dots_per_metre = round(layout.width / PRINT_WIDTH_MM * 1000)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    try:
        paint_receipt(painter, layout)
    finally:
        painter.end()
    # A thermal head has no grey: threshold the anti-aliased edges once, here, not by dithering.
    mono = image.convertToFormat(QImage.Format.Format_Mono, Qt.ImageConversionFlag.ThresholdDither)
    return mono.convertToFormat(QImage.Format.Format_Grayscale8)


def render_receipt_pdf(receipt: Receipt, path: Path) -> Path:
    """Write the receipt to ``path`` as a one-page PDF, 80 mm wide, as tall as the receipt."""
    layout = layout_receipt(receipt)
    margin_mm = (ROLL_WIDTH_MM - PRINT_WIDTH_MM) / 2
    dots_per_mm = layout.width / PRINT_WIDTH_MM
    height_mm = layout.height / dots_per_mm + 2 * margin_mm
    writer = QPdfWriter(str(path))
    writer.setCreator("municipal-kiosk")
    writer.setTitle(f"{receipt.title} {receipt.tracking_digits}")
    writer.setPageSize(
        QPageSize(
            QSizeF(ROLL_WIDTH_MM, height_mm),
            QPageSize.Unit.Millimeter,
            "receipt",
            QPageSize.SizeMatchPolicy.ExactMatch,
        )
    )
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write the PDF {path}")
    try:
        units_per_mm = writer.resolution() / 25.4
        painter.translate(margin_mm * units_per_mm, margin_mm * units_per_mm)
        scale = units_per_mm / dots_per_mm
        painter.scale(scale, scale)
        paint_receipt(painter, layout)
    finally:
        painter.end()
    return path
