"""``kiosk demo``: a city server on loopback, the kiosk enrolled with it, the window painted; and
nothing of it left behind however the kiosk ends (its window closed, Ctrl+C, SIGTERM, a crash,
SIGKILL): no server process, no temporary folder, no listening port.

The demo runs as a real process in its own session, as from a terminal (Ctrl+C is SIGINT to
that whole process group), with ``TMPDIR`` in the test's folder so that its temporary folder is
known. "Started" is the kiosk's log line of its first paint, which also shows that the GUI kiosk
writes ``logs/kiosk.log``.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.xclose import close_windows_of

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 90.0
END_TIMEOUT_S = 60.0

pytestmark = pytest.mark.slow


def demo_env(tmp_path: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env = {k: v for k, v in env.items() if not k.startswith(("KIOSK_", "CITYSERVER_"))}
    env["TMPDIR"] = str(tmp_path)  # the demo's temporary folder, to check it is cleaned up
    if base is None:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def processes_mentioning(text: str) -> list[str]:
    """Command lines of the running processes that mention ``text`` (the demo's folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            status = (entry / "status").read_text().splitlines()
            state = next((line for line in status if line.startswith("State:")), "")
        except OSError:
            continue
        if text in cmdline and "zombie" not in state:
            found.append(f"{entry.name}: {cmdline}")
    return found


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Demo:
    proc: subprocess.Popen[str]
    hints: list[str]
    tmp: Path

    @property
    def log(self) -> Path:
        line = next(h for h in self.hints if h.startswith("kiosk log: "))
        return Path(line.removeprefix("kiosk log: "))

    @property
    def port(self) -> int:
        line = next(h for h in self.hints if h.startswith("city server: "))
        return int(line.split()[2].rsplit(":", 1)[1])

    def painted(self) -> bool:
        return self.log.is_file() and "kiosk window open" in self.log.read_text()

    def stderr(self) -> str:
        return (self.tmp / "demo.stderr").read_text(errors="replace")


def start_demo(tmp_path: Path, env: dict[str, str], command: list[str] | None = None) -> Demo:
    stderr = (tmp_path / "demo.stderr").open("w")
    proc = subprocess.Popen(
        command or [sys.executable, "-m", "kiosk", "demo"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal's foreground job
    )
    stderr.close()
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    hints: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT_S
    while len(hints) < 4:  # four lines of hints, then the window
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        hints.append(line)
    demo = Demo(proc, hints, tmp_path)
    assert len(hints) == 4, f"{hints}\n{demo.stderr()}"
    return demo


@pytest.fixture
def demos() -> Iterator[list[Demo]]:
    """The demos a test started; any still running at the end is killed (with its group)."""
    started: list[Demo] = []
    yield started
    for demo in started:
        if demo.proc.poll() is None:
            os.killpg(demo.proc.pid, signal.SIGKILL)
            demo.proc.wait()
        if demo.proc.stdout is not None:
            demo.proc.stdout.close()


def ended(demo: Demo) -> int:
    """The demo's exit status, once it has ended (an assertion error with its stderr if not)."""
    try:
        return demo.proc.wait(timeout=END_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the demo did not end:\n{demo.stderr()}") from None


def assert_nothing_left(demo: Demo) -> None:
    folders = lambda: list(demo.tmp.glob("kiosk-demo-*"))  # noqa: E731
    wait_until(
        lambda: not folders() and not processes_mentioning(str(demo.tmp)),
        END_TIMEOUT_S,
        "the demo's server, reaper and folder to go",
    )
    assert not listening(demo.port)


def test_demo_starts_a_server_enrolls_and_opens_the_kiosk(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "demo", "--quit-after-first-paint"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=ROOT,
        env=demo_env(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "city server: http://127.0.0.1:" in result.stdout
    assert "first paint after" in result.stdout
    assert list(tmp_path.glob("kiosk-demo-*")) == []  # the server and its data are gone
    assert processes_mentioning(str(tmp_path)) == []


def ctrl_c(demo: Demo) -> None:
    os.killpg(demo.proc.pid, signal.SIGINT)  # what the terminal does on Ctrl+C


@pytest.mark.parametrize(
    ("end", "status"),
    [
        (ctrl_c, 128 + signal.SIGINT),
        (lambda d: d.proc.send_signal(signal.SIGTERM), 128 + signal.SIGTERM),
        (lambda d: d.proc.send_signal(signal.SIGABRT), -signal.SIGABRT),  # a crash (Qt aborts)
        (lambda d: d.proc.kill(), -signal.SIGKILL),
    ],
    ids=["ctrl-c", "sigterm", "crash", "sigkill"],
)
def test_nothing_is_left_however_the_kiosk_ends(
    tmp_path: Path, demos: list[Demo], end: Callable[[Demo], None], status: int
) -> None:
    demo = start_demo(tmp_path, demo_env(tmp_path))
    demos.append(demo)
    wait_until(demo.painted, START_TIMEOUT_S, "the kiosk's first paint in logs/kiosk.log")
    assert listening(demo.port)

    end(demo)

    assert ended(demo) == status, demo.stderr()
    assert_nothing_left(demo)


def test_the_printed_commands_work_in_a_shell_without_the_venv(
    tmp_path: Path, demos: list[Demo]
) -> None:
    demo = start_demo(tmp_path, demo_env(tmp_path))
    demos.append(demo)
    wait_until(demo.painted, START_TIMEOUT_S, "the kiosk's first paint")
    listing = next(h for h in demo.hints if h.startswith("try: ")).removeprefix("try: ")
    update = next(h for h in demo.hints if "requests update TRACKING" in h).strip()
    shell_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # no venv, anywhere

    def shell(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["sh", "-c", command],
            env=shell_env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    # a request filed at the demo's kiosk reaches the city server with its next sync
    data_dir = demo.log.parent.parent
    filed = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--data-dir",
            str(data_dir),
            "submit",
            "--service=street-lights",
            "--answer=district=6",
            "--answer=address=Azadi",
            "--answer=problem_type=off",
            "--answer=how_many=one",
            "--answer=anonymous=yes",
        ],
        env=demo_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    code = filed.stdout.split()[2]  # tracking code: 0001-000001-7
    wait_until(lambda: code in shell(listing).stdout, START_TIMEOUT_S, "the request at the city")

    updated = shell(update.replace("TRACKING", code))
    assert updated.returncode == 0, updated.stderr
    assert "in_progress" in shell(listing).stdout

    ctrl_c(demo)
    assert ended(demo) == 128 + signal.SIGINT
    assert_nothing_left(demo)


def test_closing_the_window_ends_the_demo(
    x_env: dict[str, str], tmp_path: Path, demos: list[Demo]
) -> None:
    demo = start_demo(tmp_path, demo_env(tmp_path, x_env))
    demos.append(demo)
    wait_until(demo.painted, START_TIMEOUT_S, "the kiosk's first paint")
    wait_until(
        lambda: close_windows_of(x_env["DISPLAY"], demo.proc.pid) > 0,
        START_TIMEOUT_S,
        "the kiosk's window on the X display",
    )

    assert ended(demo) == 0, demo.stderr()
    assert_nothing_left(demo)


def test_the_readme_first_command_opens_the_demo_window(
    x_env: dict[str, str], tmp_path: Path
) -> None:
    """``./scripts/run demo`` as in the README (system packages, venv, demo) on a real X
    display, through Qt's xcb plugin."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "run"), "demo", "--quit-after-first-paint"],
        env=demo_env(tmp_path, x_env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "first paint after" in result.stdout
    assert result.stderr.strip() == ""  # not a word from Qt: the xcb plugin loads
    assert list(tmp_path.glob("kiosk-demo-*")) == []


def test_without_a_window_the_demo_says_why_and_starts_nothing(
    x_env: dict[str, str], tmp_path: Path
) -> None:
    env = demo_env(tmp_path, x_env)
    env["DISPLAY"] = ":1999"  # no X server there
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "demo"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""  # no server was started, no hints printed
    assert result.stderr.startswith("kiosk: error: Qt cannot open a window: the display :1999")
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert list(tmp_path.glob("kiosk-demo-*")) == []


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"]
)
def test_kiosk_run_ends_cleanly_on_ctrl_c_and_sigterm(
    tmp_path: Path, signum: int, status: int
) -> None:
    data_dir = tmp_path / "data"
    log = data_dir / "logs" / "kiosk.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "run", "--windowed"],
        cwd=ROOT,
        env=demo_env(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until(
            lambda: log.is_file() and "core open" in log.read_text(), START_TIMEOUT_S, "the core"
        )
        os.killpg(proc.pid, signum)
        assert proc.wait(timeout=END_TIMEOUT_S) == status
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert f"kiosk stopped by signal {int(signum)}" in log.read_text()
