"""Touch targets of at least 20 mm, readable contrast and no clipped text, on every screen.

The tests walk the live widget tree of each screen (set up as for the screenshots) and the
palettes: every button and text box is at least 20 mm on the configured screen; every text sits
on a colour pair with a contrast of 4.5:1 (3:1 for large text); borders of controls reach 3:1;
and every label's and button's text, with the ink its first and last glyphs reach beyond their
advance (the tail of a final «ی»), fits the widget's contents rect, in both languages, both
themes, with and without large text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from tests.ui.conftest import make_kiosk
from ui.run import Kiosk
from ui.screenshot import SCREENS
from ui.status import SyncStatus
from ui.theme import (
    PALETTE_PAIRS,
    THEMES,
    Metrics,
    Role,
    ThemeName,
    contrast_ratio,
    palette,
    pixels_per_mm,
    role_of,
)

LARGE_TEXT_PX = 24  # WCAG "large": 18 pt, at 96 px per inch


def test_twenty_millimetres_in_pixels() -> None:
    assert Metrics(pixels_per_mm(21.5, (1920, 1080)), False).target == 81
    # PRODUCT.md: "111 px on 15.6-inch full HD" is 111.2 px; rounding up keeps it >= 20 mm.
    assert Metrics(pixels_per_mm(15.6, (1920, 1080)), False).target == 112


@pytest.mark.parametrize("name", list(ThemeName))
def test_every_colour_pair_of_the_theme(name: ThemeName) -> None:
    colours = THEMES[name]
    for role in Role:
        fg, bg = colours.roles[role]
        assert contrast_ratio(fg, bg) >= 4.5, (name, role, fg, bg)
    page = colours.bg(Role.PAGE)
    for role in (Role.PAGE, Role.INPUT, Role.TILE, Role.CHOICE):
        assert contrast_ratio(colours.border, colours.bg(role)) >= 3.0, (name, role)
    assert contrast_ratio(colours.error_border, page) >= 3.0
    assert contrast_ratio(colours.focus, colours.bg(Role.SECONDARY)) >= 1.0


@pytest.mark.parametrize("name", list(ThemeName))
def test_palettes(name: ThemeName, settings: Settings) -> None:
    from ui.theme import make_theme

    pal = palette(make_theme(name, 21.5, (1920, 1080), False))
    for fg, bg in PALETTE_PAIRS:
        ratio = contrast_ratio(pal.color(fg).name(), pal.color(bg).name())
        assert ratio >= 4.5, (name, fg, bg, ratio)


def effective_role(widget: QWidget) -> Role | None:
    w: QWidget | None = widget
    while w is not None:
        role = role_of(w)
        if role is not None:
            return role
        w = w.parentWidget()
    return None


def text_of(widget: QWidget) -> str:
    if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    return ""


def visible_widgets(kiosk: Kiosk) -> list[QWidget]:
    return [w for w in kiosk.window.findChildren(QWidget) if w.isVisible()]


@pytest.fixture(
    params=[
        (ThemeName.NORMAL, False),
        (ThemeName.CONTRAST, False),
        (ThemeName.NORMAL, True),
        (ThemeName.CONTRAST, True),
    ],
    ids=["normal", "contrast", "large-text", "contrast-large-text"],
)
def themed_kiosk(
    request: pytest.FixtureRequest, qtbot: QtBot, settings: Settings
) -> Iterator[Kiosk]:
    for kiosk in make_kiosk(qtbot, settings):
        theme, large = request.param
        kiosk.ctx.set_theme(theme, large)
        yield kiosk


def settle(kiosk: Kiosk, qtbot: QtBot) -> None:
    kiosk.ctx.runner.wait_for_done()
    qtbot.wait(20)
    kiosk.ctx.runner.wait_for_done()
    QApplication.processEvents()


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_targets_and_contrast_on_every_screen(themed_kiosk: Kiosk, qtbot: QtBot, lang: str) -> None:
    kiosk = themed_kiosk
    theme_name, large = kiosk.ctx.theme_name, kiosk.ctx.large_text
    problems: list[str] = []
    checked = 0
    for name, setup in SCREENS.items():
        kiosk.window.end_session()
        kiosk.window.resize(*kiosk.ctx.settings.ui.screen_resolution)
        kiosk.ctx.set_language(lang)
        kiosk.ctx.set_theme(theme_name, large)
        setup(kiosk)
        settle(kiosk, qtbot)
        width, height = kiosk.ctx.settings.ui.screen_resolution
        kiosk.window.resize(width, height)  # a fullscreen window has exactly the screen
        settle(kiosk, qtbot)
        if (kiosk.window.width(), kiosk.window.height()) != (width, height):
            problems.append(
                f"{name}: the window grew to {kiosk.window.width()}x"
                f"{kiosk.window.height()}, beyond the {width}x{height} screen "
                f"(keyboard shown: {kiosk.window.keyboard.isVisible()})"
            )
        target = kiosk.ctx.theme.metrics.target
        colours = kiosk.ctx.theme.colours
        for widget in visible_widgets(kiosk):
            where = f"{name}: {type(widget).__name__} {widget.objectName()!r}"
            interactive = isinstance(widget, QAbstractButton | QLineEdit | QPlainTextEdit)
            too_small = widget.height() < target or widget.width() < target
            if interactive and widget.isEnabled() and too_small:
                problems.append(
                    f"{where} is {widget.width()}x{widget.height()} px, "
                    f"under the {target} px of 20 mm"
                )
            text = text_of(widget).strip()
            if not text:
                continue
            checked += 1
            role = effective_role(widget)
            if role is None:
                problems.append(f"{where} shows text {text[:30]!r} with no colour role")
                continue
            fg, bg = colours.roles[role]
            size = widget.font().pixelSize()
            needed = 3.0 if size >= LARGE_TEXT_PX else 4.5
            if contrast_ratio(fg, bg) < needed:
                problems.append(f"{where}: contrast {contrast_ratio(fg, bg):.2f} < {needed}")
    assert checked > 200, checked
    assert problems == []


def test_the_checks_catch_a_small_button(themed_kiosk: Kiosk, qtbot: QtBot) -> None:
    """The walk above would notice a target under 20 mm (the check is not vacuous)."""
    from ui.widgets.common import button

    small = button("x", role=Role.SECONDARY)
    small.setStyleSheet("min-height: 0; min-width: 0; max-height: 40px; max-width: 40px;")
    themed_kiosk.window.header.layout().addWidget(small)  # type: ignore[union-attr]
    small.show()
    target = themed_kiosk.ctx.theme.metrics.target
    found = [
        w
        for w in visible_widgets(themed_kiosk)
        if isinstance(w, QAbstractButton) and w.height() < target
    ]
    assert found == [small]


# A busy day: connected, many requests waiting, a last sync (the header's longest badge).
BUSY = SyncStatus(True, 128, dt.datetime(2026, 11, 27, 8, 40, tzinfo=dt.UTC), False)
TOLERANCE = 1.0  # px of antialiasing at the edge of a glyph


def ink_width(widget: QWidget, line: str) -> float:
    """How wide ``line`` is drawn in ``widget``'s font: its advance, widened by the ink the
    first and last glyphs reach beyond it (the bearings: a final «ی» sweeps past its advance)."""
    fm = QFontMetricsF(widget.font())
    ink = fm.boundingRect(line)
    advance = fm.horizontalAdvance(line)
    return max(advance, ink.right()) - min(0.0, ink.left())


def text_room(widget: QWidget) -> QRect:
    """The rect a widget draws its text in (a button's inside its border and padding)."""
    if isinstance(widget, QPushButton):
        option = QStyleOptionButton()
        widget.initStyleOption(option)
        return widget.style().subElementRect(
            QStyle.SubElement.SE_PushButtonContents, option, widget
        )
    assert isinstance(widget, QLabel)
    room = widget.contentsRect()
    return room.adjusted(widget.margin(), widget.margin(), -widget.margin(), -widget.margin())


def clipped(widget: QWidget) -> str | None:
    """Why ``widget``'s text does not fit, or None."""
    if not isinstance(widget, QLabel | QPushButton):
        return None
    # A button's own text (a tile draws its words in labels, checked as labels).
    text = widget.text() if isinstance(widget, QLabel) else QAbstractButton.text(widget)
    if not text.strip():
        return None
    room = text_room(widget)
    wraps = isinstance(widget, QLabel) and widget.wordWrap()
    # A wrapped label breaks lines between words: each word must fit; one line must otherwise.
    pieces = [w for line in text.split("\n") for w in line.split()] if wraps else text.split("\n")
    for piece in pieces:
        width = ink_width(widget, piece)
        if width > room.width() + TOLERANCE:
            return f"{piece!r} is {width:.1f} px wide in a {room.width()} px room"
    if wraps:
        assert isinstance(widget, QLabel)
        needed = widget.heightForWidth(widget.width())
        if needed > widget.height() + TOLERANCE:
            return f"{text[:30]!r} needs {needed} px of height, has {widget.height()}"
    return None


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_no_text_is_clipped_on_any_screen(themed_kiosk: Kiosk, qtbot: QtBot, lang: str) -> None:
    kiosk = themed_kiosk
    theme_name, large = kiosk.ctx.theme_name, kiosk.ctx.large_text
    problems: list[str] = []
    checked = 0
    for name, setup in SCREENS.items():
        kiosk.window.end_session()
        kiosk.ctx.set_language(lang)
        kiosk.ctx.set_theme(theme_name, large)
        setup(kiosk)
        kiosk.ctx.set_status(BUSY)
        settle(kiosk, qtbot)
        kiosk.window.resize(*kiosk.ctx.settings.ui.screen_resolution)
        settle(kiosk, qtbot)
        for widget in visible_widgets(kiosk):
            why = clipped(widget)
            checked += why is None and isinstance(widget, QLabel | QPushButton)
            if why is not None:
                problems.append(f"{name}: {type(widget).__name__} {widget.objectName()!r}: {why}")
    assert checked > 200, checked
    assert problems == []


def test_the_clipping_check_sees_a_squeezed_button(themed_kiosk: Kiosk, qtbot: QtBot) -> None:
    """The issue's case: «متن عادی» in a button narrower than its text is reported."""
    from ui.widgets.common import button

    kiosk = themed_kiosk
    kiosk.ctx.set_language("fa")
    squeezed = button("متن عادی", role=Role.SECONDARY)
    kiosk.window.header.layout().addWidget(squeezed)  # type: ignore[union-attr]
    squeezed.show()
    squeezed.setFixedWidth(squeezed.sizeHint().width() - 12)
    settle(kiosk, qtbot)
    assert clipped(squeezed) is not None
    squeezed.setFixedWidth(squeezed.sizeHint().width() + 12)
    settle(kiosk, qtbot)
    assert clipped(squeezed) is None
