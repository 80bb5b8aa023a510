"""The check-answers page keeps each answer with its own Change button, in both directions:
a Change button is nearer its own question and answer than any other row's, and beside them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from ui.run import Kiosk
from ui.screens.check import CheckScreen
from ui.screenshot import SCREENS
from ui.theme import ThemeName


def on_screen(widget: QWidget, root: QWidget) -> QRect:
    return QRect(widget.mapTo(root, widget.rect().topLeft()), widget.size())


def ink(label: QLabel, root: QWidget) -> QRect:
    """Where a leading-aligned label's words are (not the empty rest of its width)."""
    rect = on_screen(label, root)
    fm = QFontMetricsF(label.font())
    width = min(rect.width(), max(round(fm.horizontalAdvance(t)) for t in label.text().split("\n")))
    if label.isRightToLeft():
        return QRect(rect.right() - width, rect.top(), width, rect.height())
    return QRect(rect.left(), rect.top(), width, rect.height())


def gap(a: QRect, b: QRect) -> int:
    """The horizontal distance between two rects (0 when they overlap across)."""
    return max(0, b.left() - a.right(), a.left() - b.right())


@pytest.mark.parametrize("lang", ["fa", "en"])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_every_change_button_sits_by_its_own_answer(
    kiosk: Kiosk, qtbot: QtBot, lang: str, large: bool
) -> None:
    kiosk.ctx.set_language(lang)
    kiosk.ctx.set_theme(ThemeName.NORMAL, large)
    SCREENS["check"](kiosk)
    QApplication.processEvents()
    screen = kiosk.window.current
    assert isinstance(screen, CheckScreen)
    rows = [r for r in screen._rows if r.change.isVisible()]
    assert len(rows) >= 6 and len({r.place[1] for r in rows if r.place}) == 2  # two columns
    words = {r.key: ink(r.question, screen).united(ink(r.answer, screen)) for r in rows}
    for row in rows:
        change = on_screen(row.change, screen)
        own = words[row.key]
        assert own.top() <= change.center().y() <= own.bottom(), row.key  # on the same line
        for other in rows:
            theirs = words[other.key]
            beside = theirs.top() < change.bottom() and change.top() < theirs.bottom()
            if other is not row and beside:
                assert gap(change, own) < gap(change, theirs), (
                    f"{lang}: the Change of {row.key!r} is {gap(change, own)} px from its answer "
                    f"and {gap(change, theirs)} px from {other.key!r}'s"
                )
