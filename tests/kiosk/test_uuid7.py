"""UUIDv7: the version and variant bits, time order, and order within one millisecond."""

from __future__ import annotations

import uuid

from kiosk.uuid7 import _Generator, uuid7


def test_layout() -> None:
    u = _Generator()(now_ns=1_764_000_000_123_000_000)
    assert u.version == 7
    assert u.variant == uuid.RFC_4122
    assert u.int >> 80 == 1_764_000_000_123


def test_monotonic_within_a_millisecond_and_when_the_clock_goes_back() -> None:
    make = _Generator()
    t = 1_800_000_000_000_000_000
    ids = [make(now_ns=t) for _ in range(5000)]
    ids += [make(now_ns=t - 10_000_000_000)]  # clock stepped back 10 s
    assert ids == sorted(ids, key=lambda u: u.int)
    assert len(set(ids)) == len(ids)


def test_default_generator() -> None:
    assert uuid7().version == 7
