"""The simulator's ledger: the orders it approved and reversed, in a JSON file.

A list of objects, each with at least ``order_id``, ``amount_rials``, ``bill_id``,
``payment_id`` (null for a sale), ``rrn`` and ``state`` (``approved`` or ``reversed``), and the
rest of what the terminal answered (``trace_no``, ``card``, ``approval_code``, ``date``,
``time``; ``reversal_order_id`` and ``reversal_rrn`` once reversed). Every change is written to
a temporary file, fsynced, renamed over the ledger and the folder fsynced, before the
simulator answers: what a crash test reads is what the terminal would have in its log.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from kiosk.atomic import write_atomically


class LedgerError(ValueError):
    """The ledger file cannot be read as a ledger; the message says why."""


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.entries: list[dict[str, Any]] = self._load()

    def _load(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "[]")
        except (OSError, ValueError) as exc:
            raise LedgerError(f"{self.path}: not a ledger ({type(exc).__name__})") from None
        if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
            raise LedgerError(f"{self.path}: a ledger is a JSON list of objects")
        return data

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.entries.append(entry)
            self._write()

    def find(self, order_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self.entries if e.get("order_id") == order_id]

    def find_reversal(self, order_id: str) -> dict[str, Any] | None:
        with self._lock:
            for entry in self.entries:
                if entry.get("reversal_order_id") == order_id:
                    return dict(entry)
        return None

    def reverse(self, order_id: str, reversal_order_id: str, rrn: str) -> dict[str, Any] | None:
        """Mark the approved order reversed; the entry, or None if there is none."""
        with self._lock:
            for entry in self.entries:
                if entry.get("order_id") == order_id and entry.get("state") == "approved":
                    entry.update(
                        state="reversed", reversal_order_id=reversal_order_id, reversal_rrn=rrn
                    )
                    self._write()
                    return dict(entry)
        return None

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self.entries]

    def _write(self) -> None:
        text = json.dumps(self.entries, ensure_ascii=False, indent=1)
        write_atomically(self.path, text.encode("utf-8"))
