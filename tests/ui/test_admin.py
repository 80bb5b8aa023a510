"""The admin panel: settings into the overrides file, enrollment against a real city server on
loopback, the diagnostics zip (no secret, no citizen's number), staff accounts."""

from __future__ import annotations

import dataclasses
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.config import Settings, load_settings, read_overrides
from kiosk.core import Core
from kiosk.logs import setup_logging
from kiosk.staff import StaffMember
from tests.sync.conftest import REPORT, Server
from tests.ui.test_staff_signin import ADMIN, make_desk, save_shot
from ui.admin.desk import StaffDesk
from ui.admin.diagnostics import redact_line
from ui.admin.panel import AdminPanel
from ui.counter.widgets import desk_sheet

NATIONAL_CODE = "0499370899"


@pytest.fixture
def desk(settings: Settings, core: Core) -> Iterator[StaffDesk]:
    yield from make_desk(settings, core)


@pytest.fixture
def admin(desk: StaffDesk) -> StaffMember:
    member = desk.staff.get(ADMIN)
    assert member is not None
    return member


@pytest.fixture
def panel(qtbot: QtBot, desk: StaffDesk, admin: StaffMember) -> AdminPanel:
    widget = AdminPanel(desk, admin, sync_now=lambda: None)
    widget.setStyleSheet(desk_sheet())
    qtbot.addWidget(widget)
    widget.resize(1100, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def settle(qtbot: QtBot, desk: StaffDesk) -> None:
    qtbot.waitUntil(lambda: not desk.runner.busy, timeout=10_000)


def test_settings_go_to_the_overrides_file(
    qtbot: QtBot, panel: AdminPanel, desk: StaffDesk, settings: Settings
) -> None:
    page = panel.settings_page
    panel.tabs.setCurrentIndex(1)
    settle(qtbot, desk)
    timeout = page.inputs["ui.idle_timeout"]
    assert isinstance(timeout, QLineEdit) and timeout.text() == "90"
    timeout.setText("5")  # out of range: refused with the words for that field
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["ui.idle_timeout"].isVisible()
    assert not settings.overrides_path.exists()
    timeout.setText("")
    qtbot.keyClicks(timeout, "120")
    name = page.inputs["station.name"]
    assert isinstance(name, QLineEdit)
    name.setText("کیوسک میدان تجریش")
    language = page.inputs["ui.language"]
    assert isinstance(language, QComboBox)
    language.setCurrentIndex(language.findData("en"))
    page.inputs["ui.screen_resolution"].setText("1366x768")  # type: ignore[union-attr]
    with qtbot.waitSignal(panel.settings_saved, timeout=5000) as blocker:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    keys = ["station.name", "ui.idle_timeout", "ui.language", "ui.screen_resolution"]
    assert blocker.args[0] == keys
    assert read_overrides(settings.data_dir)["ui"]["idle_timeout"] == 120
    fresh = load_settings(data_dir=settings.data_dir, environ={})
    assert fresh.ui.idle_timeout == 120
    assert fresh.ui.language == "en"
    assert fresh.ui.screen_resolution == (1366, 768)
    assert fresh.station.name == "کیوسک میدان تجریش"
    entry = desk.audit.entries()[-1]
    assert (entry.actor, entry.action) == (ADMIN, "settings_changed")
    assert entry.details == {"keys": keys, "file": "settings.toml"}
    panel.tabs.setCurrentIndex(1)
    save_shot(panel, "admin-settings-en")
    desk.ctx.set_language("fa")
    save_shot(panel, "admin-settings-fa")


def test_escpos_needs_a_device(qtbot: QtBot, panel: AdminPanel, desk: StaffDesk) -> None:
    page = panel.settings_page
    panel.tabs.setCurrentIndex(1)
    settle(qtbot, desk)
    kind = page.inputs["printer.kind"]
    assert isinstance(kind, QComboBox)
    kind.setCurrentIndex(kind.findData("escpos"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["printer.device"].isVisible()
    assert not desk.settings.overrides_path.exists()


@pytest.fixture
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from tests.sync.conftest import ROOT

    base = tmp_path_factory.mktemp("city")
    (base / "logs").mkdir()
    server = Server(f"sqlite:///{base / 'city.db'}", base / "logs")
    server.cli("migrate")
    server.cli("catalog", "publish", str(ROOT / "assets" / "catalog" / "default.json"))
    server.start()
    yield server
    server.stop()


def test_enrollment_wizard_against_a_real_city_server(
    qtbot: QtBot, panel: AdminPanel, desk: StaffDesk, city: Server
) -> None:
    page = panel.enroll_page
    panel.tabs.setCurrentIndex(0)
    settle(qtbot, desk)
    assert not panel.system_page.sync_button.isEnabled()  # not enrolled: no sync
    qtbot.keyClicks(page.url, "ftp://nowhere")
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == desk.t(
        "Enter the server's address, like https://kiosk.city.example"
    )
    page.url.setText(city.url + "/")
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text().startswith("Connected."), timeout=10_000)
    qtbot.keyClicks(page.token, "not-a-token")
    qtbot.mouseClick(page.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "refused" in page.message.text(), timeout=10_000)
    page.token.setText(city.token())
    with qtbot.waitSignal(panel.enrolled, timeout=10_000) as blocker:
        qtbot.mouseClick(page.enroll_button, Qt.MouseButton.LeftButton)
    enrollment = blocker.args[0]
    saved = desk.core.state.enrollment()
    assert saved == enrollment
    assert saved.server_url == city.url
    assert desk.queue.kiosk_number == saved.kiosk_number
    assert page.token.text() == ""
    entry = desk.audit.entries()[-1]
    assert (entry.actor, entry.action) == (ADMIN, "enroll")
    assert "secret" not in entry.details and enrollment.secret not in str(entry.details)
    assert panel.system_page.sync_button.isEnabled()
    save_shot(panel, "admin-enroll-en")
    desk.ctx.set_language("fa")
    save_shot(panel, "admin-enroll-fa")


def test_diagnostics_hold_no_secret_and_no_citizens_numbers(
    qtbot: QtBot, panel: AdminPanel, desk: StaffDesk, settings: Settings
) -> None:
    from kiosk.state import Enrollment
    from kiosk.timeutil import utcnow

    secret = "s3cr3t-enrollment-credential-7f9a"
    desk.core.state.save_enrollment(Enrollment("http://127.0.0.1:9", "k-1", 42, secret, utcnow()))
    desk.queue.submit(
        "residence-certificate",
        {
            "national_code": NATIONAL_CODE,
            "mobile": "09123456789",
            "postal_code": "1193653471",
            "district": "6",
            "address": "Vali-Asr St",
            "years_at_address": "5",
            "residence_type": "tenant",
            "purpose": "bank",
            "appointment_date": "today+3",
            "appointment_time": "morning",
        }
        | {"appointment_date": _in_days(3)},
    )
    log_path = setup_logging(settings.log_dir)
    try:  # a careless line that should never be written: the export masks it anyway
        logging.getLogger("kiosk.test").warning(
            "lookup for %s from 0912 345 6789 at 2026-11-27 08:00:00", NATIONAL_CODE
        )
    finally:
        for handler in logging.getLogger().handlers:
            handler.flush()
    assert NATIONAL_CODE in log_path.read_text()
    panel.tabs.setCurrentIndex(2)
    panel.system_page.load()
    settle(qtbot, desk)
    assert NATIONAL_CODE not in panel.system_page.log.toPlainText()
    qtbot.mouseClick(panel.system_page.diag_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.system_page.diag_message.text().endswith(".zip"))
    zips = list((settings.data_dir / "diagnostics").glob("diagnostics-*.zip"))
    assert len(zips) == 1
    with zipfile.ZipFile(zips[0]) as archive:
        names = set(archive.namelist())
        everything = b"".join(archive.read(n) for n in names)
    assert {"settings.json", "status.json", "versions.json", "audit-verify.json"} <= names
    assert "logs/kiosk.log" in names
    assert secret.encode() not in everything
    assert NATIONAL_CODE.encode() not in everything
    assert b"345 6789" not in everything
    assert b"2026-11-27 08:00:00" in everything  # times are kept
    assert b'"intact": true' in everything
    assert b'"pyside6"' in everything and b'"sqlalchemy"' in everything
    entry = desk.audit.entries()[-1]
    assert (entry.actor, entry.action, entry.details["what"]) == (ADMIN, "export", "diagnostics")
    save_shot(panel, "admin-system-en")
    desk.ctx.set_language("fa")
    save_shot(panel, "admin-system-fa")


def _in_days(days: int) -> str:
    import datetime as dt

    from kiosk.jalali import JalaliDate

    return JalaliDate.from_gregorian(dt.date.today() + dt.timedelta(days=days)).isoformat()


def test_redaction_keeps_dates_and_tracking_codes() -> None:
    line = "2026-11-27 08:00:00,123 INFO x: id 0499370899 code 0000-000001-3 at 2026-11-27T08:00Z"
    assert redact_line(line) == (
        "2026-11-27 08:00:00,123 INFO x: id *** code 0000-000001-3 at 2026-11-27T08:00Z"
    )


def test_staff_add_and_disable(qtbot: QtBot, panel: AdminPanel, desk: StaffDesk) -> None:
    page = panel.staff_page
    panel.tabs.setCurrentIndex(3)
    settle(qtbot, desk)
    assert page.table.rowCount() == 2
    qtbot.keyClicks(page.name, "Maryam Tehrani")
    qtbot.keyClicks(page.pin, "4826")
    qtbot.keyClicks(page.pin_again, "4827")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == desk.t("The two PINs are not the same.")
    qtbot.keyClicks(page.pin, "1234")
    qtbot.keyClicks(page.pin_again, "1234")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    assert "4 to 8 digits" in page.message.text()  # a run is refused
    page.name.setText("Maryam Tehrani")
    qtbot.keyClicks(page.pin, "4826")
    qtbot.keyClicks(page.pin_again, "4826")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=5000)
    added = desk.staff.get("Maryam Tehrani")
    assert added is not None and added.role.value == "clerk" and added.active
    row = [m.name for m in page.accounts].index("Maryam Tehrani")
    page.table.selectRow(row)
    qtbot.mouseClick(page.disable_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not desk.staff.get("Maryam Tehrani").active, timeout=5000)  # type: ignore[union-attr]
    page.table.selectRow([m.name for m in page.accounts].index(ADMIN))
    qtbot.mouseClick(page.disable_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text() == desk.t("You cannot disable your own account."))
    actions = [(e.actor, e.action) for e in desk.audit.entries()]
    assert (ADMIN, "staff_added") in actions and (ADMIN, "staff_disabled") in actions
    save_shot(panel, "admin-staff-en")
    desk.ctx.set_language("fa")
    save_shot(panel, "admin-staff-fa")


def test_leave_kiosk_mode_is_audited(qtbot: QtBot, panel: AdminPanel, desk: StaffDesk) -> None:
    with qtbot.waitSignal(panel.leave_requested, timeout=5000):
        qtbot.mouseClick(panel.leave_button, Qt.MouseButton.LeftButton)
    entry = desk.audit.entries()[-1]
    assert (entry.actor, entry.action, entry.details) == (
        ADMIN,
        "sign_out",
        {"leave_kiosk_mode": True},
    )


def test_an_incomplete_purge_is_retried_and_shown(
    qtbot: QtBot, panel: AdminPanel, desk: StaffDesk, kiosk_logging: Path
) -> None:
    from kiosk.outbox import ItemOutcome, Outbox
    from tests.kiosk.test_privacy import reader
    from ui.maintenance import Maintenance

    core = desk.core
    privacy = dataclasses.replace(core.settings.privacy, retention_days=0)
    core.settings = dataclasses.replace(core.settings, privacy=privacy)
    tx = core.queue.submit("street-lights", REPORT)
    outbox = Outbox(core.db)
    outbox.record([ItemOutcome(t.id, "accepted", "srv-1") for t in outbox.claim(10)])
    maintenance = Maintenance(core, desk.runner, panel)
    with reader(core.db.path):
        maintenance.purge()
        settle(qtbot, desk)
        assert maintenance.retry.isActive()  # it tries again by itself
        panel.tabs.setCurrentIndex(2)
        panel.system_page.load()
        settle(qtbot, desk)
        note = panel.system_page.privacy_note
        assert note.isVisible()
        assert "still in the database file" in note.text()
        save_shot(panel, "admin-privacy-pending-en")
    assert "privacy purge incomplete" in kiosk_logging.read_text(encoding="utf-8")
    maintenance.purge()  # as the retry timer does
    settle(qtbot, desk)
    assert not maintenance.retry.isActive()
    panel.system_page.load()
    settle(qtbot, desk)
    assert not panel.system_page.privacy_note.isVisible()
    stored = core.queue.get(tx.id)
    assert stored is not None and stored.purged_at is not None
    maintenance.stop()
