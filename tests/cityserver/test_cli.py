"""The ``cityserver`` command, run in-process: staff commands on the server's database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cityserver import migrations
from cityserver.cli import main
from cityserver.db import Database
from kiosk.tracking import make_tracking_code
from sync import protocol
from tests.cityserver.conftest import SignedKiosk, TestClient, enroll

pytestmark = pytest.mark.usefixtures("database")  # the schema exists before each command


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    status, out, err = run(capsys, *argv, "--json")
    assert status == 0, err
    return json.loads(out)


def test_db_before_or_after_the_subcommand(
    capsys: pytest.CaptureFixture[str], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_json(capsys, "--db", db_url, "token", "create", "--name", "Hall 1")
    run_json(capsys, "token", "create", "--name", "Hall 2", "--db", db_url)
    monkeypatch.setenv("CITYSERVER_DB", db_url)
    run_json(capsys, "token", "create", "--name", "Hall 3")
    assert run_json(capsys, "kiosk", "list", "--db", db_url) == []


def test_bad_input_is_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    for argv in (
        ["--db", "mysql://x/y", "kiosk", "list"],
        ["--db", "not a url", "kiosk", "list"],
        ["kiosk", "frobnicate"],
        ["token", "create"],
        ["--db", db_url, "token", "create", "--name", "x", "--ttl-hours", "soon"],
        ["--db", db_url, "requests", "update", "12345", "--status", "closed"],
        ["--db", db_url, "requests", "update", "00010000012", "--status", "done"],
    ):
        status, _, err = run(capsys, *argv)
        assert status == 2, argv
        assert len(err.strip().splitlines()) == 1, err
        assert err.startswith("cityserver"), err
    status, _, err = run(capsys, "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "migrate")
    assert status == 2 and "cannot open the database" in err
    assert len(err.strip().splitlines()) == 1


def test_migrate(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    status, out, _ = run(capsys, "--db", db_url, "migrate")
    assert status == 0 and f"schema version {migrations.LATEST}" in out


def test_enroll_list_revoke(
    capsys: pytest.CaptureFixture[str], db_url: str, client: TestClient
) -> None:
    token = run_json(
        capsys, "--db", db_url, "token", "create", "--name", "Hall", "--ttl-hours", "2"
    )
    assert token["expires_at"].endswith("Z") and token["name"] == "Hall"
    answer = client.post(protocol.PATH_ENROLL, json={**token, "name": "Hall", "app_version": "1"})
    assert answer.status_code == 200
    data = answer.json()
    kiosk = SignedKiosk(client, None, data["kiosk_id"], data["kiosk_number"], data["secret"])
    kiosk.offset = float(client.get(protocol.PATH_TIME).json()["server_time"]) - kiosk.timestamp()
    beat = {
        "queue_depth": 4,
        "oldest_unsent_at": "2026-11-27T08:00:00Z",
        "last_sync_at": None,
        "last_error": "timeout",
        "app_version": "0.3.0",
        "free_disk_bytes": 2_000_000_000,
        "printer_state": "ok",
        "catalog_version": "2026.11.1",
    }
    assert kiosk.post(protocol.PATH_HEARTBEAT, beat).status_code == 200
    [row] = run_json(capsys, "--db", db_url, "kiosk", "list")
    assert row["number"] == 1 and row["name"] == "Hall" and row["queue_depth"] == 4
    assert row["last_error"] == "timeout" and row["app_version"] == "0.3.0"
    assert row["last_heartbeat_at"] and row["revoked_at"] is None and "secret" not in row
    status, out, _ = run(capsys, "--db", db_url, "kiosk", "list")
    assert status == 0 and "Hall" in out and "1.9 GB" in out and "timeout" in out
    status, out, _ = run(capsys, "--db", db_url, "kiosk", "revoke", "1")
    assert status == 0 and "revoked" in out
    assert kiosk.post(protocol.PATH_HEARTBEAT, beat).json()["error"]["code"] == "revoked"
    status, _, err = run(capsys, "--db", db_url, "kiosk", "revoke", "77")
    assert status == 1 and "no kiosk" in err


def test_requests_list_show_update_flow_back_to_the_kiosk(
    capsys: pytest.CaptureFixture[str], db_url: str, client: TestClient, database: Database
) -> None:
    kiosk = enroll(client, database, client.app.state.server.clock)  # type: ignore[attr-defined]
    tx = kiosk.transaction()
    kiosk.push([tx])
    [listed] = run_json(capsys, "--db", db_url, "requests", "list")
    assert listed["tracking_code"] == tx["tracking_code"] and listed["status"] == "open"
    dashed = listed["display_code"]
    shown = run_json(capsys, "--db", db_url, "requests", "show", dashed)
    assert shown["answers"]["address"] == "Vali-Asr St, near Tajrish square"
    assert shown["status"] == "open" and shown["history"] == []  # intake is not a change
    status, out, _ = run(
        capsys,
        "--db",
        db_url,
        "requests",
        "update",
        dashed,
        "--status",
        "in_progress",
        "--note",
        "crew sent",
    )
    assert status == 0 and "in_progress" in out
    page = kiosk.get(protocol.PATH_STATUSES, "since=0").json()
    assert [(u["status"], u["note"]) for u in page["updates"]] == [("in_progress", "crew sent")]
    assert run_json(capsys, "--db", db_url, "requests", "list", "--status", "closed") == []
    status, out, _ = run(capsys, "--db", db_url, "requests", "show", tx["id"])
    assert status == 0 and "crew sent" in out
    status, _, err = run(capsys, "--db", db_url, "requests", "show", make_tracking_code(1, 99))
    assert status == 1 and "no request" in err


def test_apikeys(capsys: pytest.CaptureFixture[str], db_url: str, client: TestClient) -> None:
    key = run_json(capsys, "--db", db_url, "apikey", "create", "--name", "311 app")
    assert key["api_key"].startswith("o311_")
    form = {"api_key": key["api_key"], "service_code": "no-such-service"}
    assert client.post("/open311/v2/requests.json", data=form).status_code == 404
    status, out, _ = run(capsys, "--db", db_url, "apikey", "revoke", str(key["id"]))
    assert status == 0 and "revoked" in out
    assert client.post("/open311/v2/requests.json", data=form).status_code == 403
    assert run(capsys, "--db", db_url, "apikey", "revoke", "999")[0] == 1


def test_catalog_publish_and_show(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    shown = run_json(capsys, "--db", db_url, "catalog", "show")
    assert shown["bundled_default"] is True
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": 1, "version": "x", "groups": [], "services": [{"code": 1}]}')
    status, _, err = run(capsys, "--db", db_url, "catalog", "publish", str(broken))
    assert status == 2 and "refused" in err and "services[0]" in err
    good = json.loads(Path("assets/catalog/default.json").read_text(encoding="utf-8"))
    good["version"] = "2027.01"
    path = tmp_path / "new.json"
    path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    status, out, _ = run(capsys, "--db", db_url, "catalog", "publish", str(path))
    assert status == 0 and "2027.01 published" in out
    status, out, _ = run(capsys, "--db", db_url, "catalog", "publish", str(path))
    assert "already current" in out
    good["city"] = {"fa": "تهران", "en": "Tehran (changed)"}
    path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    status, _, err = run(capsys, "--db", db_url, "catalog", "publish", str(path))
    assert status == 2 and "new 'version'" in err
    shown = run_json(capsys, "--db", db_url, "catalog", "show")
    assert shown["version"] == "2027.01" and shown["bundled_default"] is False
    status, out, _ = run(capsys, "--db", db_url, "catalog", "show")
    assert "street-lights" in out


def test_announcements(capsys: pytest.CaptureFixture[str], db_url: str, kiosk: SignedKiosk) -> None:
    added = run_json(
        capsys,
        "--db",
        db_url,
        "announce",
        "add",
        "--title-fa",
        "تعطیلی",
        "--title-en",
        "Closed",
        "--body-fa",
        "جمعه",
        "--body-en",
        "Friday",
        "--expires",
        "2030-01-01T00:00:00+03:30",
    )
    assert added["expires_at"] == "2029-12-31T20:30:00Z"
    page = kiosk.get(protocol.PATH_ANNOUNCEMENTS).json()
    assert [a["title"]["fa"] for a in page["announcements"]] == ["تعطیلی"]
    status, _, err = run(
        capsys,
        "--db",
        db_url,
        "announce",
        "add",
        "--title-fa",
        "x",
        "--title-en",
        "y",
        "--body-fa",
        " ",
        "--body-en",
        "z",
    )
    assert status == 2 and "body" in err
    assert run(capsys, "--db", db_url, "announce", "remove", added["id"])[0] == 0
    later = kiosk.get(protocol.PATH_ANNOUNCEMENTS, f"since={page['cursor']}").json()
    assert later["announcements"][0]["deleted"] is True
    assert run_json(capsys, "--db", db_url, "announce", "list")[0]["deleted"] is True
    assert run(capsys, "--db", db_url, "announce", "remove", "99")[0] == 1
