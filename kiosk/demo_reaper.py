"""Nothing of ``kiosk demo`` outlives the kiosk: its city server stops and its folder goes.

The kiosk ends the demo itself when it can (its window closed, Ctrl+C, SIGTERM): it stops the
server, removes the folder and waits for the reaper. When it cannot (SIGKILL, a crash, Qt
aborting), the operating system still closes every descriptor the kiosk held, and the rest
hangs on that:

* the **server** reads the kiosk's end of a *lifeline* pipe (``cityserver run --exit-with FD``)
  and stops at its end of file; on Linux it also gets SIGTERM when the kiosk dies
  (``PR_SET_PDEATHSIG``, :func:`die_with_parent`), in case it is stuck;
* the **reaper** (``python -m kiosk.demo_reaper FD FOLDER``), started first, reads a pipe whose
  write ends only the kiosk and the server hold: its end of file comes once both are gone, and
  then it removes the folder, so the server's database is never removed under it.

Both children run in their own session, so Ctrl+C in the terminal reaches the kiosk alone,
which then shuts the demo down in order. Only the standard library is used.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

FOLDER_PREFIX = "kiosk-demo-"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child between fork and exec (``preexec_fn``): get SIGTERM when the parent dies
    (Linux); if it died already, exit now. Elsewhere the lifeline pipe alone does it."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl: nobody will send it
        os._exit(1)


def lifeline() -> tuple[int, int]:
    """A pipe (read end, write end); the reader sees end of file once every writer is gone."""
    return os.pipe()


def start_reaper(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start the reaper of ``folder``; return it and the write end of its pipe, which the
    kiosk holds (and passes to the server) until it is done with the folder."""
    read_end, write_end = lifeline()
    try:
        reaper = subprocess.Popen(
            [sys.executable, "-m", "kiosk.demo_reaper", str(read_end), str(folder)],
            pass_fds=(read_end,),
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # not in the terminal's process group: Ctrl+C is the kiosk's
        )
    except BaseException:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    return reaper, write_end


def remove_folder(folder: Path) -> None:
    """Remove a demo folder (nothing else: the name must be one the demo made)."""
    if not folder.name.startswith(FOLDER_PREFIX):
        raise ValueError(f"not a demo folder: {folder}")
    shutil.rmtree(folder, ignore_errors=True)


def wait_for_end_of_file(fd: int) -> None:
    while True:
        try:
            if not os.read(fd, 4096):
                return
        except InterruptedError:  # pragma: no cover - retried by Python itself (PEP 475)
            continue


def main(argv: list[str]) -> int:
    """The reaper: wait until every writer of the pipe is gone, then remove the folder."""
    if len(argv) != 2 or not argv[0].isdigit():
        print("usage: python -m kiosk.demo_reaper FD FOLDER", file=sys.stderr)
        return 2
    for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:  # it ends by itself, after the kiosk and the server
            signal.signal(sig, signal.SIG_IGN)
    fd, folder = int(argv[0]), Path(argv[1])
    with contextlib.suppress(OSError):
        wait_for_end_of_file(fd)
    remove_folder(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
