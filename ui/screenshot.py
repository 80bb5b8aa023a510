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
from kiosk.screen_demos import BILL, DEMOS, REPORT, Demo, answers_before, page_of, track_code
from kiosk.text import localize_digits
from ui.run import Kiosk, build
from ui.screens.base import ScreenId
from ui.screens.confirmation import ConfirmationScreen
from ui.screens.question import QuestionScreen
from ui.screens.track import TrackScreen
from ui.theme import ThemeName


def _settle(kiosk: Kiosk) -> None:
    for _ in range(5):
        kiosk.ctx.runner.wait_for_done()
        kiosk.app.processEvents()


def _question(demo: Demo) -> Callable[[Kiosk], None]:
    def setup(kiosk: Kiosk) -> None:
        assert demo.service is not None
        assert demo.field is not None
        session = kiosk.ctx.session
        session.start(demo.service)
        service = kiosk.core.catalog.service(demo.service)
        for k, value in answers_before(service, demo.field).items():
            session.cleaned[k] = value  # type: ignore[assignment]
            session.raw[k] = value
        session.page = page_of(service, demo.field, session.cleaned)
        if demo.typed is not None:
            session.raw[demo.field] = demo.typed
        kiosk.window.move_to(ScreenId.QUESTION)
        if demo.press_continue:
            screen = kiosk.window.current
            assert isinstance(screen, QuestionScreen)
            screen.on_continue()
        if demo.idle_warning:
            kiosk.window.idle.start_warning()

    return setup


def _submit(kiosk: Kiosk) -> QueuedTransaction:
    return kiosk.core.queue.submit("street-lights", dict(REPORT), lang=kiosk.ctx.lang)


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
    session.cleaned.update(BILL)
    kiosk.window.move_to(ScreenId.BILL_RESULT)


def _track(found: bool) -> Callable[[Kiosk], None]:
    def setup(kiosk: Kiosk) -> None:
        tx = _submit(kiosk)
        kiosk.window.move_to(ScreenId.TRACK)
        screen = kiosk.window.current
        assert isinstance(screen, TrackScreen)
        code = track_code(tx.display_code, found)
        screen.input.setText(localize_digits(code, kiosk.ctx.lang))
        screen.on_find()

    return setup


def _move(target: ScreenId) -> Callable[[Kiosk], None]:
    return lambda kiosk: kiosk.window.move_to(target)


def _setup(demo: Demo) -> Callable[[Kiosk], None]:
    if demo.screen == "question":
        return _question(demo)
    if demo.screen == "track":
        return _track(demo.found)
    special = {"check": _check, "confirmation": _confirmation, "bill-result": _bill}
    return special.get(demo.screen) or _move(ScreenId(demo.screen))


SCREENS: dict[str, Callable[[Kiosk], None]] = {name: _setup(d) for name, d in DEMOS.items()}


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
