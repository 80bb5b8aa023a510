"""``scripts/system-deps run|test`` and how ``scripts/run`` uses it.

The machine's package manager cannot be made to lack a library for a test, so ``dpkg-query``,
``apt-get`` and ``id`` are stand-ins on the ``PATH`` (the one thing faked): ``dpkg-query`` says
the packages in ``$FAKE_MISSING`` are not installed, ``apt-get`` writes its arguments to
``$FAKE_APT_LOG``, ``id -u`` prints ``$FAKE_UID``. The scripts themselves run as they are.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import ROOT

SYSTEM_DEPS = ROOT / "scripts" / "system-deps"
RUN = ROOT / "scripts" / "run"

STUBS = {
    "dpkg-query": """#!/bin/sh
pkg=$(for a in "$@"; do last=$a; done; echo "$last")
case " $FAKE_MISSING " in
*" all "* | *" $pkg "*) exit 1 ;;
esac
printf 'install ok installed'
""",
    "apt-get": """#!/bin/sh
echo "$*" >>"$FAKE_APT_LOG"
""",
    "id": """#!/bin/sh
echo "$FAKE_UID"
""",
}


@pytest.fixture
def fake_system(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in STUBS.items():
        path = bin_dir / name
        path.write_text(text)
        path.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    env["FAKE_APT_LOG"] = str(tmp_path / "apt.log")
    env["FAKE_MISSING"] = ""
    env["FAKE_UID"] = "1000"
    return env


def sh(command: list[str | Path], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def apt_calls(env: dict[str, str]) -> list[str]:
    log = Path(env["FAKE_APT_LOG"])
    return log.read_text().splitlines() if log.exists() else []


def test_nothing_to_do_when_everything_is_installed(fake_system: dict[str, str]) -> None:
    for which in ("run", "test"):
        result = sh([SYSTEM_DEPS, which], fake_system)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
    assert apt_calls(fake_system) == []


def test_as_root_it_installs_what_is_missing(fake_system: dict[str, str]) -> None:
    fake_system |= {"FAKE_UID": "0", "FAKE_MISSING": "libxcb-cursor0 libxcb-icccm4"}
    result = sh([SYSTEM_DEPS, "run"], fake_system)
    assert result.returncode == 0, result.stderr
    calls = apt_calls(fake_system)
    assert calls[0] == "update -qq"
    assert calls[1].split()[-2:] == ["libxcb-cursor0", "libxcb-icccm4"]


def test_run_installs_the_window_libraries_and_test_those_and_more(
    fake_system: dict[str, str],
) -> None:
    fake_system |= {"FAKE_UID": "0", "FAKE_MISSING": "all"}
    sh([SYSTEM_DEPS, "run"], fake_system)
    run_set = set(apt_calls(fake_system)[1].split()) - {"install", "-y", "-qq"}
    Path(fake_system["FAKE_APT_LOG"]).unlink()
    sh([SYSTEM_DEPS, "test"], fake_system)
    test_set = set(apt_calls(fake_system)[1].split()) - {"install", "-y", "-qq"}
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libegl1"} <= run_set
    assert run_set < test_set
    assert {"xvfb", "shellcheck", "gcc", "binutils"} <= test_set - run_set
    assert "xvfb" not in run_set


def test_not_root_it_names_the_packages_and_fails(fake_system: dict[str, str]) -> None:
    fake_system["FAKE_MISSING"] = "libxcb-cursor0"
    result = sh([SYSTEM_DEPS, "run"], fake_system)
    assert result.returncode == 1
    assert "libxcb-cursor0" in result.stderr
    assert "apt-get install libxcb-cursor0" in result.stderr
    assert apt_calls(fake_system) == []


def test_not_debian_it_cannot_tell_and_lets_the_kiosk_check(
    fake_system: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "bin" / "dpkg-query").unlink()
    fake_system["PATH"] = f"{tmp_path / 'bin'}:/nonexistent"  # no dpkg-query anywhere
    result = sh(["/bin/sh", SYSTEM_DEPS, "run"], fake_system)
    assert result.returncode == 0
    assert "cannot check" in result.stderr


def test_scripts_run_stops_before_starting_a_window_without_the_libraries(
    fake_system: dict[str, str],
) -> None:
    fake_system["FAKE_MISSING"] = "libxcb-cursor0"
    for args in (["demo"], [], ["run", "--windowed"], ["--data-dir", "/nonexistent", "run"]):
        result = sh([RUN, *args], fake_system)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "libxcb-cursor0" in result.stderr
        assert result.stdout == ""  # nothing started: no server, no kiosk


def test_scripts_run_goes_on_for_commands_without_a_window(fake_system: dict[str, str]) -> None:
    fake_system["FAKE_MISSING"] = "libxcb-cursor0"
    result = sh([RUN, "--version"], fake_system)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("kiosk ")
    assert "libxcb-cursor0" in result.stderr  # said, all the same
