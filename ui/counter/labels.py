"""Words the counter shows for the core's values: states, channels, city statuses, columns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from kiosk.i18n import N_, translate
from kiosk.receipt import format_date, format_time
from kiosk.text import isolate, localize_digits

Translate = Callable[..., str]

STATES: Final[Mapping[str, str]] = {
    "pending": N_("Waiting to send"),
    "in_flight": N_("Being sent"),
    "acked": N_("Delivered to the city"),
    "rejected": N_("Rejected by the city"),
    "voided": N_("Voided"),
}
CHANNELS: Final[Mapping[str, str]] = {"kiosk": N_("Kiosk"), "counter": N_("Counter")}
CITY_STATUSES: Final[Mapping[str, str]] = {
    "open": N_("Open"),
    "in_progress": N_("In progress"),
    "closed": N_("Closed"),
}

COL_CODE = N_("Tracking code")
COL_SERVICE = N_("Service")
COL_DATE = N_("Date")
COL_STATE = N_("State")
COL_CITY = N_("City status")
COL_REASON = N_("Reason")
COL_COUNT = N_("Count")
COL_CLERK = N_("Clerk")
COL_CHANNEL = N_("Channel")
NONE = "–"  # no value (not a word: not translated)

# DayReport.to_csv's words (section and column names, states and channels), translated.
CSV_WORDS: Final[Mapping[str, str]] = {
    "section": N_("Section"),
    "key": N_("Key"),
    "label": N_("Label"),
    "count": N_("Count"),
    "day": N_("Day"),
    "kiosk": N_("Kiosk number"),
    "service": N_("Service"),
    "state": N_("State"),
    "channel": N_("Channel"),
    "clerk": N_("Clerk"),
    "total": N_("Total"),
}


def state_label(lang: str, state: str) -> str:
    msgid = STATES.get(state)
    return translate(lang, msgid) if msgid else state


def channel_label(lang: str, channel: str) -> str:
    msgid = CHANNELS.get(channel)
    return translate(lang, msgid) if msgid else channel


def city_label(lang: str, status: str | None) -> str:
    if not status:
        return NONE
    msgid = CITY_STATUSES.get(status)
    return translate(lang, msgid) if msgid else status


def code_text(display_code: str, lang: str) -> str:
    """A tracking code for a table or a label: the language's digits, isolated for bidi."""
    return isolate(localize_digits(display_code, lang))


def when_text(value: object, lang: str) -> str:
    import datetime as dt

    if not isinstance(value, dt.datetime):
        return NONE
    return f"{format_date(value, lang)} {format_time(value, lang)}"


def csv_labels(lang: str) -> dict[str, str]:
    """The ``labels`` for :meth:`kiosk.counter.DayReport.to_csv` in ``lang``."""
    words = {key: translate(lang, msgid) for key, msgid in CSV_WORDS.items()}
    words.update({key: translate(lang, msgid) for key, msgid in STATES.items()})
    words.update({key: translate(lang, msgid) for key, msgid in CHANNELS.items()})
    return words
