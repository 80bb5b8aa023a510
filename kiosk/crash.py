"""Crashes are recorded: uncaught exceptions and fatal errors end up in the kiosk's logs.

:func:`install` (called by the long-running kiosk and counter processes, ``ui.run``) sets

* ``sys.excepthook`` and ``threading.excepthook``: an uncaught exception, on any thread or in a
  Qt slot (PySide6 hands those to ``sys.excepthook``), goes to the ``crash`` logger, so into
  ``logs/kiosk.log`` through its safe formatter (frames and exception types, no messages that
  could carry a citizen's answers: ``kiosk.logs``), and the same safe traceback to stderr;
* ``faulthandler`` on ``logs/crash.log``: a segmentation fault or an abort in native code
  writes the Python frames of every thread there (file, line, function: no values).

Both files are in the diagnostics export (``ui.admin.diagnostics``). The Qt message handler,
which needs Qt, is installed by ``ui.appsetup.install_qt_message_handler``.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Final

CRASH_LOG: Final = "crash.log"

log = logging.getLogger("crash")

_fault_files: list[IO[str]] = []  # kept open: faulthandler writes to the last one's descriptor


def install(log_dir: Path) -> Path:
    """Record uncaught exceptions in the log and fatal errors in ``log_dir/crash.log``;
    return the crash log's path."""
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    path = log_dir / CRASH_LOG
    log_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    fault_file = os.fdopen(fd, "a", encoding="utf-8")
    faulthandler.enable(file=fault_file, all_threads=True)
    while _fault_files:  # installed again (another data dir): the old file is done
        _fault_files.pop().close()
    _fault_files.append(fault_file)
    return path


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    _record(exc, tb, threading.current_thread().name)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    thread = args.thread.name if args.thread is not None else "?"
    _record(args.exc_value, args.exc_traceback, thread)


def _record(exc: BaseException, tb: TracebackType | None, thread: str) -> None:
    from kiosk.logs import safe_traceback

    log.critical("uncaught exception on thread %s", thread, exc_info=(type(exc), exc, tb))
    try:
        sys.stderr.write(f"uncaught exception on thread {thread}\n{safe_traceback(exc, tb)}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # no stderr (a frozen GUI build)
        pass
