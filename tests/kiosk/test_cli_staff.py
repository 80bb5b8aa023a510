"""``kiosk staff``, ``kiosk audit`` and ``kiosk privacy`` on the command line."""

from __future__ import annotations

import getpass
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.db import Database
from kiosk.outbox import ItemOutcome, Outbox
from tests.kiosk.fakes import tamper
from tests.kiosk.test_cli import REPORT

# The kiosk these commands run on files requests: it has a number of its own.
pytestmark = pytest.mark.usefixtures("station_number")


def run(
    capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str, stdin: str | None = None
) -> tuple[int, str, str]:
    if stdin is not None:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("sys.stdin", io.StringIO(stdin))
            code = main(["--data-dir", str(data_dir), *args])
    else:
        code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def count(data_dir: Path, table: str) -> int:
    path = data_dir / "queue.db"
    if not path.exists():
        return 0
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


class Terminal:
    """A terminal for getpass: answers the prompts in order and remembers them."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def getpass(self, prompt: str = "Password: ", stream: Any = None) -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    term = Terminal()
    monkeypatch.setattr(getpass, "getpass", term.getpass)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    return term


def test_staff_add_list_disable_set_pin(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, err = run(
        capsys, data_dir, "staff", "add", "علي", "--role", "admin", "--pin-stdin", stdin="۲۵۸۰\n"
    )
    assert (code, out, err) == (0, "added admin علی\n", "")
    code, _, err = run(
        capsys, data_dir, "staff", "add", "Reza", "--role", "clerk", "--pin-stdin", stdin="7391"
    )
    assert code == 0, err

    code, out, _ = run(capsys, data_dir, "staff", "list")
    assert code == 0
    assert out.splitlines()[0].split() == [
        "NAME", "ROLE", "STATE", "LAST", "SIGN-IN", "FAILURES", "LOCKED", "UNTIL"
    ]  # fmt: skip
    assert "Reza" in out
    assert "علی" in out

    code, out, _ = run(capsys, data_dir, "staff", "disable", "reza")
    assert (code, out) == (0, "disabled Reza\n")
    code, out, _ = run(capsys, data_dir, "staff", "set-pin", "علی", "--pin-stdin", stdin="4826\n")
    assert (code, out) == (0, "PIN changed for علی\n")

    code, out, _ = run(capsys, data_dir, "staff", "list", "--json")
    listed = json.loads(out)
    assert [(m["name"], m["role"], m["active"]) for m in listed] == [
        ("Reza", "clerk", False),
        ("علی", "admin", True),
    ]
    code, out, _ = run(capsys, data_dir, "audit", "list", "--json")
    entries = json.loads(out)
    assert [e["action"] for e in entries] == [
        "staff_added",
        "staff_added",
        "staff_disabled",
        "pin_changed",
    ]
    assert all(e["actor"].startswith("cli:") for e in entries)


def test_the_pin_is_asked_twice_without_echo(
    capsys: pytest.CaptureFixture[str], data_dir: Path, terminal: Terminal
) -> None:
    terminal.answers = ["5937", "5937"]
    code, _, err = run(capsys, data_dir, "staff", "add", "Sara", "--role", "clerk")
    assert code == 0, err
    assert terminal.prompts == ["PIN (4-8 digits): ", "PIN again: "]
    terminal.answers = ["5937", "5938"]
    code, _, err = run(capsys, data_dir, "staff", "set-pin", "Sara")
    assert code == 2
    assert err == "kiosk: error: the two PINs do not match; nothing was changed\n"
    assert count(data_dir, "audit_log") == 1


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["staff", "add", "x:y", "--role", "clerk", "--pin-stdin"], "5937\n", "not ':'"),
        (["staff", "add", "Sara", "--role", "clerk", "--pin-stdin"], "59\n", "4 to 8 digits"),
        (["staff", "add", "Sara", "--role", "clerk", "--pin-stdin"], "1234\n", "a run such as"),
        (["staff", "add", "Sara", "--role", "clerk", "--pin-stdin"], "", "no PIN on standard"),
        (["staff", "add", "Sara", "--role", "boss", "--pin-stdin"], "5937\n", "invalid choice"),
        (["staff", "add", "Sara", "--role", "clerk", "5937"], "", "unrecognized arguments"),
        (["staff", "add", "Sara", "--role", "clerk"], "5937\n", "use --pin-stdin"),
        (["staff", "disable", "Nobody"], None, "no staff account named 'Nobody'"),
        (["staff", "set-pin", "Nobody", "--pin-stdin"], "5937\n", "no staff account"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
    args: list[str],
    stdin: str | None,
    message: str,
) -> None:
    code, out, err = run(capsys, data_dir, *args, stdin=stdin)
    assert code == 2
    assert out == ""
    assert err.startswith("kiosk: error: ")
    assert err.count("\n") == 1
    assert message in err
    assert count(data_dir, "staff") == 0
    assert count(data_dir, "audit_log") == 0


def test_a_duplicate_is_refused_before_the_pin_is_asked(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    run(capsys, data_dir, "staff", "add", "Sara", "--role", "clerk", "--pin-stdin", stdin="5937")
    code, _, err = run(capsys, data_dir, "staff", "add", "SARA", "--role", "admin")
    assert code == 2
    assert "already exists" in err
    assert count(data_dir, "staff") == 1


# -- audit verify ----------------------------------------------------------------------------


@pytest.fixture
def audited(capsys: pytest.CaptureFixture[str], data_dir: Path) -> Path:
    """A data dir whose audit log has six entries."""
    for name in ("Sara", "Reza", "Nima"):
        run(capsys, data_dir, "staff", "add", name, "--role", "clerk", "--pin-stdin", stdin="5937")
        run(capsys, data_dir, "staff", "set-pin", name, "--pin-stdin", stdin="6048")
    assert count(data_dir, "audit_log") == 6
    return data_dir / "queue.db"


def test_audit_verify_ok(capsys: pytest.CaptureFixture[str], data_dir: Path, audited: Path) -> None:
    code, out, _ = run(capsys, data_dir, "audit", "verify")
    assert (code, out) == (0, "OK: 6 entries, the chain is intact\n")
    code, out, _ = run(capsys, data_dir, "audit", "verify", "--json")
    assert (code, json.loads(out)) == (0, {"ok": True, "entries": 6, "problems": []})
    code, out, _ = run(capsys, data_dir, "audit", "list", "--limit", "2")
    assert code == 0
    assert len(out.splitlines()) == 3
    assert "pin_changed" in out


@pytest.mark.parametrize(
    ("statements", "problems"),
    [
        (
            ["UPDATE audit_log SET details = json_set(details, '$.name', 'Eve') WHERE seq = 2"],
            [
                "entry 2 (pin_changed by cli:{user}) was changed after it was written: "
                "its contents do not match its hash"
            ],
        ),
        (["DELETE FROM audit_log WHERE seq = 3"], ["entry 3 is missing: removed"]),
        (
            [
                "UPDATE audit_log SET seq = -1 WHERE seq = 4",
                "UPDATE audit_log SET seq = 4 WHERE seq = 5",
                "UPDATE audit_log SET seq = 5 WHERE seq = -1",
            ],
            ["entries 4 and 5 were swapped: the log was reordered"],
        ),
        (
            ["DELETE FROM audit_log WHERE seq = 6"],
            [
                "the last entry (6) is missing: the log was truncated "
                "(the head record says it ends at entry 6)"
            ],
        ),
    ],
    ids=["edited", "deleted", "reordered", "truncated"],
)
def test_audit_verify_catches_tampering_with_the_file(
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
    audited: Path,
    statements: list[str],
    problems: list[str],
) -> None:
    user = getpass.getuser()
    tamper(audited, *statements)
    code, out, _ = run(capsys, data_dir, "audit", "verify")
    assert code == 1
    assert out.splitlines() == [p.format(user=user) for p in problems]


def test_audit_verify_reports_a_dropped_trigger(
    capsys: pytest.CaptureFixture[str], data_dir: Path, audited: Path
) -> None:
    tamper(
        audited, "UPDATE audit_log SET actor = 'cli:nobody' WHERE seq = 1", restore_triggers=False
    )
    code, out, _ = run(capsys, data_dir, "audit", "verify", "--json")
    result = json.loads(out)
    assert code == 1
    assert result["ok"] is False
    assert result["entries"] == 6
    assert (
        "the protective trigger audit_log_no_update is missing: it was dropped"
        in (result["problems"])
    )
    assert any(p.startswith("entry 1 (staff_added by cli:nobody)") for p in result["problems"])


# -- privacy purge ---------------------------------------------------------------------------


def test_privacy_purge(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, data_dir, "submit", *REPORT)
    assert code == 0, err
    code, out, _ = run(capsys, data_dir, "privacy", "purge")
    assert (code, out) == (0, "purged the personal answers of 0 transactions (retention: 7 days)\n")

    db = Database(data_dir / "queue.db")
    outbox = Outbox(db)
    outbox.record(ItemOutcome(tx.id, "accepted", "srv-1") for tx in outbox.claim(10))
    db.close()
    monkeypatch.setenv("KIOSK_PRIVACY_RETENTION_DAYS", "0")
    code, out, _ = run(capsys, data_dir, "privacy", "purge", "--json")
    assert (code, json.loads(out)) == (0, {"purged": 1, "retention_days": 0, "complete": True})
    code, out, _ = run(capsys, data_dir, "queue", "list", "--json")
    (tx,) = json.loads(out)
    assert tx["purged_at"] is not None
    assert "address" not in tx["answers"]
    code, out, _ = run(capsys, data_dir, "audit", "list", "--json")
    assert [e["action"] for e in json.loads(out)] == ["purge"]
