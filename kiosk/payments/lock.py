"""One process at a time pays on a terminal: an advisory lock on a file in the data dir.

The recovery must never "resolve" a payment that another live process is still carrying out
(``kiosk pay`` in a shell while the kiosk runs, or two taps at once). Whoever pays or recovers
holds the terminal's lock for the whole exchange; the operating system lets go of it when the
process ends in any way, SIGKILL included, so a crashed payer never blocks the next one.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import ClassVar

if sys.platform == "win32":  # pragma: no cover - the kiosk runs on Linux; Windows for development
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class TerminalBusyHere(Exception):
    """Another process (or thread) of this kiosk is paying on the terminal now."""


class TerminalLock:
    """``with TerminalLock(dir, name):`` holds the lock of terminal ``name`` or raises
    :class:`TerminalBusyHere` at once (no waiting: a payment takes minutes)."""

    _held: ClassVar[set[str]] = set()  # within this process: flock is per open file, not per thread
    _guard: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, folder: Path, terminal: str) -> None:
        digest = hashlib.sha256(terminal.encode()).hexdigest()[:16]
        self.path = folder / f"payment-{digest}.lock"
        self._fd: int | None = None

    @classmethod
    def held_here(cls, folder: Path, terminal: str) -> bool:
        """Whether this process holds the lock of ``terminal`` now."""
        with cls._guard:
            return str(cls(folder, terminal).path) in cls._held

    def __enter__(self) -> TerminalLock:
        with self._guard:
            if str(self.path) in self._held:
                raise TerminalBusyHere(str(self.path))
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            if not _try_lock(fd):
                os.close(fd)
                raise TerminalBusyHere(str(self.path))
            self._held.add(str(self.path))
            self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with self._guard:
            self._held.discard(str(self.path))
            if self._fd is not None:
                os.close(self._fd)  # closing the file lets go of the lock
                self._fd = None
