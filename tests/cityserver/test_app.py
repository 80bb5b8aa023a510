"""The application as a whole: OpenAPI, X-Server-Time everywhere, error shapes, import rules."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from cityserver import casework, schemas
from cityserver.app import create_app
from cityserver.db import Database
from cityserver.settings import Settings
from sync import protocol
from tests.cityserver.conftest import FakeClock, SignedKiosk, TestClient


@pytest.mark.parametrize("name", sorted(schemas.MIRRORS))
def test_openapi_models_mirror_the_protocol(name: str) -> None:
    typed_dict = getattr(protocol, name)
    assert set(schemas.MIRRORS[name].model_fields) == set(typing.get_type_hints(typed_dict))


def test_openapi_document(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for path in (
        protocol.PATH_TIME,
        protocol.PATH_ENROLL,
        protocol.PATH_TRANSACTIONS,
        protocol.PATH_STATUSES,
        protocol.PATH_CATALOG,
        protocol.PATH_ANNOUNCEMENTS,
        protocol.PATH_HEARTBEAT,
        "/open311/v2/services.{fmt}",
        "/open311/v2/requests.{fmt}",
    ):
        assert path in paths, path
    push = paths[protocol.PATH_TRANSACTIONS]["post"]
    ref = push["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/PushRequest"
    components = doc["components"]["schemas"]
    assert {"PushRequest", "WireTransaction", "Heartbeat", "StatusPage"} <= set(components)
    assert "409" in push["responses"] and "413" in push["responses"]


@pytest.mark.parametrize(
    "path", [protocol.PATH_TIME, "/nowhere", protocol.PATH_STATUSES, "/open311/v2/services.json"]
)
def test_every_response_has_the_server_time(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert float(answer.headers[protocol.H_SERVER_TIME]) > 1.7e9


def test_unknown_paths_answer_in_their_api_format(client: TestClient) -> None:
    assert client.get("/api/v1/nowhere").json()["error"]["code"] == "not_found"
    assert client.get("/open311/v2/nowhere").json() == [{"code": 404, "description": "Not Found"}]
    wrong = client.delete(protocol.PATH_TIME)
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def test_the_server_imports_without_qt_and_requests() -> None:
    script = """
import importlib.abc, sys, pkgutil, importlib
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'shiboken6', 'requests'}:
            raise ImportError(f'blocked for this test: {name}')
sys.meta_path.insert(0, Block())
import cityserver
for info in pkgutil.walk_packages(cityserver.__path__, 'cityserver.'):
    if info.name != 'cityserver.__main__':
        importlib.import_module(info.name)
from cityserver.app import create_app
print('server ok')
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "server ok" in result.stdout


def test_the_worked_signing_example_in_the_docs_is_right() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text("utf-8")
    secret = "c2VjcmV0LWtleS1mb3ItdGhlLWV4YW1wbGUtb25seSE"
    timestamp, nonce = 1795770000, "3f2a9c1e7b5d4086a1c2e3f405162738"
    target = protocol.canonical_target("/api/v1/statuses", "since=42&limit=100")
    assert target == "/api/v1/statuses?limit=100&since=42"
    string = protocol.string_to_sign("GET", target, timestamp, nonce, b"").decode()
    assert f"```\n{string}\n```" in doc
    get_signature = protocol.sign(secret, "GET", target, timestamp, nonce, b"")
    body = b'{"transactions":[]}'
    post_signature = protocol.sign(
        secret, "POST", protocol.PATH_TRANSACTIONS, timestamp, nonce, body
    )
    assert f"the signature `{get_signature}`" in doc
    assert hashlib.sha256(body).hexdigest() in doc
    assert f"`{post_signature}`" in doc
    assert protocol.verify(secret, get_signature, "GET", target, timestamp, nonce, b"")


def test_an_unexpected_error_is_500_in_the_error_format_with_the_server_time(
    kiosk: SignedKiosk,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    database: Database,
    clock: FakeClock,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(casework, "status_page", broken)
    with TestClient(
        create_app(settings, db=database, clock=clock), raise_server_exceptions=False
    ) as http:
        kiosk.http = http
        answer = kiosk.get(protocol.PATH_STATUSES)
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "internal_error"
    assert "fire" not in answer.text
    assert float(answer.headers[protocol.H_SERVER_TIME]) == clock().timestamp()
