"""Set up once, at start: the font, locale, layout direction, translators and palette.

After Anki's ``setupLangAndBackend``: the layout direction follows the language, ``QLocale`` is
set as the default, and Qt's own ``qtbase_fa`` translator covers Qt's built-in strings. Our own
strings go through gettext (``kiosk.i18n``), not Qt's ``tr``. The theme's style sheet is not set
on the application but on each part of the main window (see ``ui.mainwindow``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    Qt,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.i18n import is_rtl
from ui.fonts import load_fonts
from ui.theme import Theme, palette

log = logging.getLogger("ui")
qt_log = logging.getLogger("qt")

_LOCALES = {
    "fa": QLocale(QLocale.Language.Persian, QLocale.Country.Iran),
    "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom),
}
_loaded: dict[str, QTranslator | None] = {}  # Qt's own translations, read once per language
_installed: list[QTranslator] = []
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
QT_MESSAGE_MAX = 500
_handler: list[Callable[..., Any]] = []  # kept referenced while Qt may call it


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


def install_qt_message_handler() -> None:
    """Qt's own warnings and errors go to the ``qt`` logger (so to the log file and the
    diagnostics export), once. Qt writes them about its objects and calls, not about what a
    citizen typed; still, runs of 8 or more digits are masked, control characters escaped and
    a message is cut at 500 characters. A handler installed before (pytest-qt's) still gets
    every message."""
    if _handler:
        return
    previous: Callable[..., Any] | None = None

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        from kiosk.text import escape_controls
        from kiosk.tracking import redact_numbers

        text = escape_controls(redact_numbers(message))
        if len(text) > QT_MESSAGE_MAX:
            text = text[: QT_MESSAGE_MAX - 1] + "…"
        qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s", text)
        if previous is not None:
            previous(mode, context, message)

    _handler.append(handler)
    previous = qInstallMessageHandler(handler)
