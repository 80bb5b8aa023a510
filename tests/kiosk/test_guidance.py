"""The question count and example dates that screens derive from the catalog's rules."""

from __future__ import annotations

import datetime as dt

from kiosk.catalog import Catalog, load_default_catalog
from kiosk.date_rules import example_date
from kiosk.forms import visible_fields
from kiosk.guidance import Progress, progress
from kiosk.jalali import JalaliDate
from tests.conftest import TODAY


def test_the_count_is_given_only_once_no_answer_can_change_it() -> None:
    service = load_default_catalog().service("street-lights")
    answers: dict[str, object] = {}
    seen = []
    journey = {"district": "6", "address": "x", "problem_type": "off", "how_many": "one"}
    journey |= {"description": None, "anonymous": False, "name": "Maryam"}
    journey |= {"wants_follow_up": True, "mobile": "09121234567"}
    for key, value in journey.items():
        assert key in [f.key for f in visible_fields(service, answers)]
        seen.append(progress(service, answers, key))
        if value is not None:
            answers[key] = value
    # name (after "anonymous") and mobile (after "wants_follow_up") open as the citizen answers
    assert [p.number for p in seen] == list(range(1, 10))
    assert [p.total for p in seen] == [None] * 8 + [9]


def test_a_service_without_conditions_counts_from_the_start(mini_catalog: Catalog) -> None:
    catalog = load_default_catalog()
    service = catalog.service("residence-certificate")
    assert progress(service, {}, "national_code") == Progress(1, len(service.fields))
    assert progress(service, {}, "appointment_time") == Progress(11, 11)


def test_example_dates_follow_the_rules() -> None:
    service = load_default_catalog().service("residence-certificate")
    appointment = service.field("appointment_date")  # from tomorrow up to 60 days ahead
    example = example_date(appointment, TODAY)
    today = JalaliDate.from_gregorian(TODAY)
    assert example == JalaliDate.from_gregorian(TODAY + dt.timedelta(days=8))  # tomorrow + 7
    assert example > today
    incident = load_default_catalog().service("public-transport").field("incident_date")
    assert example_date(incident, TODAY) == today  # the last 30 days: today is one of them
    later = TODAY + dt.timedelta(days=3650)
    assert example_date(appointment, later) > JalaliDate.from_gregorian(later)  # never past
