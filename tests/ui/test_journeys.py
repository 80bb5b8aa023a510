"""Whole citizen journeys by touch alone, in Persian and in English, each ending in a receipt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.i18n import translate
from kiosk.jalali import JalaliDate
from kiosk.models import TxState
from kiosk.text import isolate, localize_digits, strip_isolates
from tests.ui.driver import Driver
from ui.screens.base import ScreenId


def finish_with_receipt(driver: Driver, spool: Path) -> str:
    """Send from the check page; return the tracking code shown; check the receipt PDF."""
    driver.wait_for(ScreenId.CHECK)
    driver.tap("send")
    driver.wait_for(ScreenId.CONFIRMATION)
    tx = driver.kiosk.ctx.session.submitted
    assert tx is not None
    lang = driver.kiosk.ctx.lang
    code = driver.find("tracking-code").text()  # type: ignore[attr-defined]
    assert code == isolate(localize_digits(tx.display_code, lang))
    driver.qtbot.waitUntil(lambda: any(spool.glob(f"{tx.tracking_code}-*.pdf")), timeout=10_000)
    pdf = next(spool.glob(f"{tx.tracking_code}-*.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF")
    # the row is durable, with the answers as the core cleaned them
    stored = driver.kiosk.core.queue.get(tx.id)
    assert stored is not None and stored.state is TxState.PENDING
    # the answers are no longer held in memory once they are on disk
    assert driver.kiosk.ctx.session.cleaned == {} and driver.kiosk.ctx.session.raw == {}
    driver.tap("finish")
    driver.wait_for(ScreenId.HOME)
    return tx.id


def test_city_problem_report_in_persian(driver: Driver, spool: Path) -> None:
    assert driver.kiosk.ctx.lang == "fa"
    assert driver.window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    driver.start("street-lights")
    driver.answer_choice("6")  # district
    driver.answer_text("میدان ونک")  # address, typed on the Persian keys
    driver.answer_choice("off")
    driver.answer_choice("several")
    driver.answer_text("دو چراغ")  # description (long text)
    driver.answer_choice("no")  # not anonymous
    driver.answer_text("مریم احمدی")  # name
    driver.answer_choice("yes")  # wants follow-up
    driver.answer_text("09121234567")  # mobile on the numeric pad, in Persian digits
    assert driver.shows("میدان ونک") and driver.shows("منطقه ۶")
    assert driver.shows(isolate("۰۹۱۲۱۲۳۴۵۶۷"))
    tx_id = finish_with_receipt(driver, spool)
    tx = driver.kiosk.core.queue.get(tx_id)
    assert tx is not None
    assert tx.service_code == "street-lights" and tx.lang == "fa"
    assert tx.answers == {
        "district": "6",
        "address": "میدان ونک",
        "problem_type": "off",
        "how_many": "several",
        "description": "دو چراغ",
        "anonymous": False,
        "name": "مریم احمدی",
        "wants_follow_up": True,
        "mobile": "09121234567",
    }


def test_message_to_the_municipality_in_english(driver: Driver, spool: Path) -> None:
    driver.tap("language")
    assert driver.kiosk.ctx.lang == "en"
    assert driver.window.layoutDirection() == Qt.LayoutDirection.LeftToRight
    driver.start("message-to-municipality")
    driver.answer_choice("suggestion")
    driver.answer_text("more benches")  # subject, on the English keys
    driver.answer_text("please add benches in the park")
    driver.cont()  # district is optional: skip it
    driver.answer_choice("no")  # no reply wanted
    assert driver.shows("Check your answers before sending")
    assert driver.shows("Suggestion")
    tx_id = finish_with_receipt(driver, spool)
    tx = driver.kiosk.core.queue.get(tx_id)
    assert tx is not None and tx.lang == "en"
    assert tx.answers["message_kind"] == "suggestion"
    assert tx.answers["message"] == "please add benches in the park"
    assert "district" not in tx.answers


def test_certificate_application_in_persian(driver: Driver, spool: Path) -> None:
    driver.start("residence-certificate")
    driver.answer_text("0499370899")  # national code
    driver.answer_text("09351234567")  # mobile
    driver.answer_text("1234567890")  # postal code
    driver.answer_choice("22")  # district
    driver.answer_text("شهرک غرب، خیابان ایران‌زمین")  # address
    driver.answer_text("12")  # years at the address
    driver.answer_choice("tenant")
    driver.answer_choice("school")
    driver.choose("national_card_copy")
    driver.answer_choice("utility_bill")  # documents: two ticked
    day = JalaliDate.from_gregorian(dt.date.today() + dt.timedelta(days=10))
    driver.type_on_screen(f"{day.day:02d}{day.month:02d}{day.year}")  # the boxes advance
    driver.cont()
    driver.answer_choice("morning")
    tx_id = finish_with_receipt(driver, spool)
    tx = driver.kiosk.core.queue.get(tx_id)
    assert tx is not None
    assert tx.answers["documents"] == ["national_card_copy", "utility_bill"]
    assert tx.answers["appointment_date"] == day.isoformat()
    assert tx.answers["national_code"] == "0499370899"


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_bill_inquiry(driver: Driver, lang: str) -> None:
    if lang == "en":
        driver.tap("language")
    driver.start("bill-inquiry")
    driver.answer_text("7748317800142")
    driver.answer_text("1770160")
    driver.wait_for(ScreenId.BILL_RESULT)
    amount = driver.find("bill-amount").text()  # type: ignore[attr-defined]
    if lang == "fa":
        assert "۱۷٬۰۰۰" in amount and "ریال" in amount
        assert driver.find("bill-type").text() == "تلفن ثابت"  # type: ignore[attr-defined]
    else:
        assert "17,000" in amount and "rials" in amount
        assert driver.find("bill-type").text() == "Landline telephone"  # type: ignore[attr-defined]
    # Period 01 of the year whose last digit is 7: the year itself, as a reader says it.
    period = strip_isolates(driver.find("bill-period").text())  # type: ignore[attr-defined]
    this_year = JalaliDate.from_gregorian(dt.date.today()).year
    year = this_year - (this_year - 7) % 10
    assert period == strip_isolates(
        translate(lang, "Period {period} of {year}", period=1, year=year)
    )
    assert localize_digits(str(year), lang) in period
    assert driver.kiosk.core.queue.list() == []  # nothing is queued for an inquiry
    driver.tap("finish")
    driver.wait_for(ScreenId.HOME)
