"""deploy/install.sh: into a fake root (``--root DIR``), and for real in a private namespace.

The ``--root`` tests need no privileges: the script installs every file under the folder and
skips what only a real machine has (the user, ownership, systemctl). The last test runs the
script as root on this machine's real paths, inside a private mount namespace over copies and
empty folders, so that the user it creates and the files it writes never reach the machine.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.deploy.conftest import INSTALL, TEMPLATE, UNIT

APP = "municipal-kiosk"


def install(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(INSTALL), *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every path under ``root`` with its mode and (for files) a hash of its content."""
    tree = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        tree[str(path.relative_to(root))] = (info.st_mode, digest)
    return tree


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "root"
    folder.mkdir()
    return folder


def test_installs_a_kiosk_into_a_fake_root(fake_build: Path, root: Path) -> None:
    out = ok(install("--root", str(root), "--from", str(fake_build)))

    program = root / "opt" / APP
    assert os.access(program / "kiosk", os.X_OK)
    assert (program / "_internal" / "assets" / "marker.txt").read_text() == "bundled\n"
    assert mode(root / "usr/local/bin/kiosk") == 0o755
    assert (root / f"etc/systemd/system/{APP}.service").read_text() == UNIT.read_text()
    config = root / f"etc/{APP}/kiosk.toml"
    assert config.read_text() == TEMPLATE.read_text()
    assert mode(config) == 0o640
    assert mode(root / f"var/lib/{APP}") == 0o700
    assert not (root / "usr/share").exists()  # no launcher, no X11 session
    assert "skipped (--root): the system user kiosk" in out
    assert "skipped (--root): chown -R kiosk:kiosk" in out


def test_running_it_again_updates_the_build_and_keeps_the_configuration(
    fake_build: Path, root: Path
) -> None:
    ok(install("--root", str(root), "--from", str(fake_build)))
    config = root / f"etc/{APP}/kiosk.toml"
    config.write_text('[station]\nname = "کیوسک میدان تجریش"\n')
    data = root / f"var/lib/{APP}/queue.db"
    data.write_bytes(b"the queue")
    (fake_build / "_internal" / "assets" / "marker.txt").unlink()
    (fake_build / "_internal" / "new.txt").write_text("new build\n")

    out = ok(install("--root", str(root), "--from", str(fake_build)))

    assert "keeping" in out
    assert config.read_text() == '[station]\nname = "کیوسک میدان تجریش"\n'
    assert data.read_bytes() == b"the queue"
    program = root / "opt" / APP / "_internal"
    assert not (program / "assets" / "marker.txt").exists()  # replaced, not merged
    assert (program / "new.txt").read_text() == "new build\n"
    assert sorted(p.name for p in (root / "opt").iterdir()) == [APP]  # no .new or .old left


def test_dry_run_changes_nothing(fake_build: Path, root: Path) -> None:
    before = snapshot(root)
    out = ok(install("--root", str(root), "--from", str(fake_build), "--dry-run"))
    assert snapshot(root) == before
    assert "would run: cp -R" in out

    ok(install("--root", str(root), "--from", str(fake_build)))
    installed = snapshot(root)
    ok(install("--root", str(root), "--uninstall", "--dry-run"))
    assert snapshot(root) == installed


def test_uninstall_keeps_the_data_dir_and_the_configuration(fake_build: Path, root: Path) -> None:
    ok(install("--root", str(root), "--from", str(fake_build)))
    (root / f"var/lib/{APP}/queue.db").write_bytes(b"unsent requests")

    out = ok(install("--root", str(root), "--uninstall"))

    assert not (root / "opt" / APP).exists()
    assert not (root / f"etc/systemd/system/{APP}.service").exists()
    assert not (root / "usr/local/bin/kiosk").exists()
    assert (root / f"var/lib/{APP}/queue.db").read_bytes() == b"unsent requests"
    assert (root / f"etc/{APP}/kiosk.toml").exists()
    assert "kept" in out


def test_x11_session_instead_of_the_service(fake_build: Path, root: Path) -> None:
    ok(install("--root", str(root), "--from", str(fake_build), "--x11"))

    session = root / f"usr/local/libexec/{APP}-session"
    assert os.access(session, os.X_OK)
    assert (root / f"usr/share/xsessions/{APP}.desktop").is_file()
    assert (
        "autologin-user=kiosk" in (root / f"etc/lightdm/lightdm.conf.d/50-{APP}.conf").read_text()
    )
    assert mode(root / f"var/lib/{APP}") == 0o700
    assert not (root / f"etc/systemd/system/{APP}.service").exists()

    ok(install("--root", str(root), "--uninstall"))
    assert not session.exists()


