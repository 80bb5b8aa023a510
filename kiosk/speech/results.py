"""What the result screens say: the confirmation with its tracking code, the bill, a tracked
request, the announcements, and the receipt's content (said before it prints)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kiosk.announcements import AnnouncementItem
from kiosk.catalog import Catalog, ServiceKind, UnknownService
from kiosk.i18n import translate
from kiosk.identifiers import Bill
from kiosk.jalali import JalaliDate
from kiosk.queue import QueuedTransaction
from kiosk.receipt import Receipt, format_date
from kiosk.request_status import status_words
from kiosk.speech import normalise
from kiosk.speech.screens import errors
from kiosk.speech.spoken import buttons, label, say, say_pieces
from kiosk.speech.utterance import Kind, Piece, Utterance
from kiosk.tracking import format_tracking_code
from kiosk.wording import Announcements, BillResult, Common, Confirmation, Track

__all__ = ["announcements", "bill_result", "confirmation", "receipt", "track", "tracking_code"]

PAGE_SIZE = 4  # announcements per page, as the screen shows them


def tracking_code(code: str, lang: str) -> Utterance:
    """A tracking code, digit by digit in its printed groups (``0123-004571-3``)."""
    shown = format_tracking_code(code)
    return say_pieces(Kind.CONFIRMATION, lang, normalise.code(shown, lang), shown=shown)


def confirmation(
    tx: QueuedTransaction,
    catalog: Catalog,
    lang: str,
    *,
    printer: str | None = None,
    printer_failed: bool = False,
) -> list[Utterance]:
    """The confirmation: that it is registered, the tracking code digit by digit (twice: it
    is what the citizen must keep), what happens next, how to follow up, the printer's state
    (``printer``: its message id), and the buttons."""
    try:
        service = catalog.service(tx.service_code)
        survey = service.kind is ServiceKind.SURVEY
        steps = service.next_steps.get(lang) if service.next_steps else ""
    except UnknownService:
        survey, steps = False, ""
    out = say(
        Kind.CONFIRMATION,
        lang,
        translate(lang, Confirmation.RECORDED if survey else Confirmation.REGISTERED),
    )
    out += say(Kind.CONFIRMATION, lang, translate(lang, Confirmation.CODE))
    out += [tracking_code(tx.tracking_code, lang)] * 2
    out += say(Kind.HEADING, lang, translate(lang, Confirmation.NEXT))
    out += say(Kind.INSTRUCTION, lang, steps)
    out += say(Kind.INSTRUCTION, lang, translate(lang, Confirmation.FOLLOW_UP))
    if printer is not None:
        out += say(
            Kind.ERROR if printer_failed else Kind.INSTRUCTION, lang, translate(lang, printer)
        )
    out += buttons(lang, Confirmation.PRINT, Common.FINISH)
    return out


def bill_result(bill: Bill, lang: str, *, today: dt.date | None = None) -> list[Utterance]:
    """The bill: its type, the amount in words with the currency, the period, both IDs digit by
    digit, what the kiosk can and cannot tell, and the buttons."""
    names = {key: translate(lang, msgid) for key, msgid in BillResult.NAMES.items()}
    out = say(Kind.HEADING, lang, translate(lang, BillResult.TITLE))

    def row(key: str, pieces: list[Piece], shown: str) -> None:
        out.append(say_pieces(Kind.VALUE, lang, [label(names[key]), *pieces], shown=shown))

    kind = translate(lang, BillResult.TYPES[bill.service_type])
    row("type", [kind], kind)
    if bill.payment_id is not None and bill.amount_rials is not None:
        words = translate(lang, BillResult.AMOUNT, amount=normalise.number(bill.amount_rials, lang))
        row("amount", [words], str(bill.amount_rials))
        this_year = JalaliDate.from_gregorian(today or dt.date.today()).year
        period = translate(lang, BillResult.PERIOD, period=bill.period, year=bill.year(this_year))
        row("period", normalise.text(period, lang), period)
        row("bill_id", normalise.code([bill.bill_id], lang), bill.bill_id)
        row("payment_id", normalise.code([bill.payment_id], lang), bill.payment_id)
        out += say(Kind.INSTRUCTION, lang, translate(lang, BillResult.VALID))
    else:
        row("bill_id", normalise.code([bill.bill_id], lang), bill.bill_id)
        out += say(Kind.INSTRUCTION, lang, translate(lang, BillResult.VALID_NO_PAYMENT))
    out += buttons(lang, BillResult.AGAIN, Common.FINISH)
    return out


def track(
    catalog: Catalog,
    lang: str,
    *,
    typed: str = "",
    found: QueuedTransaction | None = None,
    error: str | None = None,
) -> list[Utterance]:
    """Track a request: the error first (``error``: a reason of ``Track.LOOKUP_ERRORS``), the
    title and how to enter a code, the code typed so far, then the request found: its service,
    status and note, and the buttons."""
    message = Track.LOOKUP_ERRORS.get(error, Track.LOOKUP_ERRORS["checksum"]) if error else None
    out = errors(lang, [translate(lang, message)] if message else [])
    out += say(Kind.HEADING, lang, translate(lang, Track.TITLE))
    out += say(Kind.INSTRUCTION, lang, translate(lang, Track.HINT))
    if typed.strip() and found is None:
        out.append(say_pieces(Kind.VALUE, lang, normalise.code(typed, lang), shown=typed))
    if found is not None:
        try:
            service = catalog.service(found.service_code).title.get(lang)
        except UnknownService:
            service = found.service_code
        status, note = status_words(found, lang)
        filed = translate(
            lang,
            Track.FILED,
            date=format_date(found.created_at, lang),
            code=found.display_code,
        )
        out += say(Kind.HEADING, lang, service)
        out += say(Kind.VALUE, lang, status)
        out += say(Kind.VALUE, lang, f"{filed}\n{note}")
    out += buttons(lang, Track.FIND, Common.BACK)
    return out


def announcements(
    items: Sequence[AnnouncementItem], lang: str, *, page: int = 0, loaded: bool = True
) -> list[Utterance]:
    """The announcements of one page: each title, its date and its text."""
    out = say(Kind.HEADING, lang, translate(lang, Announcements.TITLE))
    if loaded and not items:
        out += say(Kind.INSTRUCTION, lang, translate(lang, Announcements.EMPTY))
    shown = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    for item in shown:
        out += say(Kind.HEADING, lang, item.title.get(lang))
        out += say(Kind.HELP, lang, format_date(item.published_at, lang))
        out += say(Kind.HELP, lang, item.body.get(lang))
    actions = [Common.BACK]
    if page > 0:
        actions.append(Announcements.PREVIOUS)
    if (page + 1) * PAGE_SIZE < len(items):
        actions.append(Announcements.MORE)
    return out + buttons(lang, *actions)


def receipt(r: Receipt) -> list[Utterance]:
    """The receipt's content, as printed: title, city and kiosk, service, the tracking code
    digit by digit, the dates and time, what happens next and how to follow up."""
    lang = r.lang
    out: list[Utterance] = []
    for text in (r.title, r.city, r.kiosk_name, r.service):
        out += say(Kind.RECEIPT, lang, text)
    out += say(Kind.RECEIPT, lang, r.tracking_label)
    code = tracking_code(r.tracking_digits, lang)
    out.append(Utterance.of(Kind.RECEIPT, lang, code.script, shown=code.shown))
    for text in (r.date_jalali, r.date_gregorian, r.time, r.next_steps, r.follow_up):
        out += say(Kind.RECEIPT, lang, text)
    return out
