"""The systemd unit: systemd's own check, and the settings the kiosk depends on."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import UNIT

# Keys that systemd before 254 does not know and ignores (the back-off of Restart=).
NEWER_KEYS = ("RestartSteps", "RestartMaxDelaySec")


def entries(text: str) -> list[tuple[str, str, str]]:
    """(section, key, value) for every setting of a unit file, in order (keys may repeat)."""
    section, result = "", []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        result.append((section, key.strip(), value.strip()))
    return result


def values(section: str, key: str) -> list[str]:
    return [v for s, k, v in entries(UNIT.read_text()) if (s, k) == (section, key)]


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    text = UNIT.read_text()
    if shutil.which("cage") is None:
        # verify checks that ExecStart's program exists; without cage here, check the rest.
        text = text.replace("ExecStart=/usr/bin/cage ", f"ExecStart={shutil.which('true')} ")
    unit = tmp_path / UNIT.name
    unit.write_text(text)
    result = subprocess.run(
        [tool, "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = (result.stdout + result.stderr).splitlines()
    problems = [
        line
        for line in output
        if line.strip() and not any(f"Unknown key '{key}'" in line for key in NEWER_KEYS)
        # systemd 254+ knows the keys; older ones name them: anything else is a finding.
    ]
    assert result.returncode == 0, output
    assert problems == []


def test_runs_the_kiosk_in_cage_on_tty1_as_the_kiosk_user() -> None:
    assert values("Service", "ExecStart") == ["/usr/bin/cage -s -- /opt/municipal-kiosk/kiosk run"]
    assert values("Service", "User") == ["kiosk"]
    assert values("Service", "PAMName") == ["login"]
    assert values("Service", "TTYPath") == ["/dev/tty1"]
    assert values("Unit", "Conflicts") == ["getty@tty1.service"]
    assert values("Install", "WantedBy") == ["graphical.target"]


def test_environment() -> None:
    env = dict(v.strip('"').split("=", 1) for v in values("Service", "Environment"))
    assert env["KIOSK_CONFIG"] == "/etc/municipal-kiosk/kiosk.toml"
    assert env["KIOSK_DATA_DIR"] == "/var/lib/municipal-kiosk"
    assert env["LANG"].endswith("UTF-8")  # else Qt warns on stderr and switches by itself
    assert env["QT_QPA_PLATFORM"].startswith("wayland")


def test_restarts_forever_with_a_delay() -> None:
    assert values("Service", "Restart") == ["always"]
    assert int(values("Service", "RestartSec")[0]) >= 1
    assert values("Unit", "StartLimitIntervalSec") == ["0"]


def test_hardening_keeps_the_data_dir_writable_and_devices_reachable() -> None:
    assert values("Service", "ProtectSystem") == ["strict"]
    assert values("Service", "NoNewPrivileges") == ["yes"]
    assert values("Service", "PrivateTmp") == ["yes"]
    assert values("Service", "ReadWritePaths") == ["/var/lib/municipal-kiosk"]
    assert values("Service", "StateDirectory") == ["municipal-kiosk"]
    assert values("Service", "StateDirectoryMode") == ["0700"]
    # cage needs /dev/dri and /dev/input (these restrict /dev), and the Wayland socket lives in
    # /run/user (ProtectHome hides it).
    for key in ("PrivateDevices", "ProtectClock", "ProtectHome", "DevicePolicy", "DeviceAllow"):
        assert values("Service", key) == [], key
    families = values("Service", "RestrictAddressFamilies")[0].split()
    assert {"AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"} <= set(families)


def test_no_setting_is_misspelled() -> None:
    # The keys systemd would ignore with a warning at every boot, caught here as well.
    for section, key, _ in entries(UNIT.read_text()):
        assert re.fullmatch(r"[A-Z][A-Za-z]+", key), (section, key)
        assert section in ("Unit", "Service", "Install")
