"""Persian-aware text helpers: digits, letter forms and bidirectional isolation.

Citizens type Persian (``۰``-``۹``), Arabic-Indic (``٠``-``٩``) or ASCII digits and Arabic or
Persian letter forms; everything the kiosk stores is normalised with these helpers first. On screen,
Persian text shows Persian digits, and identifiers inside Persian sentences are wrapped in a
left-to-right isolate so that their groups are not reordered by the bidi algorithm.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ARABIC_INDIC_DIGITS",
    "ASCII_DIGITS",
    "LRI",
    "PDI",
    "PERSIAN_DIGITS",
    "ZWNJ",
    "bare_numbers",
    "digits_only",
    "escape_controls",
    "isolate",
    "isolate_numbers",
    "localize_digits",
    "normalize_persian",
    "strip_isolates",
    "to_ascii_digits",
    "to_persian_digits",
]

ASCII_DIGITS = "0123456789"
PERSIAN_DIGITS = "".join(chr(c) for c in range(0x06F0, 0x06FA))
ARABIC_INDIC_DIGITS = "".join(chr(c) for c in range(0x0660, 0x066A))

ZWNJ = "\u200c"
"""ZERO WIDTH NON-JOINER: meaningful in Persian spelling (``می‌روم``), never stripped from text."""

LRI = "\u2066"
"""LEFT-TO-RIGHT ISOLATE."""
PDI = "\u2069"
"""POP DIRECTIONAL ISOLATE."""

_ISOLATES = frozenset("\u2066\u2067\u2068\u2069")  # LRI, RLI, FSI, PDI

# Bidi marks, embeddings and overrides (besides the isolates above).
_BIDI_CONTROLS = (
    frozenset(
        "\u061c"  # ARABIC LETTER MARK
        "\u200e\u200f"  # LRM, RLM
        "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    )
    | _ISOLATES
)

# Invisible characters removed by normalize_persian. ZWNJ is deliberately absent.
_INVISIBLE = (
    frozenset(
        "\u00ad"  # SOFT HYPHEN
        "\u180e"  # MONGOLIAN VOWEL SEPARATOR
        "\u200b"  # ZERO WIDTH SPACE
        "\u200d"  # ZERO WIDTH JOINER
        "\u2060\u2061\u2062\u2063\u2064"  # WORD JOINER, invisible operators
        "\ufeff"  # ZERO WIDTH NO-BREAK SPACE / BOM
    )
    | _BIDI_CONTROLS
)

_DASHES = frozenset(
    "-"
    "\u2010\u2011\u2012\u2013\u2014\u2015"  # hyphen .. horizontal bar
    "\u2212"  # MINUS SIGN
    "\ufe58\ufe63\uff0d"  # small em dash, small hyphen-minus, fullwidth hyphen-minus
    "\u0640"  # ARABIC TATWEEL (kashida): a stretched joiner, never a digit
)

# Separators that may appear inside a typed or pasted number.
_NUMBER_SEPARATORS = (
    _DASHES | _INVISIBLE | frozenset(ZWNJ) | frozenset("\u00a0\u2007\u2009\u200a\u202f")
)

_TO_ASCII = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, ASCII_DIGITS * 2)
_TO_PERSIAN = str.maketrans(ASCII_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)
_ARABIC_TO_PERSIAN_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ARABIC LETTER YEH -> ARABIC LETTER FARSI YEH
        "\u0649": "\u06cc",  # ARABIC LETTER ALEF MAKSURA -> ARABIC LETTER FARSI YEH
        "\u0643": "\u06a9",  # ARABIC LETTER KAF -> ARABIC LETTER KEHEH
    }
)
_DROP_INVISIBLE = str.maketrans(dict.fromkeys(_INVISIBLE))

# What a terminal (or a text box) acts on instead of showing: C0 and C1 controls, DEL, the bidi
# embeddings and overrides (the isolates and the LRM/RLM marks the kiosk writes itself are
# kept: they only group text), and the Unicode line and paragraph separators.
_SHOWN_AS_ESCAPES = {
    **{c: f"\\x{c:02x}" for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))},
    **{c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), 0x2028, 0x2029)},
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
}
_DROP_ISOLATES = str.maketrans(dict.fromkeys(_ISOLATES))


def to_ascii_digits(s: str) -> str:
    """Replace Persian and Arabic-Indic digits with ASCII digits; leave everything else alone."""
    return s.translate(_TO_ASCII)


def to_persian_digits(s: str) -> str:
    """Replace ASCII and Arabic-Indic digits with Persian digits; leave everything else alone."""
    return s.translate(_TO_PERSIAN)


def localize_digits(s: str, lang: str) -> str:
    """Persian digits when ``lang == "fa"``, ASCII digits for any other language."""
    if lang == "fa":
        return to_persian_digits(s)
    return to_ascii_digits(s)


def normalize_persian(s: str) -> str:
    """Normalise user text to the Persian forms the kiosk stores and compares.

    * Arabic YEH (``ي``) and ALEF MAKSURA (``ى``) become FARSI YEH (``ی``); Arabic KAF (``ك``)
      becomes KEHEH (``ک``).
    * Invisible zero-width and bidi control characters are removed, except ZWNJ, which is part of
      Persian spelling.
    * The result is NFC-normalised. Digits are not touched (see :func:`to_ascii_digits`).

    The function is idempotent.
    """
    stripped = unicodedata.normalize("NFC", s.translate(_DROP_INVISIBLE))
    return unicodedata.normalize("NFC", stripped.translate(_ARABIC_TO_PERSIAN_LETTERS))


def isolate(s: str) -> str:
    """Wrap ``s`` in LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE.

    Use it for identifiers, codes and numbers shown inside Persian (right-to-left) sentences. Any
    isolates already in ``s`` are kept (nested isolates are valid), so call it once per value.
    """
    return f"{LRI}{s}{PDI}"


_DIGIT = "0-9\u06f0-\u06f9\u0660-\u0669"
# A number as a reader sees one: digits (with Latin letters, for codes such as 0x04b8 or
# 1920x1080) joined by single separators (/ - : . , and the Persian thousands and decimal
# separators), then any groups of digits after single spaces (0912 345 6789).
_JOINER = "/\\-:.,\u066b\u066c"
_NUMBER = re.compile(
    rf"[{_DIGIT}A-Za-z]+(?:[{_JOINER}][{_DIGIT}A-Za-z]+)*"
    rf"(?:[ \u00a0\u202f][{_DIGIT}]+(?![{_DIGIT}A-Za-z]|[{_JOINER}][{_DIGIT}A-Za-z]))*"
)
_HAS_DIGIT = re.compile(rf"[{_DIGIT}]")
_OPENERS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI


def _outside_isolates(s: str) -> list[tuple[bool, str]]:
    """``s`` cut into (inside an isolate, text) pieces; isolates may nest."""
    pieces: list[tuple[bool, str]] = []
    depth, start = 0, 0
    for i, c in enumerate(s):
        if c in _OPENERS:
            if depth == 0 and i > start:
                pieces.append((False, s[start:i]))
                start = i
            depth += 1
        elif c == PDI and depth > 0:
            depth -= 1
            if depth == 0:
                pieces.append((True, s[start : i + 1]))
                start = i + 1
    if start < len(s):
        pieces.append((depth > 0, s[start:]))
    return pieces


def _isolate_number(match: re.Match[str]) -> str:
    token = match.group()
    return isolate(token) if _HAS_DIGIT.search(token) else token  # a Latin word: as it is


def isolate_numbers(s: str) -> str:
    """Wrap every number, date, code or identifier of ``s`` that is not isolated yet in
    LRI ... PDI, so that a right-to-left paragraph keeps each one whole and in its own order.

    A number is a run of digits (Persian, Arabic-Indic or ASCII, with Latin letters for codes)
    joined by single separators (``/ - : . ,`` and ``٬ ٫``); groups of digits after single
    spaces belong to it too (``۰۹۱۲ ۳۴۵ ۶۷۸۹``). Idempotent: isolated text is left alone.
    """
    out = []
    for inside, piece in _outside_isolates(s):
        out.append(piece if inside else _NUMBER.sub(_isolate_number, piece))
    return "".join(out)


def bare_numbers(s: str) -> list[str]:
    """The numbers of ``s`` (as :func:`isolate_numbers` finds them) outside any isolate."""
    found: list[str] = []
    for inside, piece in _outside_isolates(s):
        if not inside:
            found += [m.group() for m in _NUMBER.finditer(piece) if _HAS_DIGIT.search(m.group())]
    return found


def in_paragraph(s: str, lang: str) -> str:
    """``s`` as a paragraph of ``lang``: a leading RLM or LRM fixes its base direction.

    A text that starts with an isolated number has no strong character of its own, so a
    renderer would guess its direction from the number (left to right) and align a Persian
    line to the left. The mark makes the paragraph's direction the language's.
    """
    return ("\u200f" if lang == "fa" else "\u200e") + s


def escape_controls(text: str) -> str:
    """``text`` with every character a terminal would act on shown as a visible escape.

    For text that came from a kiosk, a citizen or a server and goes to an operator's terminal
    (CLI tables and listings): ``"\\x1b[2J"`` for ESC, ``\\n``, ``\\r`` and ``\\t`` for line
    breaks and tabs (a row stays one row), ``\\u202e`` for a bidi override. Persian text, ZWNJ,
    the directional isolates (U+2066..U+2069) and the LRM/RLM marks are kept as they are.
    An isolate without its partner (an LRI never closed, a PDI that closes nothing) is escaped
    too: it would reorder the rest of the line. The result has nothing left to escape.
    """
    shown = text.translate(_SHOWN_AS_ESCAPES)
    if not any(c in _ISOLATES for c in shown):
        return shown
    chars = list(shown)
    opened: list[int] = []
    for i, c in enumerate(chars):
        if c == PDI:
            if opened:
                opened.pop()
            else:
                chars[i] = f"\\u{ord(c):04x}"
        elif c in _ISOLATES:
            opened.append(i)
    for i in opened:
        chars[i] = f"\\u{ord(chars[i]):04x}"
    return "".join(chars)


def strip_isolates(s: str) -> str:
    """Remove the directional isolates U+2066..U+2069 (LRI, RLI, FSI, PDI)."""
    return s.translate(_DROP_ISOLATES)


def digits_only(s: str) -> str:
    """Prepare a typed or pasted number for validation.

    Converts Persian and Arabic-Indic digits to ASCII, then removes whitespace (including NBSP,
    thin spaces and ZWNJ), dashes (ASCII hyphen-minus, U+2010..U+2015, U+2212 MINUS SIGN, tatweel
    and a few compatibility dashes) and invisible bidi or zero-width characters. Any other
    character is kept, so callers must still check that the result is made of ASCII digits
    (``s.isascii() and s.isdigit()``; ``str.isdigit`` alone accepts e.g. ``"²"``).
    """
    ascii_digits = to_ascii_digits(s)
    return "".join(c for c in ascii_digits if not (c.isspace() or c in _NUMBER_SEPARATORS))
