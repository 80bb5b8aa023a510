"""The question count on a journey whose answers open questions: "question 6", and "of 9"
only once it is known, so the count a citizen reads never grows and never goes back."""

from __future__ import annotations

import re

import pytest

from kiosk.text import strip_isolates, to_ascii_digits
from tests.ui.driver import Driver
from ui.screens.base import ScreenId
from ui.screens.question import QuestionScreen


def count_shown(driver: Driver) -> tuple[int, int | None]:
    screen = driver.window.current
    assert isinstance(screen, QuestionScreen)
    text = to_ascii_digits(strip_isolates(screen.service_title.text()))
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    assert 1 <= len(numbers) <= 2, text
    return numbers[0], numbers[1] if len(numbers) == 2 else None


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_count_never_jumps_on_a_journey_that_opens_questions(driver: Driver, lang: str) -> None:
    driver.kiosk.ctx.set_language(lang)
    driver.start("street-lights")
    steps = [
        lambda: driver.answer_choice("6"),
        lambda: driver.answer_text("کارگر" if lang == "fa" else "kargar"),
        lambda: driver.answer_choice("off"),
        lambda: driver.answer_choice("several"),
        driver.cont,  # nothing to add
        lambda: driver.answer_choice("no"),  # not anonymous: the name question opens
        lambda: driver.answer_text("مریم" if lang == "fa" else "maryam"),
        lambda: driver.answer_choice("yes"),  # follow up: the mobile question opens
        lambda: driver.answer_text("09121234567"),
    ]
    counts = []
    for step in steps:
        assert driver.screen is ScreenId.QUESTION
        counts.append(count_shown(driver))
        step()
    driver.wait_for(ScreenId.CHECK)
    numbers = [n for n, _ in counts]
    assert numbers == list(range(1, len(steps) + 1))
    totals = {total for _, total in counts if total is not None}
    assert len(totals) <= 1, f"the total changed along the way: {counts}"
    assert all(total >= n for n, total in counts if total is not None)
    assert counts[-1] == (9, 9)  # known at last, and right
