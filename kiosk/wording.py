"""The kiosk's own words on the citizen's screens, in one place for the screens and for speech.

Each screen shows these message ids (``ui/screens/...``) and ``kiosk.speech`` says the same ones,
so what is heard never drifts from what is shown. The words of a service (titles, questions,
help, choices) come from the catalog; these are the kiosk's. Translations are in
``locales/fa/LC_MESSAGES/messages.po`` as for every message.
"""

from __future__ import annotations

from typing import Final

from kiosk.i18n import N_
from kiosk.identifiers import BillType

__all__ = [
    "Announcements",
    "BillResult",
    "Check",
    "Common",
    "Confirmation",
    "Home",
    "Idle",
    "Question",
    "Track",
]


class Common:
    BACK: Final = N_("Back")
    CONTINUE: Final = N_("Continue")
    FINISH: Final = N_("Finish")
    YES: Final = N_("Yes")
    NO: Final = N_("No")
    PROBLEM: Final = N_("There is a problem")  # the error summary's heading


class Home:
    HEADING: Final = N_("What would you like to do?")
    OWN_GROUP: Final = N_("Your requests and news")
    TRACK: Final = N_("Track a request")
    TRACK_HINT: Final = N_("With your tracking code")
    NEWS: Final = N_("Announcements")
    NEWS_HINT: Final = N_("News, opening hours and fees")


class Question:
    WHERE: Final = N_("{service} — question {n}")
    WHERE_OF: Final = N_("{service} — question {n} of {total}")
    # The kiosk's own words for skipping (the catalog's help speaks for every screen).
    SKIP: Final = N_("You can leave this out: press Continue.")
    DATE_PARTS: Final = (N_("Day"), N_("Month"), N_("Year"))
    DATE_HOW: Final = N_("In the Persian calendar: for {date}, type {day}, {month} and {year}.")


class Check:
    TITLE: Final = N_("Check your answers before sending")
    NOT_ANSWERED: Final = N_("Not answered")
    CHANGE: Final = N_("Change")
    SEND: Final = N_("Send")
    NOT_SAVED: Final = N_(
        "Your request could not be saved. Nothing was sent. Please try again, or ask "
        "a member of staff for help."
    )


class Confirmation:
    REGISTERED: Final = N_("Your request has been registered")
    RECORDED: Final = N_("Thank you, your answers have been recorded")  # a survey
    CODE: Final = N_("Your tracking code")
    NEXT: Final = N_("What happens next")
    FOLLOW_UP: Final = N_(
        "Keep this code. To follow your request, choose "
        "\u201cTrack a request\u201d on any "
        "kiosk, or give the code at a municipal service counter."
    )
    PRINT: Final = N_("Print receipt")
    PRINTING: Final = N_("Printing your receipt…")
    PRINTED: Final = N_("Your receipt has been printed. Please take it.")
    NO_PRINTER: Final = N_("This kiosk has no printer. Please write down your tracking code.")
    PRINTER_FAILED: Final = N_(
        "The printer is not working. Your request is saved: please write down your "
        "tracking code, or ask for a printed receipt at a service counter."
    )


class BillResult:
    TITLE: Final = N_("Your bill")
    AGAIN: Final = N_("Check another bill")
    NAMES: Final = {
        "type": N_("Bill type"),
        "amount": N_("Amount to pay"),
        "period": N_("Billing period"),
        "bill_id": N_("Bill ID"),
        "payment_id": N_("Payment ID"),
    }
    TYPES: Final = {
        BillType.WATER: N_("Water"),
        BillType.ELECTRICITY: N_("Electricity"),
        BillType.GAS: N_("Gas"),
        BillType.LANDLINE: N_("Landline telephone"),
        BillType.MOBILE: N_("Mobile telephone"),
        BillType.MUNICIPALITY: N_("Municipality charges"),
        BillType.OTHER: N_("Other"),
        BillType.TAX: N_("Tax"),
        BillType.TRAFFIC_FINES: N_("Traffic fines"),
    }
    AMOUNT: Final = N_("{amount} rials")
    PERIOD: Final = N_("Period {period} of {year}")
    VALID: Final = N_(
        "The bill ID and payment ID are valid. "
        "This kiosk cannot tell whether the bill "
        "has already been paid; payment at the kiosk comes in a later version."
    )
    VALID_NO_PAYMENT: Final = N_(
        "The bill ID is valid. Enter the payment ID too to see the amount and period."
    )


class Track:
    TITLE: Final = Home.TRACK
    HINT: Final = N_(
        "Type the tracking code from your receipt, or hold the receipt's QR code to the scanner."
    )
    FIND: Final = N_("Find")
    LOOKUP_ERRORS: Final = {
        "empty": N_("Enter your tracking code"),
        "not_digits": N_("Use digits only"),
        "length": N_("A tracking code has at least 11 digits, like 0123-004571-3"),
        "checksum": N_("Check the tracking code: one of the digits is wrong"),
        "not_found": N_("No request with this tracking code was filed at this kiosk"),
    }
    FILED: Final = N_("Filed on {date}, code {code}")


class Announcements:
    TITLE: Final = N_("Announcements and city information")
    EMPTY: Final = N_("There are no announcements at the moment.")
    PREVIOUS: Final = N_("Previous")
    MORE: Final = N_("More")


class Idle:
    TITLE: Final = N_("Do you need more time?")
    COUNTDOWN: Final = N_("For your privacy, your answers will be cleared in {seconds} seconds.")
    MORE_TIME: Final = N_("More time")
    FINISH_NOW: Final = N_("Finish now")
