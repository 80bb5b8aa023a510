"""Render any screen to PNG, offscreen, with demo data: ``kiosk screenshot --screen NAME``.

Each screen name sets up a realistic state in a throwaway data dir (never the kiosk's own), so
screenshots show no citizen's data and change nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from kiosk.config import Settings
from kiosk.demo import DEMO_ANNOUNCEMENTS
from kiosk.queue import QueuedTransaction
from kiosk.text import localize_digits
from ui.run import Kiosk, build
from ui.screens.base import ScreenId
from ui.screens.confirmation import ConfirmationScreen
from ui.screens.question import QuestionScreen
from ui.screens.track import TrackScreen
from ui.theme import ThemeName

REPORT = {
    "district": "6",
    "address": "خیابان کارگر شمالی، روبه‌روی پارک لاله",
    "problem_type": "off",
    "how_many": "several",
    "anonymous": False,
    "name": "مریم احمدی",
    "wants_follow_up": True,
    "mobile": "09123456789",
}


def _settle(kiosk: Kiosk) -> None:
    for _ in range(5):
        kiosk.ctx.runner.wait_for_done()
        kiosk.app.processEvents()


def _question(service: str, key: str, typed: object = None) -> Callable[[Kiosk], None]:
    def setup(kiosk: Kiosk) -> None:
        session = kiosk.ctx.session
        session.start(service)
        catalog = kiosk.core.catalog
        svc = catalog.service(service)
        keys = [f.key for f in svc.fields]
        for k in keys[: keys.index(key)]:
            if k in REPORT:
                session.cleaned[k] = REPORT[k]  # type: ignore[assignment]
                session.raw[k] = REPORT[k]
        from kiosk.forms import visible_fields

        session.page = [f.key for f in visible_fields(svc, session.cleaned)].index(key)
        if typed is not None:
            session.raw[key] = typed
        kiosk.window.move_to(ScreenId.QUESTION)

    return setup


def _question_error(key: str, typed: str) -> Callable[[Kiosk], None]:
    def setup(kiosk: Kiosk) -> None:
        _question("residence-certificate", key, typed)(kiosk)
        screen = kiosk.window.current
        assert isinstance(screen, QuestionScreen)
        screen.on_continue()

    return setup


def _submit(kiosk: Kiosk) -> QueuedTransaction:
    return kiosk.core.queue.submit("street-lights", REPORT, lang=kiosk.ctx.lang)


def _check(kiosk: Kiosk) -> None:
    session = kiosk.ctx.session
    session.start("street-lights")
    session.cleaned.update(REPORT)  # type: ignore[arg-type]
    kiosk.window.move_to(ScreenId.CHECK)


def _confirmation(kiosk: Kiosk) -> None:
    tx = _submit(kiosk)
    kiosk.ctx.session.start("street-lights")
    kiosk.ctx.session.submitted = tx
    kiosk.window.move_to(ScreenId.CONFIRMATION, print=False)
    screen = kiosk.window.current
    assert isinstance(screen, ConfirmationScreen)
    screen.on_printed("demo")


def _bill(kiosk: Kiosk) -> None:
    session = kiosk.ctx.session
    session.start("bill-inquiry")
    session.cleaned.update({"bill_id": "7748317800142", "payment_id": "1770160"})
    kiosk.window.move_to(ScreenId.BILL_RESULT)


def _track(found: bool) -> Callable[[Kiosk], None]:
    def setup(kiosk: Kiosk) -> None:
        tx = _submit(kiosk)
        kiosk.window.move_to(ScreenId.TRACK)
        screen = kiosk.window.current
        assert isinstance(screen, TrackScreen)
        code = tx.display_code if found else tx.display_code[:-1] + "0"
        if not found and code == tx.display_code:
            code = tx.display_code[:-1] + "1"
        screen.input.setText(localize_digits(code, kiosk.ctx.lang))
        screen.on_find()

    return setup


def _announcements(kiosk: Kiosk) -> None:
    kiosk.window.move_to(ScreenId.ANNOUNCEMENTS)


def _timeout(kiosk: Kiosk) -> None:
    _question("street-lights", "address", "خیابان کارگر")(kiosk)
    kiosk.window.idle.start_warning()


def _attract(kiosk: Kiosk) -> None:
    kiosk.window.move_to(ScreenId.ATTRACT)


def _home(kiosk: Kiosk) -> None:
    kiosk.window.move_to(ScreenId.HOME)


SCREENS: dict[str, Callable[[Kiosk], None]] = {
    "attract": _attract,
    "home": _home,
    "question": _question("street-lights", "address", "خیابان کارگر شمالی"),
    "question-choice": _question("street-lights", "problem_type", "off"),
    "question-district": _question("street-lights", "district"),
    "question-date": _question("residence-certificate", "appointment_date", "1405/09/20"),
    "question-long-text": _question("message-to-municipality", "message"),
    "question-error": _question_error("national_code", "0684159415"),
    "question-error-text": _question_error("address", "کوچه"),
    "check": _check,
    "confirmation": _confirmation,
    "bill-result": _bill,
    "track": _track(True),
    "track-error": _track(False),
    "announcements": _announcements,
    "timeout": _timeout,
}


def add_demo_announcements(kiosk: Kiosk) -> None:
    now = dt.datetime.now(dt.UTC)
    for i, (title, body) in enumerate(DEMO_ANNOUNCEMENTS):
        kiosk.ctx.announcements.upsert(title, body, published_at=now - dt.timedelta(days=i * 3))


def screenshot(
    settings: Settings,
    name: str,
    out: Path,
    *,
    lang: str,
    theme: ThemeName,
    size: tuple[int, int],
    large_text: bool = False,
) -> Path:
    if name not in SCREENS:
        raise KeyError(name)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="kiosk-screenshot-") as tmp:
        demo = dataclasses.replace(
            settings,
            data_dir=Path(tmp),
            config_file=None,
            station=dataclasses.replace(settings.station, number=123, name=settings.station.name),
            # a screen of this resolution, of the configured diagonal: sizes follow the glass
            ui=dataclasses.replace(settings.ui, language=lang, screen_resolution=size),
        )
        kiosk = build(demo)
        try:
            add_demo_announcements(kiosk)
            kiosk.window.resize(*size)
            kiosk.window.show()
            kiosk.ctx.set_theme(theme, large_text)
            SCREENS[name](kiosk)
            _settle(kiosk)
            out.parent.mkdir(parents=True, exist_ok=True)
            if not kiosk.window.grab().save(str(out)):
                raise OSError(f"cannot write {out}")
        finally:
            kiosk.close()
            _settle(kiosk)
    return out


__all__ = ["SCREENS", "screenshot"]
