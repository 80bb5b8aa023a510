"""The enrollment wizard: the city server's address and a one-time token, a connection test,
then enrollment, saved exactly as ``kiosk enroll`` saves it (and audited).

The UI reaches the network only here, through :mod:`sync.client`, on the background runner.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.i18n import N_
from kiosk.receipt import format_date, format_time
from ui.counter.widgets import action, show_message, text_label

if TYPE_CHECKING:
    from kiosk.staff import StaffMember
    from kiosk.state import Enrollment
    from ui.admin.desk import StaffDesk

TITLE = N_("Enroll with the city server")
INTRO = N_(
    "IT staff create a one-time token on the city server (cityserver token create). "
    "Enter the server's address and the token, test the connection, then enroll."
)
CURRENT = N_("Enrolled at {url} as kiosk number {number} since {date}.")
NOT_ENROLLED = N_("This kiosk is not enrolled: it keeps its requests until it is.")
URL = N_("Server address")
TOKEN = N_("Enrollment token")
TEST = N_("Test the connection")
ENROLL = N_("Enroll")
TESTING = N_("Connecting…")
CONNECTED = N_("Connected. The server's clock says {date} {time}; this kiosk's differs by {s} s.")
BAD_URL = N_("Enter the server's address, like https://kiosk.city.example")
NEED_TOKEN = N_("Enter the enrollment token.")
UNREACHABLE = N_("The server cannot be reached: {error}")
REFUSED = N_("The server refused the token. Ask for a new one: a token works once, for a while.")
DONE = N_("Enrolled as kiosk number {number}. Restart the kiosk to start syncing.")


def check_url(text: str) -> str | None:
    """The server URL without a trailing slash, or None when it is not http(s)://host."""
    value = text.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return value.rstrip("/")


def test_connection(url: str) -> tuple[float, float]:
    """The server's time and the clock offset (server minus local, seconds)."""
    from sync.client import SyncClient

    client = SyncClient(url)
    try:
        server_time = client.server_time()
        return server_time, client.offset.seconds
    finally:
        client.close()


def enroll(desk: StaffDesk, member: StaffMember, url: str, token: str) -> Enrollment:
    """Enroll as ``kiosk enroll`` does; the new kiosk number applies to the next submission."""
    from kiosk import __version__
    from kiosk.audit import AuditAction
    from kiosk.state import Enrollment
    from kiosk.timeutil import utcnow
    from sync.client import SyncClient

    client = SyncClient(url)
    try:
        reply = client.enroll(
            token.strip(), desk.settings.station.name, __version__, desk.settings.station.number
        )
    finally:
        client.close()
    enrollment = Enrollment(
        url, reply["kiosk_id"], int(reply["kiosk_number"]), reply["secret"], utcnow()
    )
    state = desk.core.state
    state.save_enrollment(enrollment)
    state.set("clock.offset", client.offset.seconds)
    desk.queue.kiosk_number = enrollment.kiosk_number
    public: dict[str, Any] = enrollment.public()
    desk.audit.append(member.staff_id, AuditAction.ENROLL, public)
    return enrollment


class EnrollPage(QWidget):
    enrolled = Signal(object)  # kiosk.state.Enrollment

    def __init__(self, desk: StaffDesk, member: StaffMember) -> None:
        super().__init__()
        self.desk = desk
        self.member = member
        self._current: Enrollment | None = None
        box = QVBoxLayout(self)
        self.title = text_label(kind="heading")
        self.intro = text_label()
        self.current = text_label(name="enrollment-current")
        form = QFormLayout()
        self.url = QLineEdit()
        self.url.setObjectName("server-url")
        self.token = QLineEdit()
        self.token.setObjectName("token")
        for edit in (self.url, self.token):
            edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            edit.setProperty("keyboard", "en")
        self.url_caption, self.token_caption = text_label(), text_label()
        form.addRow(self.url_caption, self.url)
        form.addRow(self.token_caption, self.token)
        row = QHBoxLayout()
        self.test_button = action(on_click=self.on_test, name="test-connection")
        self.enroll_button = action(on_click=self.on_enroll, name="enroll")
        row.addWidget(self.test_button)
        row.addWidget(self.enroll_button)
        row.addStretch(1)
        self.message = text_label(name="enroll-message")
        self.message.hide()
        for widget in (self.title, self.intro, self.current):
            box.addWidget(widget)
        box.addLayout(form)
        box.addLayout(row)
        box.addWidget(self.message)
        box.addStretch(1)
        self.retranslate()
        self.load()

    def load(self) -> None:
        state = self.desk.core.state
        self.desk.runner.run(state.enrollment, self._on_loaded, owner=self)

    def _on_loaded(self, enrollment: Enrollment | None) -> None:
        self._current = enrollment
        if enrollment is not None and not self.url.text():
            self.url.setText(enrollment.server_url)
        self.retranslate()

    def _url(self) -> str | None:
        url = check_url(self.url.text())
        if url is None:
            show_message(self.message, self.desk.t(BAD_URL), error=True)
            self.url.setFocus()
        return url

    def _busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)
        self.enroll_button.setEnabled(not busy)

    @Slot()
    def on_test(self) -> None:
        url = self._url()
        if url is None:
            return
        t, lang = self.desk.t, self.desk.lang
        self._busy(True)
        show_message(self.message, t(TESTING))

        def done(result: tuple[float, float]) -> None:
            self._busy(False)
            server = dt.datetime.fromtimestamp(result[0], dt.UTC)
            text = t(
                CONNECTED,
                date=format_date(server, lang),
                time=format_time(server, lang),
                s=round(result[1]),
            )
            show_message(self.message, text)

        self.desk.runner.run(lambda: test_connection(url), done, self._failed, owner=self)

    @Slot()
    def on_enroll(self) -> None:
        url = self._url()
        if url is None:
            return
        token = self.token.text().strip()
        if not token:
            show_message(self.message, self.desk.t(NEED_TOKEN), error=True)
            self.token.setFocus()
            return
        desk, member = self.desk, self.member
        self._busy(True)
        show_message(self.message, desk.t(TESTING))

        def done(enrollment: Enrollment) -> None:
            self._busy(False)
            self.token.clear()  # a token works once
            self._current = enrollment
            self.retranslate()
            show_message(self.message, desk.t(DONE, number=f"{enrollment.kiosk_number:04d}"))
            self.enrolled.emit(enrollment)

        desk.runner.run(lambda: enroll(desk, member, url, token), done, self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        from sync.client import AuthFailed, Refused, SyncError

        self._busy(False)
        t = self.desk.t
        if isinstance(exc, AuthFailed | Refused):
            show_message(self.message, t(REFUSED), error=True)
        elif isinstance(exc, SyncError | ValueError | KeyError):
            show_message(self.message, t(UNREACHABLE, error=str(exc)), error=True)
        else:
            raise exc

    def retranslate(self) -> None:
        t, lang = self.desk.t, self.desk.lang
        self.title.setText(t(TITLE))
        self.intro.setText(t(INTRO))
        self.url_caption.setText(t(URL))
        self.token_caption.setText(t(TOKEN))
        self.url.setAccessibleName(t(URL))
        self.token.setAccessibleName(t(TOKEN))
        self.test_button.setText(t(TEST))
        self.enroll_button.setText(t(ENROLL))
        e = self._current
        if e is None:
            self.current.setText(t(NOT_ENROLLED))
        else:
            since = format_date(e.enrolled_at, lang)
            number = f"{e.kiosk_number:04d}"
            self.current.setText(t(CURRENT, url=e.server_url, number=number, date=since))
