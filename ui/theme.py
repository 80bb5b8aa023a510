"""Colours, sizes and the style sheet of the kiosk, in a normal and a high-contrast theme.

Sizes come from the configured screen, not from the window: a touch target is at least 20 mm
on the glass (81 px on a 21.5-inch full-HD screen). Colours come in pairs (text on background)
named by *role*; every widget that shows text carries a role as the dynamic property ``role``,
and ``tests/ui/test_accessibility.py`` walks the widget tree to check each pair's contrast:
4.5:1 for text, 3:1 for large text and controls (WCAG 2.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

MM_PER_INCH: Final = 25.4
MIN_TARGET_MM: Final = 20.0
TARGET_GAP_MM: Final = 2.0
FONT_FAMILY: Final = "Vazirmatn"


class ThemeName(StrEnum):
    NORMAL = "normal"
    CONTRAST = "contrast"


class Role(StrEnum):
    """What a widget is, for its colours. Each maps to (text colour, background colour)."""

    PAGE = "page"  # ordinary text on the page
    MUTED = "muted"  # hints and secondary text on the page
    HEADER = "header"  # the top bar
    PRIMARY = "primary"  # the main action (Continue, Submit)
    SECONDARY = "secondary"  # other actions (Back, Change, Print)
    TILE = "tile"  # a service tile on the home screen
    CHOICE = "choice"  # an answer button (single or multiple choice)
    CHOICE_ON = "choice_on"  # a chosen answer
    INPUT = "input"  # a text box
    ERROR = "error"  # an error message on the page
    ERROR_BOX = "error_box"  # the error summary box
    PANEL = "panel"  # a highlighted panel (the tracking code, a bill)
    KEY = "key"  # a key of the on-screen keyboard
    KEY_SPECIAL = "key_special"  # space, backspace, language keys
    OVERLAY = "overlay"  # the timeout warning
    BADGE_ONLINE = "badge_online"
    BADGE_OFFLINE = "badge_offline"


@dataclass(frozen=True)
class Colours:
    """One theme's colours: every role's text and background."""

    name: ThemeName
    roles: dict[Role, tuple[str, str]]
    border: str
    focus: str
    error_border: str

    def fg(self, role: Role) -> str:
        return self.roles[role][0]

    def bg(self, role: Role) -> str:
        return self.roles[role][1]


NORMAL: Final = Colours(
    name=ThemeName.NORMAL,
    roles={
        Role.PAGE: ("#0b0c0c", "#f4f6f7"),
        Role.MUTED: ("#454d52", "#f4f6f7"),
        Role.HEADER: ("#ffffff", "#12436d"),
        Role.PRIMARY: ("#ffffff", "#00703c"),
        Role.SECONDARY: ("#0b0c0c", "#dde2e5"),
        Role.TILE: ("#0b0c0c", "#ffffff"),
        Role.CHOICE: ("#0b0c0c", "#ffffff"),
        Role.CHOICE_ON: ("#ffffff", "#12436d"),
        Role.INPUT: ("#0b0c0c", "#ffffff"),
        Role.ERROR: ("#a4141f", "#f4f6f7"),
        Role.ERROR_BOX: ("#0b0c0c", "#ffffff"),
        Role.PANEL: ("#0b0c0c", "#e8f1f8"),
        Role.KEY: ("#0b0c0c", "#ffffff"),
        Role.KEY_SPECIAL: ("#0b0c0c", "#c9d1d6"),
        Role.OVERLAY: ("#0b0c0c", "#ffffff"),
        Role.BADGE_ONLINE: ("#ffffff", "#00703c"),
        Role.BADGE_OFFLINE: ("#0b0c0c", "#ffdd00"),
    },
    border="#505a5f",
    focus="#ffdd00",
    error_border="#a4141f",
)

CONTRAST: Final = Colours(
    name=ThemeName.CONTRAST,
    roles={
        Role.PAGE: ("#ffffff", "#000000"),
        Role.MUTED: ("#e6e6e6", "#000000"),
        Role.HEADER: ("#ffffff", "#000000"),
        Role.PRIMARY: ("#000000", "#ffdd00"),
        Role.SECONDARY: ("#ffffff", "#1a1a1a"),
        Role.TILE: ("#ffffff", "#000000"),
        Role.CHOICE: ("#ffffff", "#000000"),
        Role.CHOICE_ON: ("#000000", "#ffffff"),
        Role.INPUT: ("#ffffff", "#000000"),
        Role.ERROR: ("#ff8a8a", "#000000"),
        Role.ERROR_BOX: ("#ffffff", "#000000"),
        Role.PANEL: ("#ffffff", "#1a1a1a"),
        Role.KEY: ("#ffffff", "#000000"),
        Role.KEY_SPECIAL: ("#000000", "#d9d9d9"),
        Role.OVERLAY: ("#ffffff", "#000000"),
        Role.BADGE_ONLINE: ("#000000", "#7cf29a"),
        Role.BADGE_OFFLINE: ("#000000", "#ffdd00"),
    },
    border="#ffffff",
    focus="#ffdd00",
    error_border="#ff8a8a",
)

THEMES: Final = {ThemeName.NORMAL: NORMAL, ThemeName.CONTRAST: CONTRAST}


def pixels_per_mm(diagonal_in: float, resolution: tuple[int, int]) -> float:
    width, height = resolution
    return math.hypot(width, height) / diagonal_in / MM_PER_INCH


@dataclass(frozen=True)
class Metrics:
    """Sizes in pixels for the configured screen and text size."""

    px_per_mm: float
    large_text: bool

    @property
    def target(self) -> int:
        """The smallest height (and width) of anything a finger must hit: 20 mm."""
        return math.ceil(MIN_TARGET_MM * self.px_per_mm)

    @property
    def gap(self) -> int:
        return math.ceil(TARGET_GAP_MM * self.px_per_mm)

    def _font(self, mm: float, large_scale: float = 1.3) -> int:
        """A font size; large text grows body text most (headings are already large)."""
        scale = large_scale if self.large_text else 1.0
        return max(12, round(mm * self.px_per_mm * scale))

    @property
    def body(self) -> int:
        return self._font(5.5)

    @property
    def small(self) -> int:
        return self._font(4.6)

    @property
    def button(self) -> int:
        return self._font(6.0)

    @property
    def heading(self) -> int:
        return self._font(8.0, 1.15)

    @property
    def title(self) -> int:
        return self._font(10.0, 1.1)

    @property
    def code(self) -> int:
        """The tracking code on the confirmation page."""
        return self._font(13.0, 1.0)


@dataclass(frozen=True)
class Theme:
    colours: Colours
    metrics: Metrics

    @property
    def name(self) -> ThemeName:
        return self.colours.name


def make_theme(
    name: ThemeName, diagonal_in: float, resolution: tuple[int, int], large_text: bool
) -> Theme:
    return Theme(THEMES[name], Metrics(pixels_per_mm(diagonal_in, resolution), large_text))


def repolish(widget: QWidget) -> None:
    """Apply the style sheet again after a dynamic property changed.

    Only a widget that was polished already needs it: a new one is polished, with its
    properties as they are then, when it is first shown or measured.
    """
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)


def set_property(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property the style sheet selects on; re-polish only if it changed."""
    if widget.property(name) != value:
        widget.setProperty(name, value)
        repolish(widget)


