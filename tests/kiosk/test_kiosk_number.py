"""Which number a kiosk issues codes with: enrolled, configured, or none (issue 9, item 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.catalog import Catalog
from kiosk.config import ConfigError, load_settings
from kiosk.core import open_core
from kiosk.db import Database
from kiosk.queue import NoKioskNumber, Queue
from kiosk.state import Enrollment

ANSWERS = {"district": "1", "problem": "off", "address": "Vali-Asr St", "follow_up": "no"}


def test_no_code_is_issued_without_a_number(db: Database, mini_catalog: Catalog) -> None:
    queue = Queue(db, mini_catalog, kiosk_number=0)
    with pytest.raises(NoKioskNumber, match="kiosk enroll"):
        queue.submit("street-lights", ANSWERS)
    assert queue.list() == []
    queue.kiosk_number = 5  # enrolled meanwhile: the next submission has its number
    assert queue.submit("street-lights", ANSWERS).tracking_code.startswith("0005000001")


def _enroll(data_dir: Path, number: int) -> None:
    core = open_core(load_settings(data_dir=data_dir, environ={}))
    try:
        when = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
        core.state.save_enrollment(Enrollment("http://city", "kiosk-id", number, "s", when))
    finally:
        core.close()


def test_the_enrolled_number_wins_and_a_disagreeing_setting_stops_the_kiosk(
    data_dir: Path,
) -> None:
    assert open_core(load_settings(data_dir=data_dir, environ={})).kiosk_number == 0
    _enroll(data_dir, 7)
    core = open_core(load_settings(data_dir=data_dir, environ={}))
    assert core.kiosk_number == 7
    core.close()
    agreeing = load_settings(data_dir=data_dir, environ={"KIOSK_STATION_NUMBER": "7"})
    core = open_core(agreeing)
    assert core.kiosk_number == 7
    core.close()
    other = load_settings(data_dir=data_dir, environ={"KIOSK_STATION_NUMBER": "12"})
    with pytest.raises(ConfigError, match="enrolled with the city server as kiosk number 7"):
        open_core(other)


def test_9999_is_not_a_kiosk_number(data_dir: Path) -> None:
    with pytest.raises(ConfigError, match="0 to 9998"):
        load_settings(data_dir=data_dir, environ={"KIOSK_STATION_NUMBER": "9999"})
