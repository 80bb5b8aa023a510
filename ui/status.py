"""What the home badge shows: connectivity, queue depth, last sync.

The sync engine (``sync/``) fills a :class:`SyncStatus`; the UI only reads it. Until the kiosk is
enrolled with a city server it is offline, and says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SyncStatus:
    online: bool = False
    queue_depth: int = 0  # transactions the city does not have yet
    last_sync: dt.datetime | None = None
    needs_enrollment: bool = False
