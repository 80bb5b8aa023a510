"""The keys of the on-screen keyboard: Persian (ISIRI 9147), English and a phone-style pad.

Data only: which keys each layout has, row by row, left to right as they appear on the glass
(physical positions, whatever the language's direction). The widget is ``ui.widgets.keyboard``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum, auto
from typing import Final

from kiosk.i18n import N_
from kiosk.text import ZWNJ


class Layout(StrEnum):
    """Which keys the keyboard shows."""

    FA = "fa"
    EN = "en"
    NUMERIC = "numeric"


class Kind(Enum):
    CHAR = auto()  # types its text (letters, punctuation, ZWNJ)
    DIGIT = auto()  # types its ASCII digit, in the digits of the session language
    SPACE = auto()
    BACKSPACE = auto()
    ENTER = auto()
    SHIFT = auto()
    SWITCH = auto()  # Persian <-> English layout


@dataclass(frozen=True)
class Key:
    kind: Kind
    text: str = ""
    span: int = 1  # width in key units
    label: str = ""  # a fixed label instead of the text (the ZWNJ key)


# Special-key labels, rendered in the session language. Backspace removes one letter (one
# digit on the number pad), and says so: a plain "delete" («پاک کردن») reads as "clear all".
LABELS: Final = {
    Kind.SPACE: N_("Space"),
    Kind.BACKSPACE: N_("Delete letter"),
    Kind.ENTER: N_("Enter"),
    Kind.SHIFT: N_("Shift"),
}
DIGIT_LABELS: Final = {Kind.BACKSPACE: N_("Delete digit")}  # the number pad's own words
# The language-switch key names the *other* layout in its own language: never translated.
SWITCH_LABELS: Final = {Layout.FA: "English", Layout.EN: "فارسی"}
ZWNJ_LABEL: Final = "نیم\u200cفاصله"
LETTER_KINDS: Final = frozenset({Kind.CHAR, Kind.DIGIT})


def _chars(keys: str) -> tuple[Key, ...]:
    """Character keys from a space-separated string, left to right as seen on the screen."""
    return tuple(Key(Kind.CHAR, c) for c in keys.split())


def _digits(digits: str, span: int = 1) -> tuple[Key, ...]:
    return tuple(Key(Kind.DIGIT, d, span) for d in digits)


_BOTTOM: Final = (Key(Kind.BACKSPACE, span=2), Key(Kind.ENTER, span=2))
SWITCH: Final = Key(Kind.SWITCH, span=2)

# Every row is listed left to right as it appears on the glass (physical positions).
ROWS: Final[dict[Layout, tuple[tuple[Key, ...], ...]]] = {
    Layout.FA: (
        _digits("1234567890") + _chars("- /"),
        _chars("ض ص ث ق ف غ ع ه خ ح ج چ"),
        _chars("ش س ی ب ل ا ت ن م ک گ"),
        _chars("ظ ط ز ر ذ د پ و ژ آ ، ؟"),
        (SWITCH, Key(Kind.CHAR, ZWNJ, 2, ZWNJ_LABEL), Key(Kind.SPACE, span=4), *_BOTTOM),
    ),
    Layout.EN: (
        _digits("1234567890") + _chars("- /"),
        _chars("q w e r t y u i o p"),
        _chars("a s d f g h j k l @"),
        (Key(Kind.SHIFT, span=2), *_chars("z x c v b n m , .")),
        (SWITCH, Key(Kind.SPACE, span=6), *_BOTTOM),
    ),
    Layout.NUMERIC: (
        _digits("123", 2),
        _digits("456", 2),
        _digits("789", 2),
        (Key(Kind.BACKSPACE, span=2), *_digits("0", 2), Key(Kind.ENTER, span=2)),
    ),
}
