"""``kiosk demo``: a reference city server on loopback and a kiosk connected to it.

Everything lives in a temporary folder (the server's SQLite database and the kiosk's data dir)
and is gone when the kiosk closes; the server stops with it. The demo publishes the bundled
catalog and a few announcements, enrolls the kiosk with a one-time token, and opens the kiosk
with its sync engine running, so a report filed on screen reaches the server within seconds and
``cityserver requests update`` on the printed database URL flows back to the Track screen.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kiosk import __version__
from kiosk.catalog import LocalText, default_catalog_path
from kiosk.config import load_settings

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


class DemoError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cityserver(db_url: str, *args: str) -> str:
    """Run one ``cityserver`` command against the demo database; return its output."""
    result = subprocess.run(
        [sys.executable, "-m", "cityserver", "--db", db_url, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise DemoError(f"cityserver {' '.join(args[:2])} failed: {result.stderr.strip()}")
    return result.stdout


def start_server(db_url: str, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cityserver",
            "--db",
            db_url,
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    log_file.close()
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
                    process.terminate()
                    raise DemoError(f"the city server did not start; see {log_path}") from None
                time.sleep(0.1)
    finally:
        client.close()


def prepare(folder: Path, port: int) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Start the server, publish, enroll; return (server process, its URL, kiosk data dir)."""
    db_url = f"sqlite:///{folder / 'cityserver.db'}"
    cityserver(db_url, "migrate")
    cityserver(db_url, "catalog", "publish", str(default_catalog_path()))
    for title, body in DEMO_ANNOUNCEMENTS:
        cityserver(
            db_url,
            "announce",
            "add",
            "--title-fa",
            title.fa,
            "--title-en",
            title.en,
            "--body-fa",
            body.fa,
            "--body-en",
            body.en,
        )
    token = json.loads(cityserver(db_url, "token", "create", "--name", "demo kiosk", "--json"))[
        "token"
    ]
    server = start_server(db_url, port, folder / "cityserver.log")
    url = f"http://127.0.0.1:{port}"
    data_dir = folder / "kiosk"
    from kiosk.core import open_core
    from kiosk.state import Enrollment
    from kiosk.timeutil import utcnow
    from sync.client import SyncClient

    settings = load_settings(data_dir=data_dir, environ={})
    core = open_core(settings)
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
    print(f"city server: {url} (database {db_url})", flush=True)
    print(f"try: cityserver --db {db_url} requests list", flush=True)
    return server, url, data_dir


def run_demo(*, fullscreen: bool, port: int = 0, quit_after_paint: bool = False) -> int:
    with tempfile.TemporaryDirectory(prefix="kiosk-demo-") as tmp:
        folder = Path(tmp)
        server, _url, data_dir = prepare(folder, port or free_port())
        try:
            from ui.run import run

            # the demo's own settings: nothing from the machine's kiosk configuration
            settings = load_settings(data_dir=data_dir, environ={"KIOSK_SYNC_INTERVAL": "5"})
            return run(settings, windowed=not fullscreen, quit_after_paint=quit_after_paint)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
