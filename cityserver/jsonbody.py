"""Reading a JSON body that anyone may have written: every malformation is a 400 with a reason.

``json.loads`` raises more than ``JSONDecodeError``: ``RecursionError`` for deep nesting,
``ValueError`` for an integer of more than 4300 digits, and it takes ``NaN`` and
``Infinity``, which JSON does not have. Integers here are at most :data:`MAX_INT_DIGITS` digits
(a seq, a kiosk number and an amount in rials all fit), and numbers are finite.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

from cityserver.errors import ApiError

MAX_INT_DIGITS: Final = 19


class _Refused(ValueError):
    pass


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"a number has more than {MAX_INT_DIGITS} digits")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:20]} is too large")
    return value


def _constant(name: str) -> float:
    raise _Refused(f"{name} is not a JSON number")


def load_json(body: bytes) -> Any:
    """The decoded body; :class:`ApiError` 400 ``bad_request`` naming what is wrong."""
    try:
        return json.loads(body, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except _Refused as exc:
        raise ApiError(400, "bad_request", f"the body is not acceptable JSON: {exc}") from None
    except RecursionError:
        raise ApiError(400, "bad_request", "the body's JSON is nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise ApiError(400, "bad_request", f"the body is not JSON: {exc}") from None
