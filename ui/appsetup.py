"""Set up once, at start: the font, locale, layout direction, translators and style sheet.

After Anki's ``setupLangAndBackend``: the layout direction follows the language, ``QLocale`` is
set as the default, and Qt's own ``qtbase_fa`` translator covers Qt's built-in strings. Our own
strings go through gettext (``kiosk.i18n``), not Qt's ``tr``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.i18n import is_rtl
from ui.fonts import load_fonts
from ui.theme import Theme, palette, stylesheet

log = logging.getLogger("ui")

_LOCALES = {
    "fa": QLocale(QLocale.Language.Persian, QLocale.Country.Iran),
    "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom),
}
_translators: list[QTranslator] = []


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
    for translator in _translators:
        application.removeTranslator(translator)
    _translators.clear()
    if lang != "en":
        translator = QTranslator(application)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{lang}", folder):
            application.installTranslator(translator)
            _translators.append(translator)
        else:
            log.warning("Qt's own %s translation is missing from %s", lang, folder)


def apply_theme(theme: Theme) -> None:
    application = app()
    application.setPalette(palette(theme))
    application.setStyleSheet(stylesheet(theme))
    font = application.font()
    font.setPixelSize(theme.metrics.body)
    application.setFont(font)
