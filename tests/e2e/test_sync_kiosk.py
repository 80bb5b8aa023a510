"""The whole loop: a report filed on the kiosk screen while the server is down reaches it exactly
once after it starts, and a status set with ``cityserver requests update`` shows on the Track
screen after the next sync. The kiosk runs its real sync thread; the server is a real process.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import Settings
from kiosk.core import Core
from kiosk.i18n import translate
from kiosk.models import TxState
from tests.sync.conftest import Server, enroll
from tests.ui.conftest import make_kiosk
from tests.ui.driver import Driver
from ui.run import Kiosk
from ui.screens.base import ScreenId

pytestmark = pytest.mark.slow


@pytest.fixture
def synced_kiosk(qtbot: QtBot, settings: Settings, server: Server) -> Iterator[Kiosk]:
    from kiosk.core import open_core

    fast = dataclasses.replace(settings, sync=dataclasses.replace(settings.sync, interval=2))
    core: Core = open_core(fast)
    enroll(core, server.url, server.token())
    yield from make_kiosk(qtbot, fast, core=core)


def file_a_report(driver: Driver) -> str:
    driver.start("street-lights")
    driver.answer_choice("6")
    driver.answer_text("میدان ونک، ضلع شمالی")
    driver.answer_choice("off")
    driver.answer_choice("one")
    driver.cont()  # no description
    driver.answer_choice("yes")  # anonymous
    driver.cont()  # no follow-up
    driver.wait_for(ScreenId.CHECK)
    driver.tap("send")
    driver.wait_for(ScreenId.CONFIRMATION)
    tx = driver.kiosk.ctx.session.submitted
    assert tx is not None
    driver.tap("finish")
    return tx.id


def test_report_filed_offline_arrives_once_and_its_status_comes_back(
    qtbot: QtBot,
    synced_kiosk: Kiosk,
    server: Server,
    tmp_path: Path,
) -> None:
    driver = Driver(qtbot, synced_kiosk)
    server.stop()  # the link is down
    tx_id = file_a_report(driver)
    assert driver.shows(translate("fa", "Offline"), timeout=10_000)  # the badge says offline
    queue = synced_kiosk.core.queue
    # pending: not delivered, and put back after each failed attempt (a cycle that is trying
    # right now holds it in flight for a moment: wait for that attempt to end)
    qtbot.waitUntil(
        lambda: queue.get(tx_id).state is TxState.PENDING,  # type: ignore[union-attr]
        timeout=10_000,
    )

    server.start()  # the link is back
    synced_kiosk.ctx.sync_now()
    qtbot.waitUntil(
        lambda: queue.get(tx_id).state is TxState.ACKED,  # type: ignore[union-attr]
        timeout=60_000,
    )
    assert list(server.ids().elements()) == [tx_id]
    assert driver.shows(translate("fa", "Online"), timeout=10_000)

    tx = queue.get(tx_id)
    assert tx is not None
    server.cli(
        "requests",
        "update",
        tx.tracking_code,
        "--status",
        "in_progress",
        "--note",
        "گروه تعمیر اعزام شد",
    )
    synced_kiosk.ctx.sync_now()
    qtbot.waitUntil(
        lambda: queue.get(tx_id).server_status == "in_progress",  # type: ignore[union-attr]
        timeout=60_000,
    )

    driver.tap("tile-track")
    driver.wait_for(ScreenId.TRACK)
    driver.type_on_screen(tx.tracking_code)
    driver.tap("find")
    assert driver.shows(translate("fa", "In progress"), timeout=10_000)
    assert driver.shows("گروه تعمیر اعزام شد")
    as_of = translate("fa", "Status as of {date}", date="|").split("|")[0].strip()
    assert driver.shows(as_of)
    assert list(server.ids().elements()) == [tx_id]  # still exactly once

    # The case worker closes it while the result is on screen: the next sync shows it there,
    # with no new search.
    server.cli("requests", "update", tx.tracking_code, "--status", "closed", "--note", "تعمیر شد")
    synced_kiosk.ctx.sync_now()
    closed = translate("fa", "Closed: the city has finished with this request")
    assert driver.shows(closed, timeout=60_000)
    assert driver.shows("تعمیر شد")
    assert driver.screen is ScreenId.TRACK
