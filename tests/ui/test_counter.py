"""A clerk's counter day in the counter window, driven by keyboard and mouse on a real SQLite
queue (only the receipt printer is a fake)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from kiosk.core import Core
from kiosk.jalali import JalaliDate
from kiosk.models import Channel, TxState
from kiosk.outbox import ItemOutcome, Outbox
from kiosk.receipt import LOCAL_ZONE
from tests.ui.test_staff_signin import (
    ADMIN,
    ADMIN_PIN,
    CLERK,
    CLERK_PIN,
    FakePrinter,
    save_shot,
)
from ui.counter.launch import build_counter
from ui.counter.report_pdf import render_report_image, report_html
from ui.counter.window import CounterWindow

NATIONAL_CODE = "0499370899"
MOBILE = "09123456789"
STREET = {
    "district": "6",
    "address": "خیابان کارگر شمالی، روبه‌روی پارک لاله",
    "problem_type": "off",
    "how_many": "several",
    "anonymous": "yes",
}


@pytest.fixture
def window(qtbot: QtBot, settings: Settings, core: Core) -> Iterator[CounterWindow]:
    printer = FakePrinter()
    win = build_counter(settings, core, printer=printer)
    win.desk.ctx.set_language("en")
    win.set_language("en")
    win.desk.staff.add(ADMIN, "admin", ADMIN_PIN, by="cli:test")
    win.desk.staff.add(CLERK, "clerk", CLERK_PIN, by="cli:test")
    win.resize(1280, 860)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    win.desk.runner.wait_for_done()
    win.deleteLater()


def printer_of(window: CounterWindow) -> FakePrinter:
    printer = window.desk.ctx.printer
    assert isinstance(printer, FakePrinter)
    return printer


def sign_in(qtbot: QtBot, window: CounterWindow, name: str, pin: str) -> None:
    signin = window.signin
    qtbot.keyClicks(signin.name_edit, name)
    qtbot.keyClicks(signin.pin, pin)
    QTest.keyClick(signin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.member is not None, timeout=5000)


def field(window: CounterWindow, key: str) -> QWidget:
    return window.form.blocks[key].input


def choose(combo: QWidget, value: str) -> None:
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(value))


def type_into(qtbot: QtBot, window: CounterWindow, key: str, text: str) -> None:
    box = field(window, key)
    assert isinstance(box, QLineEdit)
    box.clear()
    qtbot.keyClicks(box, text)


def appointment() -> str:
    day = dt.datetime.now(LOCAL_ZONE).date() + dt.timedelta(days=5)
    return JalaliDate.from_gregorian(day).isoformat().replace("-", "/")


def fill_residence(qtbot: QtBot, window: CounterWindow, national_code: str) -> None:
    form = window.form
    choose(form.service_box, "residence-certificate")
    choose(form.lang_box, "en")
    type_into(qtbot, window, "national_code", national_code)
    type_into(qtbot, window, "mobile", MOBILE)
    type_into(qtbot, window, "postal_code", "1193653471")
    choose(field(window, "district"), "6")
    type_into(qtbot, window, "address", "Vali-Asr St, near Tajrish square")
    type_into(qtbot, window, "years_at_address", "5")
    choose(field(window, "residence_type"), "tenant")
    choose(field(window, "purpose"), "bank")
    type_into(qtbot, window, "appointment_date", appointment())
    choose(field(window, "appointment_time"), "morning")


def submit(qtbot: QtBot, window: CounterWindow) -> None:
    qtbot.mouseClick(window.form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.form._busy, timeout=5000)


def reject(core: Core, *tx_ids: str) -> None:
    """The sync engine's part: claim the pending items, the city rejects ``tx_ids``."""
    outbox = Outbox(core.db)
    claimed = outbox.claim(100)
    outcomes = [
        ItemOutcome(tx.id, "rejected", reason="invalid_answer", message="the address is unknown")
        if tx.id in tx_ids
        else ItemOutcome(tx.id, "accepted", server_ref=f"R-{tx.seq}")
        for tx in claimed
    ]
    outbox.record(outcomes)


