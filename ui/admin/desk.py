"""What the staff screens work with: the UI context and the core's queue, staff and audit log.

One :class:`StaffDesk` is made when the core is open (``StaffDesk.open(ctx)``) and handed to the
sign-in, the counter window and the admin panel. Database, network, hashing and printing work
goes through ``desk.runner`` (``ui.worker.BackgroundRunner``), never on the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.config import Settings
from ui.context import UiContext
from ui.worker import BackgroundRunner

if TYPE_CHECKING:
    from kiosk.audit import AuditLog
    from kiosk.core import Core
    from kiosk.queue import Queue
    from kiosk.staff import StaffStore


@dataclass(eq=False)
class StaffDesk:
    ctx: UiContext
    core: Core
    audit: AuditLog
    staff: StaffStore

    @classmethod
    def open(cls, ctx: UiContext, core: Core | None = None) -> StaffDesk:
        """The desk on ``core`` (default: the context's open core)."""
        from kiosk.audit import AuditLog
        from kiosk.staff import StaffStore

        core = core if core is not None else ctx.core
        audit = AuditLog(core.db)
        return cls(ctx, core, audit, StaffStore(core.db, audit))

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    @property
    def runner(self) -> BackgroundRunner:
        return self.ctx.runner

    @property
    def queue(self) -> Queue:
        return self.core.queue

    @property
    def lang(self) -> str:
        return self.ctx.lang

    def t(self, msgid: str, /, **params: object) -> str:
        """``msgid`` in the staff screens' language."""
        return self.ctx.t(msgid, **params)
