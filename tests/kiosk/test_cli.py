"""The ``kiosk`` command line on the bundled catalog: output, JSON, and one-line errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk import __version__
from kiosk.cli import main

# The kiosk these commands run on files requests: it has a number of its own.
pytestmark = pytest.mark.usefixtures("station_number")

ROOT = Path(__file__).resolve().parents[2]
REPORT = [
    "--service",
    "street-lights",
    "--answer",
    "district=6",
    "--answer",
    "address=خیابان کارگر شمالی، روبه‌روی پارک لاله",
    "--answer",
    "problem_type=off",
    "--answer",
    "how_many=several",
    "--answer",
    "anonymous=yes",
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def rows_in(data_dir: Path) -> int:
    path = data_dir / "queue.db"
    if not path.exists():
        return 0
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM transactions").fetchone()[0])
    finally:
        conn.close()


def test_submit_then_list_and_show(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, err = run(capsys, "--data-dir", str(data_dir), "submit", *REPORT)
    assert code == 0, err
    assert out.startswith("tracking code: 0123-000001-")
    display = out.split()[2]
    tx_id = out.splitlines()[1].split()[1]

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "queue", "list")
    assert code == 0
    assert display in out
    assert "street-lights" in out
    assert "pending" in out

    shown = run_json(capsys, "--data-dir", str(data_dir), "queue", "show", display)
    assert shown["id"] == tx_id
    assert shown["answers"]["anonymous"] is True
    assert shown["answers"]["address"] == "خیابان کارگر شمالی، روبه‌روی پارک لاله"

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "queue", "show", tx_id)
    assert code == 0
    assert display in out
    assert "address: خیابان کارگر" in out


def test_submit_json_and_environment_data_dir(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    tx = run_json(capsys, "submit", *REPORT)  # KIOSK_DATA_DIR points at data_dir
    assert tx["state"] == "pending"
    assert tx["seq"] == 1
    assert rows_in(data_dir) == 1
    listed = run_json(capsys, "queue", "list", "--state", "pending")
    assert [t["id"] for t in listed] == [tx["id"]]
    assert run_json(capsys, "queue", "list", "--state", "rejected") == []


def test_status(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    status = run_json(capsys, "status")
    assert status["counts"]["pending"] == 0
    assert status["oldest_unsent_at"] is None
    run_json(capsys, "submit", *REPORT)
    status = run_json(capsys, "status")
    assert status["counts"] == {
        "pending": 1,
        "in_flight": 0,
        "acked": 0,
        "rejected": 0,
        "voided": 0,
    }
    assert status["kiosk_number"] == 123
    assert status["data_dir"] == str(data_dir)
    assert status["version"] == __version__
    assert status["oldest_unsent_age_seconds"] >= 0
    code, out, _ = run(capsys, "status")
    assert code == 0
    assert "pending 1" in out
    assert "oldest unsent:" in out


def test_multi_choice_and_counter_channel(capsys: pytest.CaptureFixture[str]) -> None:
    tx = run_json(
        capsys, "submit", *REPORT, "--channel", "counter", "--staff", "clerk-1", "--lang", "en"
    )
    assert tx["channel"] == "counter"
    assert tx["staff_id"] == "clerk-1"
    assert tx["lang"] == "en"


def test_catalog_commands(capsys: pytest.CaptureFixture[str]) -> None:
    listing = run_json(capsys, "catalog", "list")
    codes = [s["code"] for s in listing["services"]]
    assert "street-lights" in codes
    assert len(codes) >= 10
    shown = run_json(capsys, "catalog", "show", "street-lights")
    keys = {f["key"]: f for f in shown["fields"]}
    assert keys["district"]["required"] is True
    assert {c["value"] for c in keys["problem_type"]["choices"]} >= {"off"}
    code, out, _ = run(capsys, "catalog", "show", "bill-inquiry")
    assert code == 0
    assert "bill_id" in out


def test_catalog_validate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "catalog", "validate", str(ROOT / "assets/catalog/default.json"))
    assert code == 0
    assert "valid catalog" in out
    bad = json.loads((ROOT / "assets/catalog/default.json").read_text(encoding="utf-8"))
    bad["services"][0]["fields"][0]["type"] = "distrct"
    bad["services"][1].pop("title")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    code, _, err = run(capsys, "catalog", "validate", str(path))
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 3
    assert "field 'district': unknown type 'distrct'" in lines[0]
    assert "missing 'title'" in lines[1]


def test_catalog_validate_explains_the_public_flags(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = json.loads((ROOT / "assets/catalog/default.json").read_text(encoding="utf-8"))
    by_code = {s["code"]: s for s in data["services"]}
    address = next(f for f in by_code["street-lights"]["fields"] if f["key"] == "address")
    address["public"] = True  # a citizen's free text
    by_code["residence-certificate"]["public"] = True  # asks for a national code
    path = tmp_path / "public.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(capsys, "catalog", "validate", str(path))
    assert code == 1
    assert "field 'address': 'public': a personal field's answers are never published" in err
    assert "service 'residence-certificate': 'public': a service that asks for a national" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["submit", "--service", "no-such"], "no service with code 'no-such'"),
        (["submit", *REPORT[:2], "--answer", "district"], "--answer expects KEY=VALUE"),
        (["submit", *REPORT[2:], "--service", "traffic"], "invalid answers: "),
        (
            ["submit", *REPORT[:2], *REPORT[4:], "--answer", "district=99"],
            "district: Select one of the options",
        ),
        (["submit", "--service", "street-lights"], "invalid answers: district: Select your"),
        (["submit", *REPORT, "--answer", "colour=red"], "colour: This question is not part"),
        (
            ["submit", "--service", "bill-inquiry", "--answer", "bill_id=7748317800142"],
            "nothing is queued",
        ),
        (["submit", *REPORT, "--channel", "counter"], "--channel counter needs --staff"),
        (["queue", "show", "0000-000001-0"], "not a valid tracking code"),
        (["queue", "show", "0000-000099-9"], "no transaction with id or tracking code"),
        (["queue", "list", "--state", "lost"], "argument --state: invalid choice: 'lost'"),
        (["queue", "list", "--limit", "0"], "expected a positive whole number"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["catalog", "show", "nope"], "no service with code 'nope'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], data_dir: Path, args: list[str], message: str
) -> None:
    run_json(capsys, "submit", *REPORT)
    code, _out, err = run(capsys, *args)
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("kiosk: error: ")
    assert message in err
    assert rows_in(data_dir) == 1


def python_m_kiosk(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_process_exit_codes_and_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(
        "KIOSK_STATION_NUMBER", raising=False
    )  # the file's bad number is the one read
    result = python_m_kiosk("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"kiosk {__version__}"
    result = python_m_kiosk("--data-dir", str(tmp_path), "queue", "list", "--state", "lost")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "invalid choice: 'lost'" in result.stderr
    result = python_m_kiosk(
        "status", env={"KIOSK_UI_IDLE_TIMEOUT": "never", "KIOSK_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 2
    assert result.stderr == (
        "kiosk: error: KIOSK_UI_IDLE_TIMEOUT: expected a whole number "
        "from 30 to 3600, got 'never'\n"
    )
    (tmp_path / "kiosk.toml").write_text("[station]\nnumber = -1\n", encoding="utf-8")
    result = python_m_kiosk("--data-dir", str(tmp_path), "status")
    assert result.returncode == 2
    assert "kiosk.toml: [station] number: expected a whole number from 0 to 9998" in result.stderr


def test_configured_kiosk_number_goes_into_tracking_codes(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_STATION_NUMBER", raising=False)
    data_dir.mkdir(parents=True)
    (data_dir / "kiosk.toml").write_text("[station]\nnumber = 45\n", encoding="utf-8")
    tx = run_json(capsys, "submit", *REPORT)
    assert tx["display_code"].startswith("0045-000001-")


def test_a_kiosk_without_a_number_files_nothing(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codes 0000-... are never issued: two unnumbered kiosks would issue the same ones."""
    monkeypatch.delenv("KIOSK_STATION_NUMBER", raising=False)
    code, out, err = run(capsys, "submit", *REPORT)
    assert code == 2 and out == ""
    assert err.startswith("kiosk: error: this kiosk has no kiosk number yet")
    assert "kiosk enroll" in err and "[station] number" in err
    assert rows_in(data_dir) == 0


def test_log_has_no_personal_data(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    run_json(capsys, "submit", *REPORT)
    log = (data_dir / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "queued" in log
    assert "کارگر" not in log