def test_counter_machine(fake_build: Path, root: Path) -> None:
    out = ok(install("--root", str(root), "--from", str(fake_build), "--counter"))

    launcher = root / f"usr/share/applications/{APP}-counter.desktop"
    assert "kiosk run --counter" in launcher.read_text()
    assert mode(root / f"etc/{APP}/kiosk.toml") == 0o644  # every clerk's account reads it
    assert os.access(root / "usr/local/bin/kiosk", os.X_OK)
    assert not (root / "var/lib").exists()  # each clerk's account has its own data dir
    assert not (root / "etc/systemd").exists()
    assert "the system user" not in out


def test_refuses_a_folder_that_is_not_a_build(tmp_path: Path, root: Path) -> None:
    result = install("--root", str(root), "--from", str(tmp_path))
    assert result.returncode == 1
    assert "is not a kiosk build" in result.stderr
    assert list(root.iterdir()) == []


def test_unknown_option() -> None:
    result = install("--frobnicate")
    assert result.returncode == 2
    assert "unknown option --frobnicate" in result.stderr


def _can_unshare() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("useradd") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True, check=False)
    return probe.returncode == 0


SANDBOX = textwrap.dedent(
    """\
    set -eu
    work=$1; build=$2; install=$3
    # This namespace only: a copy of /etc (users, PAM), empty /opt, /var/lib and /usr/local,
    # and no systemd to talk to.
    cp -a /etc "$work/etc"
    mount --bind "$work/etc" /etc
    for dir in /opt /var/lib /usr/local; do mount -t tmpfs tmpfs "$dir"; done
    if [ -d /run/systemd ]; then mount -t tmpfs tmpfs /run/systemd; fi
    # A data dir a root command once made: the install must hand all of it to the kiosk user.
    mkdir -p /var/lib/municipal-kiosk/logs && : >/var/lib/municipal-kiosk/logs/kiosk.log

    "$install" --from "$build"
    "$install" --from "$build" >/dev/null  # again: nothing breaks, nothing changes owner
    kiosk status >/dev/null  # as root, through the wrapper: runs as the kiosk user
    echo "groups: $(id -nG kiosk)"
    echo "data: $(stat -c '%U:%G %a' /var/lib/municipal-kiosk)"
    echo "config: $(stat -c '%U:%G %a' /etc/municipal-kiosk/kiosk.toml)"
    echo "program: $(stat -c '%U:%G' /opt/municipal-kiosk/kiosk)"
    echo "not-kiosk-owned: $(find /var/lib/municipal-kiosk ! -user kiosk | wc -l)"
    "$install" --uninstall >/dev/null
    echo "after-uninstall-program: $(ls -A /opt | wc -l)"
    echo "after-uninstall-data: $(ls /var/lib/municipal-kiosk | tr '\\n' ' ')"
    echo "after-uninstall-user: $(id -un kiosk)"
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not _can_unshare(), reason="needs root and a private mount namespace")
def test_real_install_in_a_private_namespace(build: Path, tmp_path: Path) -> None:
    user_existed = _user_exists("kiosk")
    script = tmp_path / "sandbox.sh"
    script.write_text(SANDBOX)
    result = subprocess.run(
        ["unshare", "--mount", "sh", str(script), str(tmp_path), str(build), str(INSTALL)],
        env={
            "PATH": "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG": "C.UTF-8",
        },  # no KIOSK_* of tests
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = ok(result)
    facts = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    groups = facts["groups"].split()
    assert groups[0] == "kiosk"
    for group in ("lp", "dialout"):
        if _group_exists(group):
            assert group in groups  # USB and serial receipt printers
    assert facts["data"] == "kiosk:kiosk 700"
    assert facts["config"] == "root:kiosk 640"
    assert facts["program"] == "root:root"
    assert facts["not-kiosk-owned"] == "0"
    assert "self-test passed" in out
    assert facts["after-uninstall-program"] == "0"
    assert {"queue.db", "logs"} <= set(facts["after-uninstall-data"].split())
    assert facts["after-uninstall-user"] == "kiosk"
    assert user_existed or not _user_exists("kiosk"), "the kiosk user leaked out of the namespace"


def _group_exists(name: str) -> bool:
    return (
        subprocess.run(["getent", "group", name], capture_output=True, check=False).returncode == 0
    )


def _user_exists(name: str) -> bool:
    return (
        subprocess.run(["getent", "passwd", name], capture_output=True, check=False).returncode == 0
    )
