"""Files only the kiosk user can read: a private umask, and what is found readable tightened.

The data dir holds citizens' answers (``queue.db`` and its WAL), the enrollment secret, logs,
receipts and exports. The ``kiosk`` command sets the umask to 077 before it does anything
(:func:`private_umask`, in ``kiosk.cli.main``: the source run and the packaged build alike), so
every file and folder it makes, SQLite's ``-wal`` and ``-shm`` included, is the kiosk user's
alone, wherever the systemd unit's ``UMask`` does not apply. :func:`tighten` (from
``kiosk.config.ensure_data_dir``, at every start) removes the group and other bits from what an
older version, a copy or a restore left readable.

Only the kiosk's own entries are touched: the data dir itself, the files the kiosk names at its
top (``queue.db*``, ``kiosk.toml``, ``settings.toml``) and the folders it owns, with what they
hold (walked only when the folder itself was open: inside a private folder nobody else reaches
a file). A data dir pointed at a folder with other things in it leaves those alone. Permission
bits are only ever removed, never added.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Final

log = logging.getLogger("kiosk.files")

PRIVATE_UMASK: Final = 0o077
# What the kiosk keeps in its data dir: files at the top, and folders it owns whole.
OWN_FILES: Final = ("kiosk.toml", "settings.toml")
OWN_PREFIXES: Final = ("queue.db",)  # queue.db, -wal, -shm, -journal, .before-vN backups
OWN_FOLDERS: Final = ("logs", "receipts", "catalog", "diagnostics", "reports")


def private_umask() -> int:
    """Make new files and folders the current user's alone; return the umask before."""
    return os.umask(PRIVATE_UMASK)


def tighten(data_dir: Path) -> int:
    """Remove group and other permissions from the data dir and the kiosk's own entries in
    it; return how many were changed. Errors are logged, never raised: a file that cannot be
    changed (another owner) must not stop the kiosk."""
    changed = 0
    if _tighten(data_dir):
        changed += 1
    try:
        entries = list(os.scandir(data_dir))
    except OSError as exc:
        log.warning("cannot list the data dir to tighten it: %s", exc.strerror)
        return changed
    for entry in entries:
        name = entry.name
        if name in OWN_FOLDERS and entry.is_dir(follow_symlinks=False):
            changed += _tighten_tree(Path(entry.path))
        elif (name in OWN_FILES or name.startswith(OWN_PREFIXES)) and entry.is_file(
            follow_symlinks=False
        ):
            changed += _tighten(Path(entry.path))
    if changed:
        log.info("made %d files and folders of the data dir private to the kiosk user", changed)
    return changed


def _tighten_tree(folder: Path) -> int:
    """The folder, and what it holds if the folder itself was open to others: inside a
    private folder nobody else reaches a file, whatever its mode, and a receipts folder can
    hold many thousands (a walk of 10,000 takes ~150 ms, at every start)."""
    if not _tighten(folder):
        return 0
    changed = 1
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in (*dirs, *files):
            changed += _tighten(Path(root, name))
    return changed


def _tighten(path: Path) -> bool:
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or not info.st_mode & 0o077:
            return False
        path.chmod(stat.S_IMODE(info.st_mode) & ~0o077)
    except OSError as exc:
        log.warning("cannot make %s private: %s", path.name, exc.strerror)
        return False
    return True
