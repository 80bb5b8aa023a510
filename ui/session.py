"""One citizen's session: language, the service being filed, the answers so far.

Everything a citizen typed lives here (and in the widgets that show it); :meth:`Session.wipe`
forgets it all, and the screens' own ``wipe`` clears the widgets. Nothing of one citizen may
remain for the next. Background work for the citizen is owned by :attr:`Session.scope` (or a
scope inside it): ``wipe`` ends it, so a result that comes back later is dropped
(``ui.worker``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ui.worker import Scope

if TYPE_CHECKING:  # the queue module loads SQLAlchemy: not before the first paint
    from kiosk.forms import Answer
    from kiosk.queue import QueuedTransaction


@dataclass
class Session:
    lang: str
    service_code: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # as typed or chosen, per field key
    cleaned: dict[str, Answer] = field(default_factory=dict)  # as the core accepted them
    page: int = 0  # index into the visible questions
    changing: bool = False  # came from Check answers through Change: Continue goes back there
    submitted: QueuedTransaction | None = None
    scope: Scope = field(default_factory=Scope)  # this citizen's background work

    def start(self, service_code: str) -> None:
        self.service_code = service_code
        self.raw.clear()
        self.cleaned.clear()
        self.page = 0
        self.changing = False
        self.submitted = None

    def wipe(self, lang: str) -> None:
        self.scope.end()  # whatever is still running for this citizen comes back to nobody
        self.scope = Scope()
        self.lang = lang
        self.service_code = None
        self.raw.clear()
        self.cleaned.clear()
        self.page = 0
        self.changing = False
        self.submitted = None
