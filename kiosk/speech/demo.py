"""What each demo screen says (``kiosk say``): the screens' demo states (``kiosk.screen_demos``,
the same as ``kiosk screenshot``), with the real core in a throwaway data dir: the report is
submitted to a real queue, the answer's error comes from the real rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

from kiosk.announcements import AnnouncementStore
from kiosk.config import Settings
from kiosk.core import Core, open_core
from kiosk.demo import DEMO_ANNOUNCEMENTS
from kiosk.forms import FieldError, clean_field
from kiosk.identifiers import bill
from kiosk.screen_demos import BILL, DEMOS, REPORT, Demo, answers_before, track_code
from kiosk.speech import results, screens
from kiosk.speech.utterance import Utterance
from kiosk.tracking import InvalidTrackingCode, parse_tracking_code
from kiosk.wording import Confirmation

__all__ = ["demo_utterances"]


def _question(core: Core, demo: Demo, lang: str) -> list[Utterance]:
    assert demo.service is not None
    assert demo.field is not None
    catalog = core.catalog
    service = catalog.service(demo.service)
    field = service.field(demo.field)
    answers = answers_before(service, demo.field)
    error = None
    if demo.press_continue:
        try:
            clean_field(catalog, service, field, demo.typed, context=answers)
        except FieldError as exc:
            error = exc
    said = screens.question(catalog, service, field, answers, demo.typed, lang, error=error)
    if demo.idle_warning:  # the warning is said over the page
        return screens.idle_warning(core.settings.ui.idle_warning, lang)
    return said


def _say(core: Core, demo: Demo, lang: str) -> list[Utterance]:
    catalog = core.catalog
    if demo.screen == "attract":
        return screens.attract()
    if demo.screen == "home":
        return screens.home(catalog, lang)
    if demo.screen == "question":
        return _question(core, demo, lang)
    if demo.screen == "check":
        service = catalog.service("street-lights")
        return screens.check(catalog, service, REPORT, lang)
    if demo.screen == "bill-result":
        return results.bill_result(bill(BILL["bill_id"], BILL["payment_id"]), lang)
    if demo.screen == "announcements":
        store = AnnouncementStore(core.db)
        now = dt.datetime.now(dt.UTC)
        for i, (title, body) in enumerate(DEMO_ANNOUNCEMENTS):
            store.upsert(title, body, published_at=now - dt.timedelta(days=i * 3))
        return results.announcements(store.current(), lang)
    tx = core.queue.submit("street-lights", dict(REPORT), lang=lang)
    if demo.screen == "confirmation":
        return results.confirmation(tx, catalog, lang, printer=Confirmation.PRINTED)
    if demo.screen == "track":
        typed = track_code(tx.display_code, demo.found)
        try:
            found = core.queue.get(parse_tracking_code(typed).code)
            error = None if found is not None else "not_found"
        except InvalidTrackingCode as exc:
            found, error = None, exc.reason
        return results.track(catalog, lang, typed=typed, found=found, error=error)
    raise KeyError(demo.screen)


def demo_utterances(settings: Settings, name: str, lang: str) -> list[Utterance]:
    """What the screen ``name`` (one of ``kiosk screenshot --list``) says in ``lang``, with its
    demo data. ``KeyError`` for an unknown name."""
    demo = DEMOS[name]
    with tempfile.TemporaryDirectory(prefix="kiosk-say-") as tmp:
        throwaway = dataclasses.replace(
            settings,
            data_dir=Path(tmp),
            config_file=None,
            station=dataclasses.replace(settings.station, number=123),
        )
        core = open_core(throwaway)
        try:
            return _say(core, demo, lang)
        finally:
            core.close()
