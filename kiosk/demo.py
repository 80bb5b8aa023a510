"""``kiosk demo``: a reference city server on loopback and a kiosk connected to it.

First it asks whether Qt can open a window here (``ui.window_probe``): if not, it says why in one
sentence and starts nothing. Everything lives in a temporary folder (the server's SQLite
database and the kiosk's data dir, with its ``logs/kiosk.log``) and is gone when the kiosk ends,
however it ends, and the server stops with it (``kiosk.demo_reaper``). The demo publishes the
bundled catalog and a few announcements, enrolls the kiosk with a one-time token, and opens the
kiosk with its sync engine running, so a report filed on screen reaches the server within seconds
and the printed ``cityserver ... requests update`` flows back to the Track screen.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.catalog import LocalText, default_catalog_path
from kiosk.config import Settings, load_settings
from kiosk.demo_reaper import FOLDER_PREFIX, die_with_parent, lifeline, remove_folder, start_reaper

log = logging.getLogger("kiosk.demo")

DEMO_ANNOUNCEMENTS = (
    (LocalText("ساعت کار دفاتر خدمات شهری", "Opening hours of city service offices"),
     LocalText("دفاتر خدمات شهری شنبه تا چهارشنبه از ساعت ۸ تا ۱۴ و پنجشنبه‌ها از ۸ تا ۱۲ باز "
               "هستند.", "City service offices are open Saturday to Wednesday 8:00–14:00 and "
               "Thursday 8:00–12:00.")),
    (LocalText("طرح زمستانه جمع‌آوری برف", "Winter snow clearing plan"),
     LocalText("در روزهای برفی، معابر اصلی از ساعت ۵ صبح برف‌روبی می‌شوند. لطفاً خودرو را در "
               "کنار معابر اصلی پارک نکنید.", "On snowy days main roads are cleared from "
               "5 a.m. Please do not park along main roads.")),
    (LocalText("عوارض نوسازی ۱۴۰۵", "Renewal charges for 1405"),
     LocalText("عوارض نوسازی سال ۱۴۰۵ را تا پایان اسفند بدون جریمه پرداخت کنید.",
               "Pay the 1405 renewal charges without a fine until the end of Esfand.")),
)  # fmt: skip

SERVER_START_TIMEOUT_S = 30.0
SERVER_STOP_TIMEOUT_S = 10.0
REAPER_TIMEOUT_S = 30.0

# The preparation's cityserver commands, run in one child process (one start of the server's
# modules instead of one per command); prints the output of each as a JSON list.
_BATCH = """
import contextlib, io, json, sys
from cityserver.cli import main
outputs = []
for argv in json.loads(sys.stdin.read()):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    if code:
        sys.exit(f"cityserver {' '.join(argv[2:4])} failed with status {code}")
    outputs.append(out.getvalue())
