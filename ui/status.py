"""What the status badges show: connectivity, queue depth, last sync, enrollment.

The sync engine (``sync/``) fills a :class:`SyncStatus`; the UI only reads it. Until the kiosk is
enrolled with a city server it is offline, and says so. The touch kiosk's header and the counter
window word it with :func:`status_lines`; :func:`read_status` reads it from the database for a
window that does not get the engine's reports (run it on the background runner).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.i18n import N_, translate

if TYPE_CHECKING:
    from kiosk.core import Core

ONLINE = N_("Online")
OFFLINE = N_("Offline")
WAITING = N_("{count} waiting to send")
NOTHING_WAITING = N_("Nothing waiting to send")
LAST_SYNC = N_("last sync {date} {time}")
ENROLLED = N_("Kiosk number {number} of the city server")
NOT_ENROLLED = N_("Not enrolled with the city server: requests stay on this computer")
NEEDS_ENROLLMENT = N_("The city server no longer knows this kiosk: enroll it again")


@dataclass(frozen=True)
class SyncStatus:
    online: bool = False
    queue_depth: int = 0  # transactions the city does not have yet
    last_sync: dt.datetime | None = None
    needs_enrollment: bool = False
    kiosk_number: int | None = None  # when enrolled; None: not known, or not enrolled
    enrolled: bool | None = None  # None: not known (the touch kiosk's header does not say)


def status_lines(status: SyncStatus, lang: str) -> list[str]:
    """The status in ``lang``: connection and queue on the first line, the last sync on the
    second (when there was one), enrollment first when it is known."""
    lines = []
    if status.needs_enrollment:
        lines.append(translate(lang, NEEDS_ENROLLMENT))
    elif status.enrolled is False:
        lines.append(translate(lang, NOT_ENROLLED))
    elif status.enrolled and status.kiosk_number is not None:
        number = str(status.kiosk_number).zfill(4)  # as in its tracking codes
        lines.append(translate(lang, ENROLLED, number=number))
    waiting = (
        translate(lang, WAITING, count=status.queue_depth)
        if status.queue_depth
        else translate(lang, NOTHING_WAITING)
    )
    if status.enrolled is False:  # offline goes without saying
        lines.append(waiting)
    else:
        state = translate(lang, ONLINE if status.online else OFFLINE)
        sep = "، " if lang == "fa" else " · "  # a middle dot reads as a Persian zero
        lines.append(f"{state}{sep}{waiting}")
    if status.last_sync is not None:
        from kiosk.receipt import format_date, format_time  # loads the queue: not at start

        date, time = format_date(status.last_sync, lang), format_time(status.last_sync, lang)
        lines.append(translate(lang, LAST_SYNC, date=date, time=time))
    return lines


def read_status(core: Core) -> SyncStatus:
    """The status as the database has it (the sync engine saves its last cycle there).
    A database read: call it on the background runner, never on the UI thread."""
    from kiosk.models import TxState

    counts = core.queue.counts()
    enrollment = core.state.enrollment()
    record = core.state.sync_record()
    return SyncStatus(
        online=record.online,
        queue_depth=counts[TxState.PENDING] + counts[TxState.IN_FLIGHT],
        last_sync=record.last_success_at,
        needs_enrollment=record.needs_enrollment,
        kiosk_number=enrollment.kiosk_number if enrollment is not None else None,
        enrolled=enrollment is not None,
    )
