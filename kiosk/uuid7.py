"""UUID version 7 (RFC 9562): time-ordered, random, made offline.

Python 3.14 has ``uuid.uuid7``; until the kiosk requires it, this is the same layout: 48 bits of
Unix milliseconds, the version, 12 bits that keep ids made in the same millisecond in order
(RFC 9562 method 1, a counter seeded at random), the variant and 62 random bits.
"""

from __future__ import annotations

import os
import threading
import time
import uuid


class _Generator:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._counter = 0

    def __call__(self, now_ns: int | None = None) -> uuid.UUID:
        ms = (time.time_ns() if now_ns is None else now_ns) // 1_000_000
        with self._lock:
            if ms > self._last_ms:
                self._last_ms = ms
                self._counter = int.from_bytes(os.urandom(2)) & 0x7FF  # room to count up
            else:
                ms = self._last_ms  # the clock went back or stood still: stay monotonic
                self._counter += 1
                if self._counter > 0xFFF:
                    self._last_ms += 1
                    ms = self._last_ms
                    self._counter = 0
            counter = self._counter
        rand_b = int.from_bytes(os.urandom(8)) & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= counter << 64
        value |= 0b10 << 62
        value |= rand_b
        return uuid.UUID(int=value)


uuid7 = _Generator()
