"""The home screen, one copy per theme it has been shown in.

Home holds nothing of a citizen, and it is where the look is most often switched (before a journey
starts). Showing a copy made, once, in the new theme costs a fraction of re-styling its ~60
widgets (~5 ms), and switching back is as quick. Each copy keeps the style sheet it was made with;
a copy retranslates when it is entered (``HomeScreen.enter``).
"""

from __future__ import annotations

from collections.abc import Callable

from ui.screens.base import Screen


class HomeCopies:
    def __init__(self, make: Callable[[], Screen]) -> None:
        self._make = make  # a new home screen, in the current theme's style sheet
        self._copies: list[Screen] = []

    def get(self, sheet: str) -> Screen:
        """The copy in ``sheet``, made the first time it is asked for."""
        for home in self._copies:
            if home.styleSheet() == sheet:
                return home
        home = self._make()
        if sheet != home.styleSheet():
            home.setStyleSheet(sheet)  # ahead of a switch (MainWindow.prepare), in idle time
        self._copies.append(home)
        return home

    def __contains__(self, screen: object) -> bool:
        return screen in self._copies

    def drop_all(self) -> list[Screen]:
        """Forget every copy (a new catalog): the caller removes them from the window."""
        old, self._copies = self._copies, []
        return old
