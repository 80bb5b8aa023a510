"""What the kiosk says, as data: utterances of words and pauses, ready for any engine.

An :class:`Utterance` is one thing said (a heading, a question, one choice, an error), in one
language, with its :class:`Kind` and :class:`Priority`. Its :attr:`Utterance.script` is already
prepared for speech (``kiosk.speech.normalise``): numbers, amounts, dates and times as words,
codes digit by digit with :class:`Pause` between their groups, no bidi controls, no digits and
no Latin letters in Persian. An engine turns a script into sound (``kiosk.speech.engine``); one
that reads SSML gets :meth:`Utterance.ssml`, another can speak the pieces one by one and put
silence for each pause.

``shown`` keeps the words as the screen shows them, so a person checking the speech (``kiosk
say``) and a test can compare the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from xml.sax.saxutils import escape

__all__ = [
    "Kind",
    "Pause",
    "Piece",
    "Priority",
    "Script",
    "Span",
    "Utterance",
    "join_pieces",
    "ssml",
]


class Kind(StrEnum):
    HEADING = "heading"
    INSTRUCTION = "instruction"
    QUESTION = "question"
    HELP = "help"
    CHOICE = "choice"
    VALUE = "value"
    ERROR = "error"
    CONFIRMATION = "confirmation"
    RECEIPT = "receipt"
    WARNING = "warning"


class Priority(IntEnum):
    """Which utterance goes first and what may cut what: an alert (an error, the idle warning)
    interrupts a prompt; a prompt (what the screen asks) interrupts information (a receipt,
    an announcement, help)."""

    INFO = 0
    PROMPT = 1
    ALERT = 2


DEFAULT_PRIORITY = {
    Kind.HEADING: Priority.PROMPT,
    Kind.INSTRUCTION: Priority.PROMPT,
    Kind.QUESTION: Priority.PROMPT,
    Kind.HELP: Priority.INFO,
    Kind.CHOICE: Priority.PROMPT,
    Kind.VALUE: Priority.PROMPT,
    Kind.ERROR: Priority.ALERT,
    Kind.CONFIRMATION: Priority.PROMPT,
    Kind.RECEIPT: Priority.INFO,
    Kind.WARNING: Priority.ALERT,
}


@dataclass(frozen=True)
class Pause:
    """Silence, in milliseconds: between the groups of a code, after a heading."""

    ms: int

    def __post_init__(self) -> None:
        if not 0 < self.ms <= 5000:
            raise ValueError(f"a pause of {self.ms} ms")


@dataclass(frozen=True)
class Span:
    """Words in another language than the utterance's, said with that language's voice: a
    Persian address typed in an English session, an English word in a Persian text."""

    text: str
    lang: str


Piece = str | Pause | Span
Script = tuple[Piece, ...]


_CLOSING = frozenset(",.;:!?،؛؟)»”")


def join_pieces(pieces: Iterable[Piece]) -> Script:
    """``pieces`` with neighbouring texts joined by a space, neighbouring pauses merged into
    the longer one, blank texts dropped, and no pause at either end."""
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, Span):
            words = " ".join(piece.text.split())
            if not words:
                continue
            if out and isinstance(out[-1], Span) and out[-1].lang == piece.lang:
                out[-1] = Span(f"{out[-1].text} {words}", piece.lang)
            else:
                out.append(Span(words, piece.lang))
            continue
        if isinstance(piece, Pause):
            if out and isinstance(out[-1], Pause):
                out[-1] = Pause(max(out[-1].ms, piece.ms))
            elif out:
                out.append(piece)
            continue
        text = " ".join(piece.split())
        if not text:
            continue
        if out and isinstance(out[-1], str):
            glue = "" if text[0] in _CLOSING else " "
            out[-1] = f"{out[-1]}{glue}{text}"
        else:
            out.append(text)
    if out and isinstance(out[-1], Pause):
        out.pop()
    return tuple(out)


@dataclass(frozen=True)
class Utterance:
    kind: Kind
    lang: str
    script: Script
    priority: Priority
    shown: str = ""  # the words as on screen (for people checking the speech), may be ""

    @classmethod
    def of(
        cls,
        kind: Kind,
        lang: str,
        pieces: Sequence[Piece],
        *,
        shown: str = "",
        priority: Priority | None = None,
    ) -> Utterance:
        return cls(
            kind,
            lang,
            join_pieces(pieces),
            DEFAULT_PRIORITY[kind] if priority is None else priority,
            shown,
        )

    @property
    def text(self) -> str:
        """The words said, pauses shown as `` | `` (for reading and for tests)."""
        out = ""
        for p in self.script:
            out += " | " if isinstance(p, Pause) else (" " if out else "") + _words(p)
        return out.replace("  ", " ")

    @property
    def words(self) -> str:
        """The words said, one space apart."""
        return " ".join(_words(p) for p in self.script if not isinstance(p, Pause))

    def ssml(self) -> str:
        return ssml(self.script, self.lang)


def _words(piece: str | Span) -> str:
    return piece.text if isinstance(piece, Span) else piece


def _ssml_piece(piece: Piece) -> str:
    if isinstance(piece, Pause):
        return f'<break time="{piece.ms}ms"/>'
    if isinstance(piece, Span):
        return f' <voice xml:lang="{piece.lang}">{escape(piece.text)}</voice> '
    return escape(piece)


def ssml(script: Script, lang: str) -> str:
    """A script as SSML: ``<speak xml:lang="fa">...<break time="400ms"/>...</speak>``, words
    of another language in ``<voice xml:lang="en">``."""
    body = "".join(_ssml_piece(p) for p in script)
    return f'<speak xml:lang="{lang}">{body}</speak>'