print(json.dumps(outputs))
"""


class DemoError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cityserver_batch(db_url: str, commands: Sequence[Sequence[str]]) -> list[str]:
    """Run ``cityserver`` commands against ``db_url`` in one child process; their outputs."""
    result = subprocess.run(
        [sys.executable, "-c", _BATCH],
        input=json.dumps([["--db", db_url, *command] for command in commands]),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise DemoError(f"preparing the city server failed: {result.stderr.strip()}")
    outputs: list[str] = json.loads(result.stdout)
    return outputs


def cityserver(db_url: str, *args: str) -> str:
    """Run one ``cityserver`` command against ``db_url``; return its output."""
    return cityserver_batch(db_url, [args])[0]


def start_server(
    db_url: str,
    port: int,
    log_path: Path,
    *,
    exit_with: int | None = None,
    keep_open: Sequence[int] = (),
) -> subprocess.Popen[bytes]:
    """Start ``cityserver run`` on loopback and wait until it answers.

    With ``exit_with`` (the read end of a lifeline pipe) the server stops when the pipe's
    writer is gone, and on Linux also gets SIGTERM when this process dies; ``keep_open`` are
    descriptors it inherits (the reaper's pipe). It runs in its own session either way.
    """
    command = [sys.executable, "-m", "cityserver", "--db", db_url, "run"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    if exit_with is not None:
        command += ["--exit-with", str(exit_with)]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            pass_fds=(*([exit_with] if exit_with is not None else []), *keep_open),
            preexec_fn=die_with_parent if exit_with is not None else None,  # noqa: PLW1509
            start_new_session=True,  # Ctrl+C in the terminal is the kiosk's, which stops it
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    from sync.client import SyncClient, SyncError

    client = SyncClient(url)
    try:
        while True:
            if process.poll() is not None:
                raise DemoError(f"the city server exited; see {log_path}")
            try:
                client.server_time()
                return process
            except SyncError:
                if time.monotonic() > deadline:
                    stop_server(process)
                    raise DemoError(f"the city server did not start; see {log_path}") from None
                time.sleep(0.1)
    except BaseException:
        stop_server(process)
        raise
    finally:
        client.close()


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def prepare_server(db_url: str) -> str:
    """Migrate, publish the catalog and the announcements; return a one-time enrollment token."""
    commands: list[list[str]] = [
        ["migrate"],
        ["catalog", "publish", str(default_catalog_path())],
    ]
    for title, body in DEMO_ANNOUNCEMENTS:
        texts = {"title-fa": title.fa, "title-en": title.en, "body-fa": body.fa, "body-en": body.en}
        commands.append(["announce", "add", *(f"--{k}={v}" for k, v in texts.items())])
    commands.append(["token", "create", "--name", "demo kiosk", "--json"])
    outputs = cityserver_batch(db_url, commands)
    token: str = json.loads(outputs[-1])["token"]
    return token


def enroll(data_dir: Path, url: str, token: str) -> None:
    from kiosk.core import open_core
    from kiosk.state import Enrollment
    from kiosk.timeutil import utcnow
    from sync.client import SyncClient

    core = open_core(load_settings(data_dir=data_dir, environ={}))
    client = SyncClient(url)
    try:
        reply = client.enroll(token, "demo kiosk", __version__)
        core.state.save_enrollment(
            Enrollment(
                url, reply["kiosk_id"], int(reply["kiosk_number"]), reply["secret"], utcnow()
            )
        )
    finally:
        client.close()
        core.close()


def cityserver_command() -> list[str]:
    """How to run ``cityserver`` from any shell, venv active or not: the script next to this
    interpreter (``.venv/bin/cityserver``), else this interpreter with ``-m cityserver``;
    absolute paths, since the shell's folder need not be this process's."""
    here = Path(sys.executable).absolute().parent
    for name in ("cityserver", "cityserver.exe"):
        script = here / name
        if script.is_file() and os.access(script, os.X_OK):
            return [str(script)]
    return [str(Path(sys.executable).absolute()), "-m", "cityserver"]


def hints(url: str, db_url: str, settings: Settings) -> list[str]:
    """What the demo prints: where things are, and commands that work as printed."""
    from kiosk.logs import LOG_FILENAME

    server = shlex.join([*cityserver_command(), "--db", db_url])
    return [
        f"city server: {url} (database {db_url})",
        f"kiosk log: {settings.log_dir / LOG_FILENAME}",
        f"try: {server} requests list",
        f"     {server} requests update TRACKING --status in_progress --note 'on its way'",
    ]


def run_demo(*, fullscreen: bool, port: int = 0, quit_after_paint: bool = False) -> int:
    """The demo, until the kiosk ends; its exit status (128 + N after signal N)."""
    from ui.window_probe import probe_window

    probe_window()  # NoDisplay, in one sentence, before anything is started
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
    reaper, reaper_end = start_reaper(folder)
    server_end, server_start = lifeline()  # the server reads, the kiosk holds the write end
    server: subprocess.Popen[bytes] | None = None
    try:
        db_url = f"sqlite:///{folder / 'cityserver.db'}"
        token = prepare_server(db_url)
        url = f"http://127.0.0.1:{port or free_port()}"
        server = start_server(
            db_url,
            int(url.rsplit(":", 1)[1]),
            folder / "cityserver.log",
            exit_with=server_end,
            keep_open=(reaper_end,),
        )
        os.close(server_end)
        server_end = -1
        data_dir = folder / "kiosk"
        enroll(data_dir, url, token)
        # the demo's own settings: nothing from the machine's kiosk configuration
        settings = load_settings(data_dir=data_dir, environ={"KIOSK_SYNC_INTERVAL": "5"})
        for line in hints(url, db_url, settings):
            print(line, flush=True)
        from kiosk.logs import setup_logging
        from ui.run import run

        return run(
            settings,
            windowed=not fullscreen,
            quit_after_paint=quit_after_paint,
            open_log=lambda: log.info("log open: %s", setup_logging(settings.log_dir)),
        )
    finally:
        if server is not None:
            stop_server(server)
        from kiosk.logs import stop_logging

        stop_logging()  # the log file is in the folder
        remove_folder(folder)
        for fd in (server_end, server_start, reaper_end):
            if fd >= 0:
                os.close(fd)
        try:  # it has nothing left to do; waited for so that no process is left behind
            reaper.wait(timeout=REAPER_TIMEOUT_S)
        except subprocess.TimeoutExpired:  # pragma: no cover - it exits at end of file
            reaper.kill()
