"""A selected choice is marked by its border and colours, and nothing around it moves: the
thicker border of a selected tile takes the room of the unselected one's border and padding."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from ui.run import Kiosk
from ui.screenshot import SCREENS
from ui.theme import ThemeName


def geometries(kiosk: Kiosk) -> dict[str, tuple[int, int, int, int]]:
    QApplication.processEvents()
    out = {}
    for b in kiosk.window.current.findChildren(QPushButton):
        if b.isVisible() and b.objectName().startswith("choice-"):
            p = b.mapTo(kiosk.window, b.rect().topLeft())
            out[b.objectName()] = (p.x(), p.y(), b.width(), b.height())
    return out


@pytest.mark.parametrize("theme", list(ThemeName))
def test_selecting_a_tile_moves_nothing(kiosk: Kiosk, qtbot: QtBot, theme: ThemeName) -> None:
    kiosk.ctx.set_theme(theme, False)
    SCREENS["question-district"](kiosk)
    before = geometries(kiosk)
    assert len(before) == 22
    tile = kiosk.window.current.findChild(QPushButton, "choice-3")
    assert tile is not None
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    after = geometries(kiosk)
    assert tile.property("role") == "choice_on"
    moved = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    assert moved == {}
