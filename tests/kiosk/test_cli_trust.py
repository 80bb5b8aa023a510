"""The ``kiosk`` command line at the trust boundary: what reaches an operator's terminal, what a
failed commit prints, who may read the files it writes, and awkward enrollment tokens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.audit import AuditAction, AuditLog
from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.core import open_core
from kiosk.outbox import Outbox, StatusChange
from kiosk.state import Enrollment, SyncRecord
from tests.kiosk.test_cli import REPORT, run

HOSTILE = "\x1b[2J\x1b]0;owned\x07\u202eevil\x9b1m\nFAKE ROW"


def _hostile_rows(data_dir: Path) -> list[str]:
    """A request whose server status note, status and last error carry terminal controls (as a
    hostile or broken city server can send them), and a clerk id with them."""
    assert main(["--data-dir", str(data_dir), "submit", *REPORT]) == 0
    assert (
        main(
            [
                "--data-dir",
                str(data_dir),
                "submit",
                *REPORT,
                "--channel",
                "counter",
                "--staff",
                "clerk" + HOSTILE,
            ]
        )
        == 0
    )
    core = open_core(load_settings(data_dir=data_dir, environ={}))
    try:
        outbox = Outbox(core.db)
        claimed = outbox.claim(10)
        outbox.release([t.id for t in claimed], "refused: " + HOSTILE, None)
        outbox.apply_statuses(
            [
                StatusChange(t.id, "closed" + HOSTILE, HOSTILE, dt.datetime.now(dt.UTC), None)
                for t in claimed
            ]
        )
        core.state.save_enrollment(
            Enrollment("http://city.example" + HOSTILE, "k-1", 0, "secret", dt.datetime.now(dt.UTC))
        )
        core.state.save_sync_record(SyncRecord(last_error=HOSTILE, online=True))
        AuditLog(core.db).append("cli:it", AuditAction.VOID, {"reason": HOSTILE})
        return [t.tracking_code for t in claimed]
    finally:
        core.close()


@pytest.mark.parametrize(
    "command",
    [
        ["queue", "list"],
        ["queue", "show", "FIRST"],
        ["queue", "show", "SECOND"],
        ["status"],
        ["audit", "list"],
    ],
)
def test_tables_escape_control_characters(
    capsys: pytest.CaptureFixture[str], data_dir: Path, command: list[str]
) -> None:
    first, second = _hostile_rows(data_dir)
    capsys.readouterr()
    args = [{"FIRST": first, "SECOND": second}.get(a, a) for a in command]
    code, out, err = run(capsys, "--data-dir", str(data_dir), *args)
    assert code == 0, err
    for raw in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert raw not in out, (command, out)
    assert "FAKE ROW" not in out or "\\nFAKE ROW" in out  # no line of its own
    assert "\\x1b" in out or "\\u001b" in out  # shown, as a visible escape
