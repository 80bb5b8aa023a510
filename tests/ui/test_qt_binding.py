"""Guards against a broken Qt binding: PySide6 6.12.0 on Python 3.11 released one reference to
None per call of a method returning nothing, and aborted the process after a few thousand."""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF


def test_void_methods_keep_references_to_none() -> None:
    rect = QRectF()
    before = sys.getrefcount(None)
    for _ in range(2000):
        rect.setX(1.0)
    assert sys.getrefcount(None) >= before - 10
