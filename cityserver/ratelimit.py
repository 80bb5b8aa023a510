"""Request limits per key (a kiosk, or a client address), kept in each server process's memory.

On by default (``cityserver.settings``): per kiosk on the signed sync API, per client address
on the unsigned routes (enrollment, the clock, Open311). They protect one process from one
misbehaving client; with several processes each counts its own share. Over the limit the answer
is 429 with ``Retry-After``. The table of keys is bounded: past :data:`MAX_KEYS` the keys whose
window is over are forgotten (a flood of addresses cannot grow it without end).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 60.0
MAX_KEYS = 100_000


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> float | None:
        """Count one request; None if allowed, else the seconds to wait."""
        now = self.clock()
        with self._lock:
            if key not in self._hits and len(self._hits) >= MAX_KEYS:
                self._forget(now)
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - WINDOW_S:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(1.0, math.ceil(hits[0] + WINDOW_S - now))
            hits.append(now)
            return None

    def _forget(self, now: float) -> None:
        stale = [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - WINDOW_S]
        for k in stale:
            del self._hits[k]
        if len(self._hits) >= MAX_KEYS:  # all of them busy: the oldest go
            for k in sorted(self._hits, key=lambda k: self._hits[k][-1])[: MAX_KEYS // 10]:
                del self._hits[k]