def set_role(widget: QWidget, role: Role) -> None:
    """Give ``widget`` its colours (through the style sheet)."""
    set_property(widget, "role", role.value)


def set_boxed(widget: QWidget, role: Role) -> None:
    """A framed box (panel, error summary): the role's colours and a border around it."""
    widget.setProperty("boxed", True)
    widget.setProperty("role", role.value)
    repolish(widget)


def role_of(widget: QWidget) -> Role | None:
    value = widget.property("role")
    return Role(value) if isinstance(value, str) and value in Role.__members__.values() else None


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of a ``#rrggbb`` colour."""
    c = QColor(colour)

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def palette(theme: Theme) -> QPalette:
    """The Qt palette for widgets the style sheet does not reach (dialog frames, menus)."""
    c = theme.colours
    p = QPalette()
    page_fg, page_bg = c.roles[Role.PAGE]
    input_fg, input_bg = c.roles[Role.INPUT]
    button_fg, button_bg = c.roles[Role.SECONDARY]
    on_fg, on_bg = c.roles[Role.CHOICE_ON]
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, QColor(page_bg))
        p.setColor(group, QPalette.ColorRole.WindowText, QColor(page_fg))
        p.setColor(group, QPalette.ColorRole.Base, QColor(input_bg))
        p.setColor(group, QPalette.ColorRole.Text, QColor(input_fg))
        p.setColor(group, QPalette.ColorRole.Button, QColor(button_bg))
        p.setColor(group, QPalette.ColorRole.ButtonText, QColor(button_fg))
        p.setColor(group, QPalette.ColorRole.Highlight, QColor(on_bg))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor(on_fg))
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor(input_bg))
        p.setColor(group, QPalette.ColorRole.ToolTipText, QColor(input_fg))
        p.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(c.fg(Role.MUTED)))
    return p


