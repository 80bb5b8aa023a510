"""What speech says that the screen shows in another way (a selected button, a masked box,
the buttons themselves): the few phrases only a listener needs. The Persian of these is
never shown, so it may write the ezafe that eSpeak NG would otherwise drop («شماره‌ی»).
"""

from __future__ import annotations

from typing import Final

from kiosk.i18n import N_

NUMBERED: Final = N_("Number {n}: {label}")
SELECTED: Final = N_("Selected: {choices}")
NOTHING_SELECTED: Final = N_("Nothing is selected yet.")
TYPED: Final = N_("You have typed:")
NOTHING_TYPED: Final = N_("Nothing is typed yet.")
SECRET_ENTERED: Final = N_("Entered. It is not read aloud, for your safety.")
MANY: Final = N_("You can choose more than one.")
BUTTONS: Final = N_("Buttons: {names}.")
TOUCH_SERVICE: Final = N_("Touch a service to start.")
CHANGE_HINT: Final = N_("To change an answer, touch Change beside it.")
