"""A receipt as data: everything printed for the citizen, already in their language.

The UI draws it (``ui/receipt.py``, QPainter: PDF or a raster for ESC/POS printers); the core
decides what it says. A receipt carries no personal data (no answers), so it can be rebuilt and
reprinted at any time, even after the privacy purge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.catalog import Catalog, ServiceKind, UnknownService
from kiosk.i18n import N_, translate
from kiosk.jalali import JalaliDate, format_jalali
from kiosk.queue import QueuedTransaction
from kiosk.text import isolate, isolate_numbers, localize_digits

try:
    LOCAL_ZONE: dt.tzinfo = ZoneInfo("Asia/Tehran")
except ZoneInfoNotFoundError:  # a machine without tz data: Iran has kept +03:30 since 2022
    LOCAL_ZONE = dt.timezone(dt.timedelta(hours=3, minutes=30), "IRST")

GREGORIAN_MONTHS_FA = (
    "ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن",
    "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر",
)  # fmt: skip
GREGORIAN_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Receipt:
    lang: str
    title: str  # "Receipt" or "Thank you" (surveys)
    city: str
    kiosk_name: str
    kiosk_number: str  # as shown, in the language's digits
    service: str
    tracking_label: str
    tracking_code: str  # grouped, in the language's digits, isolated for bidi
    tracking_digits: str  # ASCII digits only: the QR payload, what a scanner types back
    date_jalali: str
    date_gregorian: str
    time: str
    next_steps: str
    follow_up: str
    reprint: bool = False

    @property
    def qr_payload(self) -> str:
        return self.tracking_digits


def local_time(value: dt.datetime) -> dt.datetime:
    return value.astimezone(LOCAL_ZONE)


def format_gregorian(day: dt.date, lang: str) -> str:
    if lang == "fa":
        text = f"{day.day} {GREGORIAN_MONTHS_FA[day.month - 1]} {day.year}"
        return isolate_numbers(localize_digits(text, "fa"))
    return f"{day.day} {GREGORIAN_MONTHS_EN[day.month - 1]} {day.year}"


def format_date(value: dt.datetime, lang: str) -> str:
    """A moment as the kiosk shows dates: Jalali in Persian (its numbers isolated), Gregorian
    in English."""
    day = local_time(value).date()
    if lang == "fa":
        return format_jalali(JalaliDate.from_gregorian(day), "fa")
    return format_gregorian(day, "en")


def format_time(value: dt.datetime, lang: str) -> str:
    """``11:40``; in Persian ``۱۱:۴۰`` in an isolate (as every number in Persian text)."""
    text = localize_digits(local_time(value).strftime("%H:%M"), lang)
    return isolate(text) if lang == "fa" else text


def build_receipt(
    tx: QueuedTransaction,
    catalog: Catalog,
    *,
    lang: str,
    city: str,
    kiosk_name: str,
    reprint: bool = False,
) -> Receipt:
    try:
        service = catalog.service(tx.service_code)
        service_title = service.title.get(lang)
        next_steps = service.next_steps.get(lang) if service.next_steps else ""
        is_survey = service.kind is ServiceKind.SURVEY
    except UnknownService:  # the catalog changed since: the code is all we know
        service_title, next_steps, is_survey = tx.service_code, "", False
    when = local_time(tx.created_at)
    return Receipt(
        lang=lang,
        title=translate(lang, N_("Thank you") if is_survey else N_("Receipt")),
        city=isolate_numbers(city) if lang == "fa" else city,
        kiosk_name=isolate_numbers(kiosk_name) if lang == "fa" else kiosk_name,
        kiosk_number=localize_digits(f"{tx.kiosk_number:04d}", lang),
        service=service_title,
        tracking_label=translate(lang, N_("Tracking code")),
        tracking_code=isolate(localize_digits(tx.display_code, lang)),
        tracking_digits=tx.tracking_code,
        date_jalali=format_jalali(JalaliDate.from_gregorian(when.date()), lang),
        date_gregorian=format_gregorian(when.date(), lang),
        time=format_time(tx.created_at, lang),
        next_steps=next_steps,
        follow_up=translate(
            lang,
            N_(
                "Keep this receipt. To follow your request, enter the tracking code on any "
                "kiosk's Track screen or give it at a municipal service counter."
            ),
        ),
        reprint=reprint,
    )
