"""Nothing personal in logs: exceptions are recorded by type and frames, their messages only
when they cannot carry a citizen's answers; a commit the database refuses leaves no answer in
any file of the data dir, and the command line says so in one line."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from kiosk.cli import main
from kiosk.config import Settings
from kiosk.core import open_core
from kiosk.logs import describe, safe_traceback

# The kiosk these commands run on files requests: it has a number of its own.
pytestmark = pytest.mark.usefixtures("station_number")

MARKS = ("Quokka-Marked-Address-4711", "Zebra-Marked-Note-0815", "09357246813")
ANSWERS = {
    "district": "6",
    "address": f"{MARKS[0]} کوچه‌ی پنهان",
    "problem_type": "off",
    "how_many": "several",
    "anonymous": "yes",
}
# A commit the database refuses, as a full disk would: every insert into the queue fails.
REFUSE_INSERTS = """
    CREATE TRIGGER test_disk_full BEFORE INSERT ON transactions
    BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END
"""


def marks_in(data_dir: Path, marks: tuple[str, ...] = MARKS) -> list[tuple[str, str]]:
    """(file, mark) for every marked answer found in any file under ``data_dir``."""
    found = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for mark in marks:
            if mark.encode() in data or mark.encode("utf-16-le") in data:
                found.append((str(path.relative_to(data_dir)), mark))
    return found


def refuse_inserts(settings: Settings) -> None:
    open_core(settings).close()  # created and migrated
    conn = sqlite3.connect(settings.database_path)
    conn.execute(REFUSE_INSERTS)
    conn.close()


def raise_with(message: str) -> None:
    raise ValueError(message)


def test_describe_keeps_messages_only_where_they_cannot_carry_answers() -> None:
    assert describe(ValueError(f"invalid literal for int(): {MARKS[2]!r}")) == "ValueError"
    assert describe(KeyError(MARKS[0])) == "KeyError"
    disk = OSError(28, "No space left on device", f"/data/receipts/{MARKS[2]}.pdf")
    assert describe(disk) == "OSError: [Errno 28] No space left on device"
    assert describe(sqlite3.OperationalError("database is locked")) == (
        "sqlite3.OperationalError: database is locked"
    )
    wrapped = OperationalError(
        "INSERT INTO t VALUES (?)", (MARKS[0],), sqlite3.OperationalError("disk I/O error")
    )
    assert describe(wrapped) == (
        "sqlalchemy.exc.OperationalError (sqlite3.OperationalError: disk I/O error)"
    )


def test_safe_traceback_has_frames_and_types_but_no_messages() -> None:
    try:
        try:
            raise_with(MARKS[0])
        except ValueError as exc:
            raise RuntimeError(MARKS[1]) from exc
    except RuntimeError as exc:
        text = safe_traceback(exc)
    assert "Traceback (most recent call last):" in text
    assert "in raise_with" in text
    assert "raise ValueError(message)" in text  # the source line, not the value
    assert "ValueError" in text
    assert "RuntimeError" in text
    assert "direct cause" in text
    for mark in MARKS:
        assert mark not in text


def test_the_log_file_records_exceptions_without_their_messages(kiosk_logging: Path) -> None:
    log = logging.getLogger("kiosk.test")
    try:
        raise_with(MARKS[0])
    except ValueError:
        log.exception("submitting failed")
    text = kiosk_logging.read_text(encoding="utf-8")
    assert "submitting failed" in text
    assert "in raise_with" in text
    assert "ValueError" in text
    assert MARKS[0] not in text


def test_a_refused_commit_leaves_no_answer_in_any_file(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    refuse_inserts(settings)
    answers = [f"--answer={k}={v}" for k, v in ANSWERS.items()]
    code = main(
        ["--data-dir", str(settings.data_dir), "submit", "--service", "street-lights", *answers]
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith("kiosk: error: the request could not be saved")
    assert "database or disk is full" in err
    assert "Traceback" not in err
    for mark in MARKS:
        assert mark not in err
    log = (settings.log_dir / "kiosk.log").read_text(encoding="utf-8")
    assert "could not be saved" in log  # recorded, for IT staff
    assert marks_in(settings.data_dir) == []  # logs, queue.db, -wal, -shm, receipts


def test_engines_hide_statement_parameters(settings: Settings) -> None:
    core = open_core(settings)
    try:
        assert core.db.engine.hide_parameters
    finally:
        core.close()
