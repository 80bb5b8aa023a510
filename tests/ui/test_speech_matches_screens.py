"""What speech says is what the screen shows: for every screen, in both languages, each heading,
question, help text, error and warning that speech says (``kiosk.speech``, from the screen's
demo state) is a text the screen shows (``kiosk screenshot``'s same demo state)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from kiosk.screen_demos import DEMOS
from kiosk.speech.demo import demo_utterances
from kiosk.speech.utterance import Kind
from kiosk.text import normalize_persian, to_ascii_digits
from ui.run import Kiosk
from ui.screenshot import SCREENS, add_demo_announcements

SHOWN_KINDS = frozenset({Kind.HEADING, Kind.QUESTION, Kind.HELP, Kind.ERROR, Kind.WARNING})


def plain(text: str) -> str:
    """A text without bidi controls, in ASCII digits, on one line."""
    return " ".join(to_ascii_digits(normalize_persian(text)).split())


def shown(root: QWidget) -> list[str]:
    texts = []
    for w in root.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, QLabel):
            texts.append(plain(w.text()))
        elif isinstance(w, QAbstractButton):
            texts.append(plain(QAbstractButton.text(w)))
    return texts


def test_the_screenshots_and_speech_have_the_same_screens() -> None:
    assert list(SCREENS) == list(DEMOS)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_speech_says_what_each_screen_shows(
    kiosk: Kiosk, qtbot: QtBot, settings: Settings, lang: str
) -> None:
    add_demo_announcements(kiosk)
    missing = []
    checked = 0
    for name, setup in SCREENS.items():
        kiosk.window.end_session()
        kiosk.ctx.set_language(lang)
        setup(kiosk)
        for _ in range(3):
            kiosk.ctx.runner.wait_for_done()
            qtbot.wait(10)
            QApplication.processEvents()
        on_screen = shown(kiosk.window)
        for u in demo_utterances(settings, name, lang):
            if u.kind not in SHOWN_KINDS or not u.shown:
                continue
            checked += 1
            said = plain(u.shown)
            if not any(said in text for text in on_screen):
                missing.append((name, said))
    assert missing == []
    assert checked > 40
