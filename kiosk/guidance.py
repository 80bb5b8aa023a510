"""Where a citizen is in a service: the question's number, and how many there are once that
is known (:func:`progress`). The question screen words it; the rule lives here once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.catalog import Service
from kiosk.forms import visible_fields

__all__ = ["Progress", "progress"]


@dataclass(frozen=True)
class Progress:
    number: int  # this question's place among the questions asked, from 1
    total: int | None  # how many questions there are, once no answer to come can change it


def progress(service: Service, answers: Mapping[str, object], key: str) -> Progress:
    """Where the question ``key`` is in ``service``, given the answers so far.

    Answers open and close later questions, so the number of questions is only given once no
    question still to come depends on this answer or a later one: a count that grows as the
    citizen answers ("6 of 7", then "7 of 8") reads as if the end moved away. The number of
    this question never goes back as the citizen moves on.
    """
    shown = [f.key for f in visible_fields(service, answers)]
    number = shown.index(key) + 1 if key in shown else len(shown) + 1
    order = {f.key: i for i, f in enumerate(service.fields)}
    here = order[key]
    undecided = any(
        f.visible_when is not None and order.get(f.visible_when.field, -1) >= here
        for f in service.fields[here + 1 :]
    )
    return Progress(number, None if undecided else len(shown))
