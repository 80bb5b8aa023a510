"""Logging: one rotating file in the data dir, one named logger per subsystem.

Loggers: ``kiosk.cli``, ``kiosk.db``, ``kiosk.queue``, ``sync``, ``ui`` and so on. Log records
carry ids, sequence numbers, service codes and states; never answers, national codes, mobile
numbers or free text from citizens.

Exceptions are the way answers leak into a log: SQLAlchemy puts a failed statement's parameters
into its message, ``int("0912...")`` quotes its argument, a ``KeyError`` names its key. So the
kiosk's log file never holds an exception's message unless its kind cannot carry an answer
(:func:`describe`): its formatter writes a traceback as frames (file, line, function, the source
line) and exception types only (:func:`safe_traceback`), never locals or arguments. Code that
puts an exception into a message itself uses :func:`describe` too.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

LOG_FILENAME = "kiosk.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def _name(kind: type[BaseException]) -> str:
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def describe(exc: BaseException) -> str:
    """One line about ``exc`` with nothing a citizen typed in it.

    The message is kept only for kinds whose message cannot carry an answer: ``OSError`` (its
    errno and strerror, not its file names), SQLite's own errors (SQLite names constraints and
    states, never bound values), a SQLAlchemy database error as the SQLite error inside it, and
    classes that declare ``safe_to_log = True`` (their message is written for logs, e.g. the
    sync client's). Anything else is its type alone.
    """
    kind = _name(type(exc))
    # Looked up, not imported: only code that loaded sqlite3 can raise its errors (``kiosk run``
    # paints its first screen before it does).
    sqlite3 = sys.modules.get("sqlite3")
    if isinstance(exc, OSError):
        if exc.errno is not None and exc.strerror:
            return f"{kind}: [Errno {exc.errno}] {exc.strerror}"
        return kind
    if sqlite3 is not None and isinstance(exc, sqlite3.Error):
        return f"{kind}: {exc}"
    orig = getattr(exc, "orig", None)  # sqlalchemy.exc.DBAPIError, without importing it
    if (
        sqlite3 is not None
        and isinstance(orig, sqlite3.Error)
        and type(exc).__module__.startswith("sqlalchemy")
    ):
        return f"{kind} ({describe(orig)})"
    if getattr(type(exc), "safe_to_log", False) is True:
        text = str(exc)
        return f"{kind}: {text}" if text else kind
    return kind


def safe_traceback(exc: BaseException, tb: TracebackType | None = None) -> str:
    """A traceback of ``exc`` (and of its causes) as Python prints it, but every exception's
    line is :func:`describe`'s: frames and types, no messages that could carry answers."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "direct cause"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "during handling"
        else:
            current = None
    lines: list[str] = []
    for i, (item, _) in enumerate(reversed(chain)):
        if i:
            link = chain[len(chain) - i][1]
            lines.append(
                "\nThe above exception was the direct cause of the following exception:\n"
                if link == "direct cause"
                else "\nDuring handling of the above exception, another exception occurred:\n"
            )
        frames = item.__traceback__ if item is not exc or tb is None else tb
        if frames is not None:
            lines.append("Traceback (most recent call last):")
            lines.extend(
                line.rstrip("\n") for line in traceback.format_list(traceback.extract_tb(frames))
            )
        lines.append(describe(item))
    return "\n".join(lines)


_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class SafeFormatter(logging.Formatter):
    """The log file's formatter: tracebacks by :func:`safe_traceback`."""

    def format(self, record: logging.LogRecord) -> str:
        cached = record.exc_text  # another handler's traceback, with the messages: not used
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: _ExcInfo) -> str:
        exc = ei[1]
        if exc is None:
            return ""
        return safe_traceback(exc, ei[2])


def setup_logging(log_dir: Path, level: str = "info") -> Path:
    """Send every kiosk logger to ``log_dir/kiosk.log`` (1 MB x 5 files); return the path."""
    import logging.handlers  # sockets, pickle: not before ``kiosk run``'s first paint

    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILENAME
    stop_logging()
    root = logging.getLogger()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(SafeFormatter(_FORMAT))
    handler._kiosk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    return path


def stop_logging() -> None:
    """Close the log file that :func:`setup_logging` opened (if any)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