def test_a_clerks_counter_day(qtbot: QtBot, window: CounterWindow, core: Core) -> None:
    desk = window.desk
    save_shot(window, "counter-signin-en")
    sign_in(qtbot, window, CLERK, CLERK_PIN)
    assert window.tabs.count() == 4  # a clerk has no Admin tab
    assert CLERK in window.who.text()

    # -- file for a citizen, with a mistake first --------------------------------------------
    fill_residence(qtbot, window, "1234567890")
    submit(qtbot, window)
    summary = window.form.summary
    assert summary.isVisible()
    assert summary.hasFocus()
    assert [key for key, _ in summary.errors()] == ["national_code"]
    assert window.form.blocks["national_code"].error.text() == summary.errors()[0][1]
    save_shot(window, "counter-file-error-en")
    qtbot.mouseClick(summary.links()[0], Qt.MouseButton.LeftButton)
    assert field(window, "national_code").hasFocus()
    type_into(qtbot, window, "national_code", NATIONAL_CODE)
    submit(qtbot, window)
    qtbot.waitUntil(lambda: window.file_stack.currentWidget() is window.confirmation)
    filed = window.confirmation.tx
    assert filed is not None
    assert (filed.channel, filed.staff_id, filed.lang) == (Channel.COUNTER, CLERK, "en")
    assert filed.answers["national_code"] == NATIONAL_CODE
    assert window.confirmation.code.text().strip("\u200e\u200f\u2066\u2069") == filed.display_code
    qtbot.mouseClick(window.confirmation.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(printer_of(window).receipts) == 1)
    assert printer_of(window).receipts[0].lang == "en"  # the citizen's language
    assert printer_of(window).receipts[0].tracking_digits == filed.tracking_code
    filing, first_print = desk.audit.entries()[-2:]
    assert (filing.actor, filing.action, filing.details["id"]) == (CLERK, "file", filed.id)
    assert (first_print.action, first_print.details["id"]) == ("print", filed.id)
    save_shot(window, "counter-confirmation-en")

    # -- find it by national code and by tracking code; reprint --------------------------------
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    lookup = window.lookup
    assert window.tabs.currentWidget() is lookup
    for text in (NATIONAL_CODE, filed.display_code):
        lookup.search.clear()
        qtbot.keyClicks(lookup.search, text)
        before = desk.audit.count()
        QTest.keyClick(lookup.search, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda before=before: desk.audit.count() == before + 1)  # looked up
        qtbot.waitUntil(lambda: [tx.id for tx in lookup.results] == [filed.id])
    by_code, by_number = desk.audit.entries()[-1], desk.audit.entries()[-2]
    assert (by_number.actor, by_number.action, by_number.details["by"]) == (
        CLERK,
        "lookup",
        ["national_code"],
    )
    assert (by_code.action, by_code.details["by"]) == ("lookup", ["tracking_code"])
    assert by_number.details["results"] == 1
    assert by_number.details["tracking_codes"] == [filed.tracking_code]
    assert lookup.details.isVisible()
    qtbot.mouseClick(lookup.reprint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(printer_of(window).receipts) == 2)
    assert printer_of(window).receipts[1].reprint
    assert desk.audit.entries()[-1].action == "reprint"
    save_shot(window, "counter-lookup-en")

    # -- two kiosk requests come back rejected; resolve one each way --------------------------
    first = core.queue.submit("street-lights", STREET)
    second = core.queue.submit("street-lights", {**STREET, "district": "7"})
    reject(core, first.id, second.id)
    window.tabs.setCurrentWidget(window.queue_page)
    page = window.queue_page
    qtbot.waitUntil(lambda: sum(tx.state is TxState.REJECTED for tx in page.items) == 2)
    assert "the address is unknown" in page.table.item(0, 4).text()
    assert page.select(first.id)
    qtbot.mouseClick(page.correct_button, Qt.MouseButton.LeftButton)
    assert window.form.correcting is not None
    assert window.form.blocks["address"].value() == STREET["address"]  # prefilled
    assert not window.form.service_box.isEnabled()
    save_shot(window, "counter-correct-en")
    type_into(qtbot, window, "address", "Enghelab St, opposite the City Theatre")
    submit(qtbot, window)
    qtbot.waitUntil(lambda: window.file_stack.currentWidget() is window.confirmation)
    new = window.confirmation.tx
    assert new is not None and new.replaces_id == first.id
    old = core.queue.get(first.id)
    assert old is not None and old.state is TxState.VOIDED

    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.select(second.id))
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.void_confirm, Qt.MouseButton.LeftButton)  # no reason yet
    assert page.reason_error.isVisible()
    qtbot.keyClicks(page.reason, "citizen withdrew it")
    save_shot(window, "counter-queue-en")
    QTest.keyClick(page.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: core.queue.get(second.id).state is TxState.VOIDED)  # type: ignore[union-attr]
    actions = [e.action for e in desk.audit.entries()]
    assert {"file", "lookup", "print", "reprint", "resubmit", "void"} <= set(actions)
    audited = json.dumps([e.to_json() for e in desk.audit.entries()], ensure_ascii=False)
    assert NATIONAL_CODE not in audited  # what the clerk searched for is not kept

    # -- the day's report ------------------------------------------------------------------
    window.tabs.setCurrentWidget(window.report)
    report_page = window.report
    report_page.refresh()
    qtbot.waitUntil(lambda: report_page.report is not None and report_page.report.total == 4)
    for kind in ("csv", "pdf"):
        report_page.export(kind)
        qtbot.waitUntil(lambda kind=kind: report_page.message.text().endswith(f".{kind}"))
    folder = desk.settings.data_dir / "reports"
    day = report_page.chosen_day().isoformat()
    raw = (folder / f"day-report-{day}-en.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Key", "Label", "Count"]
    assert ["Total", "", "", "4"] in rows
    assert ["State", "voided", "Voided", "2"] in rows
    assert ["Clerk", CLERK, CLERK, "2"] in rows
    assert ["Service", "street-lights", "Street lights", "3"] in rows
    pdf = (folder / f"day-report-{day}-en.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"Vazirmatn" in pdf
    html = report_html(report_page.report, "en")  # what the PDF was drawn from
    assert "Total requests: 4" in html and CLERK in html
    reports = [e for e in desk.audit.entries() if e.action == "report"]
    assert [e.details["format"] for e in reports] == ["csv", "pdf"]
    save_shot(window, "counter-report-en")

    # -- the same pages in Persian (mirrored), then sign out -----------------------------------
    window.set_language("fa")
    assert window.isRightToLeft()
    for index, name in enumerate(("file", "lookup", "queue", "report")):
        window.tabs.setCurrentIndex(index)
        save_shot(window, f"counter-{name}-fa")
    assert report_page.report is not None
    render_report_image(report_page.report, "fa").save(
        str(save_shot(window, "x").parent / "report-fa.png")
    )
    window.sign_out()
    assert window.member is None
    assert window.tabs.count() == 0
    qtbot.waitUntil(lambda: desk.audit.entries()[-1].action == "sign_out")


def test_conditional_questions_follow_the_answers(
    qtbot: QtBot, window: CounterWindow, core: Core
) -> None:
    sign_in(qtbot, window, CLERK, CLERK_PIN)
    form = window.form
    choose(form.service_box, "street-lights")
    blocks = form.blocks
    assert not blocks["name"].isVisibleTo(form)
    assert not blocks["mobile"].isVisibleTo(form)
    blocks["anonymous"].set_value(False)
    assert blocks["name"].isVisibleTo(form)
    blocks["wants_follow_up"].set_value(True)
    assert blocks["mobile"].isVisibleTo(form)
    blocks["anonymous"].set_value(True)
    assert not blocks["name"].isVisibleTo(form)
    save_shot(window, "counter-file-en")
    window.set_language("fa")
    save_shot(window, "counter-file-conditional-fa")


def test_an_admin_has_the_admin_tab(qtbot: QtBot, window: CounterWindow) -> None:
    sign_in(qtbot, window, ADMIN, ADMIN_PIN)
    assert window.tabs.count() == 5
    assert window.admin is not None
    assert not window.admin.leave_button.isVisibleTo(window.admin)  # not at a counter


# -- the counter's own words -------------------------------------------------------------------

KIOSK_ONLY = ("Continue", "ادامه", "boxes", "خانه‌ها", "خانه‌های")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_counter_hints_speak_of_the_counters_own_controls(
    qtbot: QtBot, window: CounterWindow, lang: str
) -> None:
    """No "press Continue" where there is no Continue, no "boxes" where there is one field,
    and the example date is one the field accepts today, computed from its rules."""
    from kiosk.forms import clean_field
    from kiosk.text import strip_isolates, to_ascii_digits

    sign_in(qtbot, window, CLERK, CLERK_PIN)
    window.set_language(lang)
    form = window.form
    catalog = window.desk.queue.catalog
    dates = 0
    for service in catalog.services:
        if not service.queued:
            continue
        form.set_service(service.code)
        for key, block in form.blocks.items():
            hint = strip_isolates(block.hint.text())
            assert not [w for w in KIOSK_ONLY if w in hint], (service.code, key, hint)
            if block.field.type.value == "jalali_date":
                dates += 1
                example = to_ascii_digits(hint).split()[-1].rstrip(".")
                assert clean_field(catalog, service, block.field, example) is not None, hint
    assert dates >= 3


def test_printed_follows_the_language_and_names_the_clerks_next_step(
    qtbot: QtBot, window: CounterWindow
) -> None:
    from kiosk.i18n import translate

    sign_in(qtbot, window, CLERK, CLERK_PIN)
    window.set_language("fa")
    fill_residence(qtbot, window, NATIONAL_CODE)
    submit(qtbot, window)
    qtbot.waitUntil(lambda: window.file_stack.currentWidget() is window.confirmation)
    qtbot.mouseClick(window.confirmation.print_button, Qt.MouseButton.LeftButton)
    message = window.confirmation.message
    printed = "Printed: give the receipt to the citizen."
    qtbot.waitUntil(lambda: message.text() == translate("fa", printed))
    save_shot(window, "counter-confirmation-fa")
    window.set_language("en")
    assert message.text() == printed  # not left in Persian


def test_the_counter_shows_its_enrollment_and_sync_state(
    qtbot: QtBot, window: CounterWindow, core: Core
) -> None:
    from kiosk.i18n import translate
    from kiosk.state import Enrollment
    from kiosk.text import strip_isolates

    status = window.status
    not_enrolled = translate(
        "en", "Not enrolled with the city server: requests stay on this computer"
    )
    qtbot.waitUntil(lambda: not_enrolled in status.text())
    assert "Nothing waiting to send" in status.text()
    core.queue.submit("street-lights", STREET)
    now = dt.datetime.now(dt.UTC)
    core.state.save_enrollment(Enrollment("http://127.0.0.1:1", "k-1", 123, "s" * 32, now))
    window.refresh_status()
    qtbot.waitUntil(lambda: "Kiosk number 0123" in status.text())
    assert "1 waiting to send" in status.text()
    window.set_language("fa")
    shown = strip_isolates(status.text())
    assert "۰۱۲۳" in shown and translate("fa", "Offline") in shown
    assert not_enrolled not in status.text()
