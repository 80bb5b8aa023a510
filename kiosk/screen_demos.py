"""The demo state of each screen, by name: what ``kiosk screenshot`` shows and ``kiosk say``
says. Plain data (no Qt): the names, the service and question, what is typed, the bill.

Each demo runs in a throwaway data dir, never the kiosk's own, so neither command shows a
citizen's data or changes anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from kiosk.catalog import Service
from kiosk.forms import visible_fields

__all__ = ["BILL", "DEMOS", "REPORT", "Demo", "answers_before", "page_of", "track_code"]

REPORT: Final[Mapping[str, object]] = {
    "district": "6",
    "address": "خیابان کارگر شمالی، روبه‌روی پارک لاله",
    "problem_type": "off",
    "how_many": "several",
    "anonymous": False,
    "name": "مریم احمدی",
    "wants_follow_up": True,
    "mobile": "09123456789",
}
"""The street light report every demo files (and the answers of the questions before one)."""

BILL: Final[Mapping[str, str]] = {"bill_id": "7748317800142", "payment_id": "1770160"}
"""A landline bill of 17,000 rials (a public test pair)."""


@dataclass(frozen=True)
class Demo:
    screen: str  # the screen's id (``ui.screens.base.ScreenId`` values)
    service: str | None = None
    field: str | None = None  # a question page: which question
    typed: object = None  # what is typed or chosen on it
    press_continue: bool = False  # Continue pressed: the answer's error shows
    found: bool = True  # the Track screen: a code that is on file, or one that is not
    idle_warning: bool = False  # the idle warning over the screen


DEMOS: Final[Mapping[str, Demo]] = {
    "attract": Demo("attract"),
    "home": Demo("home"),
    "question": Demo("question", "street-lights", "address", "خیابان کارگر شمالی"),
    "question-choice": Demo("question", "street-lights", "problem_type", "off"),
    "question-district": Demo("question", "street-lights", "district"),
    "question-date": Demo("question", "residence-certificate", "appointment_date", "1405/09/20"),
    "question-long-text": Demo("question", "message-to-municipality", "message"),
    "question-error": Demo(
        "question", "residence-certificate", "national_code", "0684159415", press_continue=True
    ),
    "question-error-text": Demo(
        "question", "residence-certificate", "address", "کوچه", press_continue=True
    ),
    "check": Demo("check", "street-lights"),
    "confirmation": Demo("confirmation", "street-lights"),
    "bill-result": Demo("bill-result", "bill-inquiry"),
    "track": Demo("track", found=True),
    "track-error": Demo("track", found=False),
    "announcements": Demo("announcements"),
    "timeout": Demo("question", "street-lights", "address", "خیابان کارگر", idle_warning=True),
}


def answers_before(service: Service, key: str) -> dict[str, object]:
    """The demo report's answers to the questions of ``service`` before ``key``."""
    keys = [f.key for f in service.fields]
    return {k: REPORT[k] for k in keys[: keys.index(key)] if k in REPORT}


def page_of(service: Service, key: str, answers: Mapping[str, object]) -> int:
    """The page of question ``key`` given ``answers``."""
    return [f.key for f in visible_fields(service, answers)].index(key)


def track_code(display_code: str, found: bool) -> str:
    """The code typed on the Track screen's demo: the request's, or one not on file (its last
    digit changed)."""
    if found:
        return display_code
    code = display_code[:-1] + "0"
    return display_code[:-1] + "1" if code == display_code else code
