"""Logging: one rotating file in the data dir, one named logger per subsystem.

Loggers: ``kiosk.cli``, ``kiosk.db``, ``kiosk.queue``, ``sync``, ``ui`` and so on. Log records
carry ids, sequence numbers, service codes and states; never answers, national codes, mobile
numbers or free text from citizens.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILENAME = "kiosk.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(log_dir: Path, level: str = "info") -> Path:
    """Send every kiosk logger to ``log_dir/kiosk.log`` (1 MB x 5 files); return the path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILENAME
    stop_logging()
    root = logging.getLogger()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
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
