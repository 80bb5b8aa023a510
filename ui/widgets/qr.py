"""QR codes made with segno, drawn as crisp squares (no scaling blur)."""

from __future__ import annotations

import segno
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def qr_image(payload: str, size_px: int) -> QImage:
    """A black-on-white QR code of ``payload``, at most ``size_px`` square."""
    code = segno.make(payload, error="m", micro=False)
    matrix = [list(row) for row in code.matrix]
    modules = len(matrix) + 2 * QUIET_ZONE
    scale = max(1, size_px // modules)
    side = modules * scale
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.drawRect(
                    QRect((x + QUIET_ZONE) * scale, (y + QUIET_ZONE) * scale, scale, scale)
                )
    painter.end()
    return image