# The palette pairs a test checks, as (foreground role, background role).
PALETTE_PAIRS: Final = (
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
)


def stylesheet(theme: Theme) -> str:
    c, m = theme.colours, theme.metrics
    radius = max(4, m.gap)
    # A selected (or pressed) choice has a 4 px border, an unselected one 2 px and 2 px more
    # padding: the same outer size, so selecting a tile moves nothing around it.
    rules = [
        f"""
        QWidget {{ font-family: "{FONT_FAMILY}"; font-size: {m.body}px;
                   color: {c.fg(Role.PAGE)}; }}
        QMainWindow, QStackedWidget, QWidget#screen {{ background: {c.bg(Role.PAGE)}; }}
        QLabel {{ background: transparent; }}
        QLabel[heading="true"] {{ font-size: {m.heading}px; font-weight: bold; }}
        QLabel[title="true"] {{ font-size: {m.title}px; font-weight: bold; }}
        QLabel[small="true"] {{ font-size: {m.small}px; }}
        QPushButton {{ min-height: {m.target}px; min-width: {m.target}px;
                       font-size: {m.button}px; border-radius: {radius}px;
                       padding: 0 {m.gap * 3}px;
                       color: {c.fg(Role.SECONDARY)}; background: {c.bg(Role.SECONDARY)};
                       border: 2px solid {c.border}; }}
        QTabBar::tab {{ min-height: {m.target}px; padding: 0 {m.gap * 3}px;
                        font-size: {m.button}px; }}
        QPushButton:focus {{ outline: none; border: {max(3, m.gap)}px solid {c.focus}; }}
        QLineEdit, QPlainTextEdit {{ min-height: {m.target}px; font-size: {m.button}px;
                       border: 3px solid {c.border}; border-radius: {radius // 2}px;
                       padding: 0 {m.gap * 2}px; }}
        QLineEdit:focus, QPlainTextEdit:focus {{ border: 4px solid {c.fg(Role.PAGE)};
                       outline: none; }}
        QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{
                       border: 5px solid {c.error_border}; }}
        """
    ]
    for role in Role:
        fg, bg = c.roles[role]
        rules.append(f'*[role="{role.value}"] {{ color: {fg}; background: {bg}; }}')
    rules.append(
        f"""
        QPushButton[role="secondary"], QPushButton[role="tile"], QPushButton[role="choice"],
        QPushButton[role="key"], QPushButton[role="key_special"] {{
            border: 2px solid {c.border}; }}
        QPushButton[role="choice_on"] {{ border: 4px solid {c.fg(Role.PAGE)}; }}
        QPushButton[role="choice"] {{ padding: 2px {m.gap * 3 + 2}px; }}
        QPushButton[role="choice_on"], QPushButton[role="choice"]:pressed {{
            padding: 0 {m.gap * 3}px; }}
        QPushButton[role="tile"] {{ text-align: center; font-weight: bold; }}
        QPushButton[role="primary"] {{ font-weight: bold; border: 2px solid {c.bg(Role.PRIMARY)}; }}
        QPushButton:pressed {{ border: 4px solid {c.focus}; }}
        QFrame[boxed="true"][role="error_box"] {{ border: 5px solid {c.error_border}; }}
        QFrame[boxed="true"][role="panel"] {{ border: 3px solid {c.border}; }}
        QLabel[role="error"], QLabel[bold="true"] {{ font-weight: bold; }}
        QLabel[role="tile"] {{ background: transparent; }}
        QFrame[boxed="true"][role="overlay"] {{ border: 6px solid {c.fg(Role.OVERLAY)}; }}
        """
    )
    return "\n".join(rules)
