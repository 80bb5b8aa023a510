"""The bundled Vazirmatn font, loaded once per process."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFontDatabase

from kiosk.resources import asset_path

FONT_FILES = ("Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf")


class FontError(RuntimeError):
    pass


@cache
def load_fonts() -> str:
    """Register the bundled fonts with Qt; return the family name. Needs a QGuiApplication."""
    families: set[str] = set()
    for name in FONT_FILES:
        path = asset_path("fonts", name)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise FontError(f"cannot load the font {path}")
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    if len(families) != 1:
        raise FontError(f"expected one font family, got {sorted(families)}")
    return families.pop()
