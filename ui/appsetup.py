"""Set up once, at start: the font, locale, layout direction, translators and palette.

After Anki's ``setupLangAndBackend``: the layout direction follows the language, ``QLocale`` is
set as the default, and Qt's own ``qtbase_fa`` translator covers Qt's built-in strings. Our own
strings go through gettext (``kiosk.i18n``), not Qt's ``tr``. The theme's style sheet is not set
on the application but on each part of the main window (see ``ui.mainwindow``).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.i18n import is_rtl
from ui.fonts import load_fonts
from ui.theme import Theme, palette

log = logging.getLogger("ui")

_LOCALES = {
    "fa": QLocale(QLocale.Language.Persian, QLocale.Country.Iran),
    "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom),
}
_loaded: dict[str, QTranslator | None] = {}  # Qt's own translations, read once per language
_installed: list[QTranslator] = []


def app() -> QApplication:
    instance = QApplication.instance()
    if not isinstance(instance, QApplication):
        raise RuntimeError("no QApplication")
    return instance


def setup(lang: str, theme: Theme) -> None:
    """Font, language and theme for the whole application (call once, after QApplication)."""
    family = load_fonts()
    font = QFont(family)
    font.setPixelSize(theme.metrics.body)
    app().setFont(font)
    apply_language(lang)
    apply_theme(theme)


def apply_language(lang: str) -> None:
    """Locale, direction and Qt's own translations for ``lang`` (called again on a switch)."""
    application = app()
    QLocale.setDefault(_LOCALES[lang])
    application.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if is_rtl(lang) else Qt.LayoutDirection.LeftToRight
    )
    for installed in _installed:
        application.removeTranslator(installed)
    _installed.clear()
    translator = _qt_translator(lang) if lang != "en" else None
    if translator is not None:
        application.installTranslator(translator)
        _installed.append(translator)


def _qt_translator(lang: str) -> QTranslator | None:
    """Qt's own translation for ``lang``, read from disk the first time it is needed."""
    if lang not in _loaded:
        qt = QTranslator()
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(f"qtbase_{lang}", folder):
            _loaded[lang] = qt
        else:
            log.warning("Qt's own %s translation is missing from %s", lang, folder)
            _loaded[lang] = None
    return _loaded[lang]


def apply_theme(theme: Theme) -> None:
    """The palette and font of the application (for what the style sheets do not reach)."""
    application = app()
    application.setPalette(palette(theme))
    font = application.font()
    if font.pixelSize() != theme.metrics.body:
        font.setPixelSize(theme.metrics.body)
        application.setFont(font)
