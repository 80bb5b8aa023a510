"""Output helpers of the command line: tables, JSON, durations, one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from kiosk.i18n import N_, translate
from kiosk.jsonutil import pretty
from kiosk.text import escape_controls

EXIT_USAGE = 2
ERROR_PREFIX = N_("kiosk: error: {message}")


class UsageError(ValueError):
    """A command refused: one line on standard error (one JSON object with ``--json``) and an
    exit status (2 unless said otherwise).

    ``msgid`` is a message of the translation layer with ``{name}`` placeholders filled from
    ``params``, so it is printed in the language of the command (``--lang``, else the
    configured ``[ui] language``); ``reason`` is a word for scripts (``usage``, ``config``,
    ``invalid_answers``, ...); ``details`` are more JSON fields (never personal data).
    """

    def __init__(
        self,
        msgid: str,
        /,
        *,
        reason: str = "usage",
        status: int = EXIT_USAGE,
        details: Mapping[str, Any] | None = None,
        **params: object,
    ) -> None:
        self.msgid = msgid
        self.params = params
        self.reason = reason
        self.status = status
        self.details = dict(details or {})
        super().__init__(self.render("en"))

    def render(self, lang: str) -> str:
        return translate(lang, self.msgid, **self.params)


def fail(
    msgid: str,
    /,
    *,
    reason: str = "usage",
    status: int = EXIT_USAGE,
    details: Mapping[str, Any] | None = None,
    **params: object,
) -> NoReturn:
    raise UsageError(msgid, reason=reason, status=status, details=details, **params)


def print_error(error: UsageError, lang: str, *, as_json: bool) -> int:
    """Print ``error`` on standard error, as a line or (``as_json``) as one JSON object with
    ``reason`` and ``message``; return its exit status."""
    message = " ".join(error.render(lang).split())  # one line, whatever the message held
    if as_json:
        line = json.dumps(
            {"reason": error.reason, "message": message, **error.details},
            ensure_ascii=False,
            separators=(",", ":"),
        )
    else:
        line = translate(lang, ERROR_PREFIX, message=message)
    print(line, file=sys.stderr)
    return error.status


def print_json(value: Any) -> None:
    sys.stdout.write(pretty(value) + "\n")


def shown(value: object) -> str:
    """``value`` as text for a terminal: control characters as visible escapes
    (``kiosk.text.escape_controls``). Everything that came from a citizen, a kiosk or a server
    goes through here (``table`` does it for every cell)."""
    return escape_controls(str(value))


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    rows = [[shown(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


def when(value: dt.datetime | None) -> str:
    if value is None:
        return "-"
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"
