"""How the command line refuses: one line (one JSON object with ``--json``) on standard error,
in the command's language, exit status 2, and nothing made: no data dir, no ``queue.db``, no
``logs/``, no ``receipts/``. And a settings file with any bytes in it is one such refusal."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli import main
from tests.kiosk.test_cli import REPORT, ROOT, run

BAD_COMMANDS: list[tuple[list[str], str]] = [
    (["submit", "--service", "no-such"], "unknown_service"),
    (["submit", *REPORT[:2], "--answer", "district"], "usage"),
    (["submit", *REPORT[2:], "--service", "traffic"], "invalid_answers"),
    (["submit", *REPORT[:2], *REPORT[4:], "--answer", "district=99"], "invalid_answers"),
    (["submit", "--service", "street-lights"], "invalid_answers"),
    (["submit", *REPORT, "--answer", "colour=red"], "invalid_answers"),
    (["submit", "--service", "bill-inquiry", "--answer", "bill_id=7748317800142"], "not_queued"),
    (["submit", *REPORT, "--channel", "counter"], "usage"),
    (["queue", "show", "0000-000001-0"], "invalid_tracking_code"),
    (["queue", "list", "--state", "lost"], "usage"),
    (["frobnicate"], "usage"),
    (["catalog", "show", "nope"], "unknown_service"),
    (["screenshot", "--screen", "home"], "usage"),
    (["enroll", "--server", "ftp://city", "--token", "t"], "usage"),
]


@pytest.mark.parametrize(("args", "reason"), BAD_COMMANDS, ids=lambda v: str(v)[:40])
def test_a_refused_command_makes_no_data_dir(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], reason: str
) -> None:
    data_dir = tmp_path / "new"
    code, _out, err = run(capsys, "--data-dir", str(data_dir), *args)
    assert code == 2
    assert err.startswith("kiosk: error: ")
    assert err.count("\n") == 1
    assert not data_dir.exists()


@pytest.mark.parametrize(("args", "reason"), BAD_COMMANDS, ids=lambda v: str(v)[:40])
def test_json_errors_are_one_object_with_a_message_and_a_reason(
    capsys: pytest.CaptureFixture[str], data_dir: Path, args: list[str], reason: str
) -> None:
    code, out, err = run(capsys, *args, "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    error = json.loads(err)
    assert error["reason"] == reason
    assert isinstance(error["message"], str)
    assert error["message"]
    assert "\n" not in error["message"]


def test_json_errors_name_each_invalid_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "submit", "--service", "street-lights", "--json")
    assert code == 2
    error = json.loads(err)
    assert error["reason"] == "invalid_answers"
    fields = {e["field"]: e for e in error["errors"]}
    assert fields["district"]["code"] == "required"
    assert fields["district"]["message"] == "Select your district"


def test_a_staff_account_with_a_refused_pin_makes_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "new"
    for pin in ("1234", "0000", "12"):
        result = python_m_kiosk(
            "--data-dir", str(data_dir), "staff", "add", "sara", "--role", "clerk", "--pin-stdin",
            stdin=pin + "\n",
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("kiosk: error: ")
        assert not data_dir.exists()


# -- the language of the messages ------------------------------------------------------------


def test_submit_lang_fa_gives_persian_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "submit", "--service", "street-lights", "--lang", "fa")
    assert code == 2
    assert err.startswith("kiosk: خطا: ")
    assert "پاسخ‌های نادرست" in err
    assert "منطقه" in err  # the field's own message, in Persian
    assert "Select your district" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["--lang", "fa", "frobnicate"],
        ["--lang=fa", "catalog", "show", "nope"],
        ["--lang", "fa", "queue", "show", "0000-000099-9"],
        ["--lang", "fa", "submit", *REPORT[:2], "--answer", "district"],
    ],
)
def test_global_lang_fa_gives_persian_errors(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, _out, err = run(capsys, *args)
    assert code == 2
    assert err.startswith("kiosk: خطا: ")


def test_the_configured_language_is_the_default(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    data_dir.mkdir()
    (data_dir / "kiosk.toml").write_text('[ui]\nlanguage = "fa"\n', encoding="utf-8")
    code, _out, err = run(capsys, "catalog", "show", "nope")
    assert code == 2
    assert err.startswith("kiosk: خطا: ")
    assert "nope" in err
    # an explicit --lang wins over it
    code, _out, err = run(capsys, "--lang", "en", "catalog", "show", "nope")
    assert err.startswith("kiosk: error: there is no service with code 'nope'")


def test_english_when_no_language_is_configured(capsys: pytest.CaptureFixture[str]) -> None:
    _code, _out, err = run(capsys, "catalog", "show", "nope")
    assert err.startswith("kiosk: error: ")


def test_json_errors_speak_the_language_too(capsys: pytest.CaptureFixture[str]) -> None:
    _code, _out, err = run(capsys, "--lang", "fa", "catalog", "show", "nope", "--json")
    error = json.loads(err)
    assert error["reason"] == "unknown_service"  # the reason is for machines: never translated
    assert "nope" in error["message"]
    assert "no service" not in error["message"]


# -- settings files with any bytes in them -----------------------------------------------------


def python_m_kiosk(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        cwd=ROOT,
        env=env,
        check=False,
    )


def refused_in_one_line(code: int, err: str) -> bool:
    return code == 2 and err.count("\n") == 1 and err.startswith("kiosk: error: ")


SETTINGS_BYTES: dict[str, bytes] = {
    "latin-1": '[station]\nname = "Caf\xe9"\n'.encode("latin-1"),
    "utf-16": '[station]\nname = "کیوسک"\n'.encode("utf-16"),
    "cp1256": '[station]\nname = "\u0643\u064a\u0648\u0633\u0643"\n'.encode("cp1256"),
    "nul bytes": b'[ui]\nlanguage = "fa"\x00\x00\n',
    "binary garbage": bytes(range(256)) * 4,
    "an elf header": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56,
}


@pytest.mark.parametrize("name", ["kiosk.toml", "settings.toml"])
@pytest.mark.parametrize("content", list(SETTINGS_BYTES), ids=str)
def test_a_settings_file_with_any_bytes_is_one_line_and_exit_2(
    tmp_path: Path, name: str, content: str
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / name).write_bytes(SETTINGS_BYTES[content])
    result = python_m_kiosk("--data-dir", str(data_dir), "status")
    assert refused_in_one_line(result.returncode, result.stderr), result.stderr
    assert name in result.stderr
    assert "Traceback" not in result.stderr


def test_a_config_file_that_is_a_folder_or_not_utf8_from_the_option(tmp_path: Path) -> None:
    folder = tmp_path / "kiosk.toml"
    folder.mkdir()
    result = python_m_kiosk("--config", str(folder), "status")
    assert refused_in_one_line(result.returncode, result.stderr), result.stderr
    not_utf8 = tmp_path / "other.toml"
    not_utf8.write_bytes(b'[station]\nname = "\xff\xfe"\n')
    result = python_m_kiosk("--config", str(not_utf8), "status")
    assert refused_in_one_line(result.returncode, result.stderr), result.stderr
    assert "not UTF-8" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_an_unreadable_config_file(tmp_path: Path) -> None:  # pragma: no cover - not as root
    path = tmp_path / "kiosk.toml"
    path.write_text("[ui]\n", encoding="utf-8")
    path.chmod(0)
    result = python_m_kiosk("--config", str(path), "status")
    assert refused_in_one_line(result.returncode, result.stderr), result.stderr


def test_a_byte_order_mark_is_read_as_utf8(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    data_dir.mkdir()
    (data_dir / "kiosk.toml").write_bytes("\ufeff[station]\nnumber = 42\n".encode())
    code, out, err = run(capsys, "status", "--json")
    assert code == 0, err
    assert json.loads(out)["kiosk_number"] == 42


def _main_quietly(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    return code, err.getvalue()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(
            st.sampled_from(
                [b"[ui]\n", b"[station]\n", b"language = ", b'"fa"', b"number = ", b"42",
                 b"\n", b"\x00", b"\xff", b"\xef\xbb\xbf", b"=", b"[", b"]", b'"', b"'''"]
            ),
            max_size=20,
        ).map(b"".join),
    )
)  # fmt: skip
def test_any_bytes_in_kiosk_toml_give_a_setting_or_one_line(tmp_path: Path, content: bytes) -> None:
    data_dir = tmp_path / "hyp"
    data_dir.mkdir(exist_ok=True)
    (data_dir / "kiosk.toml").write_bytes(content)
    code, err = _main_quietly(["--data-dir", str(data_dir), "catalog", "list"])
    assert code == 0 or refused_in_one_line(code, err), err


def test_any_bytes_refusal_from_the_packaged_entry_point(tmp_path: Path) -> None:
    """``packaging/entry.py`` (what the frozen build runs) gives the same one line."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "kiosk.toml").write_bytes(SETTINGS_BYTES["latin-1"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "entry.py"),
            "--data-dir",
            str(data_dir),
            "status",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert refused_in_one_line(result.returncode, result.stderr), result.stderr
