"""Touch targets of at least 20 mm and readable contrast, on every screen, in both themes.

The tests walk the live widget tree of each screen (set up as for the screenshots) and the
palettes: every button and text box is at least 20 mm on the configured screen; every text sits
on a colour pair with a contrast of 4.5:1 (3:1 for large text); borders of controls reach 3:1.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from tests.ui.conftest import make_kiosk
from ui.run import Kiosk
from ui.screenshot import SCREENS
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
    params=[(ThemeName.NORMAL, False), (ThemeName.CONTRAST, False), (ThemeName.NORMAL, True)],
    ids=["normal", "contrast", "large-text"],
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
