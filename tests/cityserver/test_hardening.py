"""The server's files, terminals and deployment defaults (issue 9, items 6, 9 and 11)."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from cityserver.app import create_app
from cityserver.cli import main
from cityserver.db import Database
from cityserver.settings import load_settings
from sync import protocol
from tests.cityserver.conftest import SignedKiosk, TestClient

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def cityserver(*args: str, env: dict[str, str] | None = None, umask: int = 0o022) -> Any:
    """The real command in a process that starts with a permissive umask."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("CITYSERVER_")}
    return subprocess.run(
        [sys.executable, "-c", f"import os, sys; os.umask({umask}); "
         "from cityserver.cli import main; sys.exit(main(sys.argv[1:]))", *args],
        capture_output=True, text=True, check=False, cwd=ROOT, env={**base, **(env or {})},
    )  # fmt: skip


def test_the_database_and_data_dir_are_the_servers_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = cityserver("migrate", env={"CITYSERVER_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    assert mode(data) == 0o700
    files = sorted(data.iterdir())
    assert files and all(mode(f) == 0o600 for f in files), [(f.name, oct(mode(f))) for f in files]


def test_what_it_finds_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    db = data / "cityserver.db"
    Database(f"sqlite:///{db}").close()
    for f in data.iterdir():
        f.chmod(0o644)
    data.chmod(0o755)
    result = cityserver("kiosk", "list", env={"CITYSERVER_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    assert mode(data) == 0o700 and mode(db) == 0o600


def test_a_database_opened_as_a_library_is_private_too(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    db = tmp_path / "city.db"
    old = os.umask(0o022)
    try:
        Database(f"sqlite:///{db}").close()
    finally:
        os.umask(old)
    assert mode(db) == 0o600
    assert mode(tmp_path) == 0o755  # a folder the server was only pointed at is not changed


def test_a_password_on_the_command_line_is_warned_about(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("a password needs a PostgreSQL URL")
    with_password = db_url.replace("postgres@", "postgres:secret@", 1)
    main(["--db", with_password, "kiosk", "list"])
    assert "holds a password" in capsys.readouterr().err
    monkeypatch.setenv("CITYSERVER_DB", with_password)
    main(["kiosk", "list"])
    assert "password" not in capsys.readouterr().err


def test_swagger_ui_is_off_unless_asked_for(db_url: str, database: Database) -> None:
    for docs, expected in ((False, 404), (True, 200)):
        settings = load_settings(db=db_url, docs=docs, environ={})
        with TestClient(create_app(settings, db=database)) as http:
            assert http.get("/docs").status_code == expected
            assert http.get("/redoc").status_code == expected
            assert http.get("/openapi.json").status_code == 200


def test_rate_limits_are_on_by_default(db_url: str, database: Database) -> None:
    defaults = load_settings(db=db_url, environ={})
    assert defaults.max_requests_per_minute == 600
    assert defaults.max_public_requests_per_minute == 300
    settings = load_settings(db=db_url, max_public_requests_per_minute=3, environ={})
    with TestClient(create_app(settings, db=database)) as http:
        codes = [http.get("/open311/v2/services.json").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = http.post(
            protocol.PATH_ENROLL, json={"token": "x", "name": "n", "app_version": "1"}
        )
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1


def test_cli_tables_escape_what_kiosks_and_citizens_wrote(
    kiosk: SignedKiosk, database: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    beat = {
        "queue_depth": 0, "oldest_unsent_at": None, "last_sync_at": None,
        "last_error": "\x1b]0;pwned\x07\x1b[2Jerror\u202e", "app_version": "1",
        "free_disk_bytes": 1, "printer_state": "ok", "catalog_version": "1",
    }  # fmt: skip
    assert kiosk.post(protocol.PATH_HEARTBEAT, beat).status_code == 200
    from cityserver.models import Kiosk

    with database.write() as session:  # a name from before names were checked at enrollment
        session.get_one(Kiosk, kiosk.kiosk_id).name = "Hall\x1b[31m\x9b1m"
    assert main(["--db", db_url, "kiosk", "list"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert "Hall\\x1b[31m\\x9b1m" in out and "\\x1b]0;pwned\\x07" in out
    assert main(["--db", db_url, "kiosk", "list", "--json"]) == 0
    raw = capsys.readouterr().out
    assert "\x9b" not in raw and "\u202e" not in raw and "\\u009b" in raw


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate")
def test_cityserver_run_serves_tls(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    bad = cityserver("--db", f"sqlite:///{tmp_path / 'c.db'}", "run", "--ssl-certfile", str(cert))
    assert bad.returncode == 2 and "go together" in bad.stderr
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITYSERVER_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "cityserver", "--db", f"sqlite:///{tmp_path / 'c.db'}", "run",
         "--port", str(port), "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    context = ssl.create_default_context(cafile=str(cert))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                url = f"https://127.0.0.1:{port}{protocol.PATH_TIME}"
                with urllib.request.urlopen(url, context=context, timeout=5) as reply:
                    assert reply.status == 200
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=15)
