"""The ``kiosk`` command line at the trust boundary: what reaches an operator's terminal, what a
failed commit prints, who may read the files it writes, and awkward enrollment tokens."""

from __future__ import annotations

import datetime as dt
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.audit import AuditAction, AuditLog
from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.core import open_core
from kiosk.outbox import Outbox, StatusChange
from kiosk.state import Enrollment, SyncRecord
from tests.conftest import STATION_NUMBER
from tests.kiosk.test_cli import REPORT, run

# The kiosk these commands run on files requests: it has a number of its own.
pytestmark = pytest.mark.usefixtures("station_number")

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
            Enrollment(
                "http://city.example" + HOSTILE, "k-1", STATION_NUMBER, "s", dt.datetime.now(dt.UTC)
            )
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


# -- files only the kiosk user can read ---------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def kiosk_process(*args: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    """``kiosk ARGS`` in its own process, started with a permissive umask (as a shell has)."""
    return subprocess.run(
        [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "QT_QPA_PLATFORM": "offscreen",
            "KIOSK_STATION_NUMBER": str(STATION_NUMBER),
        },
        umask=umask,
        timeout=120,
    )


def readable_by_others(data_dir: Path) -> list[str]:
    paths = [data_dir, *data_dir.rglob("*")]
    return [
        f"{p.relative_to(data_dir.parent)} {stat.S_IMODE(p.stat().st_mode):o}"
        for p in paths
        if p.stat().st_mode & 0o077
    ]


def test_files_the_kiosk_makes_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    done = kiosk_process("--data-dir", str(data_dir), "submit", *REPORT)
    assert done.returncode == 0, done.stderr
    assert (data_dir / "queue.db-wal").exists() or (data_dir / "queue.db").exists()
    assert (data_dir / "logs" / "kiosk.log").exists()
    assert readable_by_others(data_dir) == []


def test_files_found_readable_are_tightened(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert kiosk_process("--data-dir", str(data_dir), "submit", *REPORT).returncode == 0
    extra = {
        "settings.toml": b"[ui]\nlanguage = 'fa'\n",
        "kiosk.toml": b"[station]\nnumber = 0\n",
        "receipts/00000000013-20261127-101500.pdf": b"%PDF",
        "diagnostics/diagnostics-20261127-101500.zip": b"PK",
        "reports/day-2026-11-27.csv": b"a,b\n",
        "catalog/current.json": b"{}",
        "queue.db.before-v4": b"a copy",
        "logs/kiosk.log.1": b"old log\n",
    }
    for name, data in extra.items():
        path = data_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for path in [data_dir, *data_dir.rglob("*")]:  # as an older kiosk or a copy left them
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert readable_by_others(data_dir)
    done = kiosk_process("--data-dir", str(data_dir), "status")
    assert done.returncode == 0, done.stderr
    assert readable_by_others(data_dir) == []
    assert stat.S_IMODE((data_dir / "settings.toml").stat().st_mode) == 0o600  # no bit added
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


def test_only_the_kiosks_own_files_are_touched(tmp_path: Path) -> None:
    """A data dir pointed at a folder with other things in it: those keep their modes."""
    data_dir = tmp_path / "shared"
    data_dir.mkdir()
    other = data_dir / "somebody-elses.txt"
    other.write_text("not the kiosk's")
    other.chmod(0o644)
    done = kiosk_process("--data-dir", str(data_dir), "status")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(other.stat().st_mode) == 0o644
    assert stat.S_IMODE((data_dir / "queue.db").stat().st_mode) == 0o600
