"""The shell scripts of the build and the deployment: POSIX syntax, and shellcheck when present."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import DEPLOY, ROOT

SCRIPTS = (
    DEPLOY / "install.sh",
    DEPLOY / "kiosk-cli.sh",
    DEPLOY / "x11" / "municipal-kiosk-session",
    ROOT / "scripts" / "build",
    ROOT / "scripts" / "run",
    ROOT / "scripts" / "test",
    ROOT / "scripts" / "system-deps",
)
DESKTOP_FILES = (
    DEPLOY / "municipal-kiosk-counter.desktop",
    DEPLOY / "x11" / "municipal-kiosk.desktop",
)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_posix_sh_syntax(script: Path) -> None:
    assert script.read_text().startswith("#!/bin/sh\n")
    assert script.stat().st_mode & 0o111, f"{script} is not executable"
    result = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shellcheck(script: Path) -> None:
    tool = shutil.which("shellcheck")
    if tool is None:
        pytest.skip("shellcheck is not installed (Debian/Ubuntu: apt-get install shellcheck)")
    result = subprocess.run(
        [tool, "--shell=sh", "--external-sources", str(script.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("desktop", DESKTOP_FILES, ids=lambda p: p.name)
def test_desktop_entries(desktop: Path) -> None:
    lines = desktop.read_text().splitlines()
    assert lines[0] == "[Desktop Entry]"
    keys = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    assert keys["Type"] == "Application"
    assert keys["Name"]
    program = keys["Exec"].split()[0]
    assert program.startswith("/usr/local/"), program  # what install.sh puts there
    tool = shutil.which("desktop-file-validate")
    if tool is not None:
        result = subprocess.run([tool, str(desktop)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
