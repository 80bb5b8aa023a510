"""What the simulator does with the next payment it is asked for: a line of its script.

One behaviour per line (``#`` starts a comment), consumed one per payment or reversal in order;
when the script is used up, every payment is approved::

    approve
    decline 51          # any two-digit ResponseCode: 51 funds, 55 PIN, 61 limit, 54 expired
    timeout             # no answer from the card reader: PcPosStatusCode 0, nothing charged
    lose                # approve, record it, then close the connection without an answer
    busy                # refuse it as a concurrent request: PcPosStatusCode 6
    offline             # the card reader does not answer the service: PcPosStatusCode 1
    slow 3 approve      # the card prompts take 3 s (insert card, PIN, processing) first
    hold 2 approve      # the outcome is recorded, and the answer leaves 2 s later
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ACTIONS: Final = ("approve", "decline", "timeout", "lose", "busy", "offline")
MAX_SECONDS: Final = 600.0


class ScriptError(ValueError):
    """A line of a script that is not a behaviour; the message names the line."""


@dataclass(frozen=True)
class Behaviour:
    action: str = "approve"
    code: str = ""  # the ResponseCode of a decline
    slow_s: float = 0.0  # time the card prompts take before the outcome
    hold_s: float = 0.0  # time between the outcome (recorded) and the answer

    def __str__(self) -> str:
        parts = [f"slow {self.slow_s:g}"] if self.slow_s else []
        parts += [f"hold {self.hold_s:g}"] if self.hold_s else []
        parts += [self.action] + ([self.code] if self.code else [])
        return " ".join(parts)


APPROVE: Final = Behaviour()


def parse_behaviour(line: str) -> Behaviour:
    words = line.split("#", 1)[0].split()
    slow = hold = 0.0
    while len(words) >= 2 and words[0] in ("slow", "hold"):
        seconds = _seconds(words[1], line)
        slow, hold = (seconds, hold) if words[0] == "slow" else (slow, seconds)
        words = words[2:]
    if not words or words[0] not in ACTIONS:
        raise ScriptError(f"{line.strip()!r}: expected one of {', '.join(ACTIONS)}")
    action, args = words[0], words[1:]
    code = ""
    if action == "decline":
        if len(args) != 1 or not (len(args[0]) == 2 and args[0].isascii() and args[0].isdigit()):
            raise ScriptError(f"{line.strip()!r}: 'decline' takes a two-digit code, e.g. 51")
        code, args = args[0], []
        if code == "00":
            raise ScriptError(f"{line.strip()!r}: 00 is an approval, not a decline")
    if args:
        raise ScriptError(f"{line.strip()!r}: {action!r} takes nothing after it")
    return Behaviour(action, code, slow, hold)


def parse_script(text: str) -> list[Behaviour]:
    """Every behaviour of a script, or :class:`ScriptError` naming the first bad line."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.split("#", 1)[0].strip():
            continue
        try:
            out.append(parse_behaviour(line))
        except ScriptError as exc:
            raise ScriptError(f"line {number}: {exc}") from None
    return out


def _seconds(text: str, line: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= MAX_SECONDS:
        raise ScriptError(f"{line.strip()!r}: {text!r} is not a number of seconds (0-600)")
    return value
