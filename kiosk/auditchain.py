"""The audit chain's hash and the check that a run of entries extends a chain (stdlib only).

The kiosk computes each entry's hash with :func:`entry_hash` when it writes it
(:mod:`kiosk.audit`); the city server, which keeps a copy of every kiosk's chain, recomputes it
with the same function on every entry it receives (:mod:`cityserver.audit_witness`), so the two
cannot drift apart. This module imports nothing but the standard library.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

GENESIS: Final = "0" * 64
"""The ``prev_hash`` of the first entry."""


def entry_hash(
    prev_hash: str, seq: int, time: str, actor: str, action: str, details: Mapping[str, Any]
) -> str:
    """The hash of one entry; ``time`` is the stored text form (``kiosk.timeutil.to_db``)."""
    canonical = json.dumps(
        {"seq": seq, "time": time, "actor": actor, "action": action, "details": details},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    """One entry as the chain sees it."""

    seq: int
    time: str
    actor: str
    action: str
    details: Mapping[str, Any]
    prev_hash: str
    hash: str

    def recomputed(self) -> str:
        return entry_hash(
            self.prev_hash, self.seq, self.time, self.actor, self.action, self.details
        )


@dataclass(frozen=True)
class Extension:
    """How far ``entries`` extend a chain: the first ``accepted`` of them do; ``problem``
    (with the ``seq`` where it is) says why the next one does not, None when all do."""

    accepted: int
    problem: str | None = None
    seq: int | None = None


def extends(last_seq: int, last_hash: str, entries: Sequence[Link]) -> Extension:
    """Check that ``entries`` continue a chain that ends at entry ``last_seq`` with hash
    ``last_hash`` (0 and :data:`GENESIS` for an empty chain): numbered one after the other,
    each linked to the one before, each hash the hash of its contents."""
    expected_seq, expected_prev = last_seq + 1, last_hash
    for i, entry in enumerate(entries):
        if entry.seq != expected_seq:
            what = "missing" if entry.seq > expected_seq else "out of order"
            return Extension(
                i,
                f"entry {expected_seq} is {what}: the next entry sent is entry {entry.seq}",
                expected_seq,
            )
        if entry.prev_hash != expected_prev:
            after = "the start of the log" if expected_seq == 1 else f"entry {expected_seq - 1}"
            return Extension(
                i,
                f"entry {entry.seq} does not follow {after} as the server holds it: the chain "
                "before it was changed (an entry edited, removed, reordered or re-hashed)",
                entry.seq,
            )
        if entry.recomputed() != entry.hash:
            return Extension(
                i, f"entry {entry.seq}'s contents do not match its hash: it was edited", entry.seq
            )
        expected_seq, expected_prev = entry.seq + 1, entry.hash
    return Extension(len(entries))
