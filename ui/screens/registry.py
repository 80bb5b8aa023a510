"""Which class shows each screen, its module imported the first time the screen is needed.

The main window builds a screen on first use, so start-up loads and builds only the home screen
(the others need modules, such as the queue's, that the first paint should not wait for).
"""

from __future__ import annotations

from ui.screens.base import Screen, ScreenId


def screen_class(screen_id: ScreenId) -> type[Screen]:
    """The :class:`Screen` subclass for ``screen_id``."""
    match screen_id:
        case ScreenId.ATTRACT:
            from ui.screens.attract import AttractScreen

            return AttractScreen
        case ScreenId.HOME:
            from ui.screens.home import HomeScreen

            return HomeScreen
        case ScreenId.QUESTION:
            from ui.screens.question import QuestionScreen

            return QuestionScreen
        case ScreenId.CHECK:
            from ui.screens.check import CheckScreen

            return CheckScreen
        case ScreenId.CONFIRMATION:
            from ui.screens.confirmation import ConfirmationScreen

            return ConfirmationScreen
        case ScreenId.BILL_RESULT:
            from ui.screens.bill_result import BillResultScreen

            return BillResultScreen
        case ScreenId.TRACK:
            from ui.screens.track import TrackScreen

            return TrackScreen
        case ScreenId.ANNOUNCEMENTS:
            from ui.screens.announcements import AnnouncementsScreen

            return AnnouncementsScreen
