"""A date field's rules: its catalog bounds ('today+1', a Jalali date) as dates, and a date it
accepts to show as an example (the error message, the kiosk's and the counter's hints)."""

from __future__ import annotations

import datetime as dt

from kiosk.catalog import Field
from kiosk.jalali import JalaliDate

__all__ = ["bounds", "example_date", "resolve_date_bound"]

EXAMPLE_DAYS_AHEAD = 7  # an example a week ahead when the field asks for a future date


def resolve_date_bound(bound: str, today: dt.date) -> JalaliDate:
    """A catalog date bound ('today', 'today+N', 'today-N' or a Jalali date) as a date."""
    if bound.startswith("today"):
        days = int(bound[5:] or 0)
        return JalaliDate.from_gregorian(today + dt.timedelta(days=days))
    return JalaliDate.parse(bound)


def bounds(f: Field, today: dt.date) -> tuple[JalaliDate | None, JalaliDate | None]:
    """The first and the last day ``f`` accepts (None: no bound)."""
    low = resolve_date_bound(f.min_date, today) if f.min_date else None
    high = resolve_date_bound(f.max_date, today) if f.max_date else None
    return low, high


def example_date(f: Field, today: dt.date) -> JalaliDate:
    """A date ``f`` accepts, near today: today when it may be chosen, else a week after the
    first day allowed (but not after the last), else the last day allowed."""
    low, high = bounds(f, today)
    now = JalaliDate.from_gregorian(today)
    if low is not None and now < low:
        ahead = JalaliDate.from_gregorian(low.to_gregorian() + dt.timedelta(EXAMPLE_DAYS_AHEAD))
        return min(ahead, high) if high is not None else ahead
    if high is not None and now > high:
        return high
    return now
