"""A bounded schemathesis run over the server's own /openapi.json: no input makes a 5xx (issue 9,
item 7). Requests to the kiosk API are signed by an enrolled kiosk (the hook below), so the
generated bodies reach the handlers instead of stopping at authentication."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityserver import kiosks
from cityserver.app import create_app
from cityserver.db import Database
from cityserver.settings import load_settings
from kiosk.timeutil import utcnow
from sync import protocol

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from fastapi.testclient import TestClient
    from schemathesis import GenerationMode

SIGNED = {
    protocol.PATH_TRANSACTIONS,
    protocol.PATH_STATUSES,
    protocol.PATH_CATALOG,
    protocol.PATH_ANNOUNCEMENTS,
    protocol.PATH_HEARTBEAT,
    protocol.PATH_AUDIT,
}


class Fleet:
    def __init__(self, tmp: Path) -> None:
        url = f"sqlite:///{tmp / 'fuzz.db'}"
        self.db = Database(url)
        # no rate limits: the run makes hundreds of requests from one address
        config = load_settings(
            db=url, max_requests_per_minute=0, max_public_requests_per_minute=0, environ={}
        )
        self.app = create_app(config, db=self.db)
        self.http = TestClient(self.app, raise_server_exceptions=False)
        with self.db.write() as session:
            token = kiosks.create_token(session, "fuzz", kiosks.timedelta(hours=1), utcnow())
        answer = self.http.post(
            protocol.PATH_ENROLL, json={"token": token.token, "name": "f", "app_version": "1"}
        ).json()
        self.kiosk_id, self.secret = answer["kiosk_id"], answer["secret"]

    def send(self, kwargs: dict[str, Any]) -> Any:
        """The generated request, sent as is; signed when it goes to the kiosk API."""
        path = urlsplit(kwargs["url"]).path
        query = urlencode(kwargs.get("params") or {}, doseq=True)
        body = b""
        headers = {k: v for k, v in kwargs.get("headers", {}).items() if isinstance(v, str)}
        if "json" in kwargs:
            body = json.dumps(kwargs["json"]).encode()
            headers["Content-Type"] = "application/json"
        elif isinstance(kwargs.get("data"), dict):
            body = urlencode(kwargs["data"], doseq=True).encode()
        elif isinstance(kwargs.get("data"), str | bytes):
            raw = kwargs["data"]
            body = raw.encode() if isinstance(raw, str) else raw
        if path in SIGNED:
            target = protocol.canonical_target(path, query)
            stamp = int(utcnow().timestamp())
            headers.update(
                protocol.signed_headers(
                    self.kiosk_id, self.secret, kwargs["method"], target, body, stamp
                )
            )
            headers.setdefault(protocol.H_IDEMPOTENCY, protocol.new_nonce())
        url = f"{kwargs['url']}?{query}" if query else kwargs["url"]
        return self.http.request(kwargs["method"], url, content=body or None, headers=headers)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    f = Fleet(tmp_path_factory.mktemp("fuzz"))
    yield f
    f.http.close()
    f.db.close()


@pytest.fixture(scope="module")
def operations(fleet: Fleet) -> dict[str, Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fleet.app)
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[f"{operation.method.upper()} {operation.path}"] = operation
    return found


OPERATIONS = [
    f"GET {protocol.PATH_TIME}",
    f"POST {protocol.PATH_ENROLL}",
    f"POST {protocol.PATH_TRANSACTIONS}",
    f"GET {protocol.PATH_STATUSES}",
    f"GET {protocol.PATH_CATALOG}",
    f"GET {protocol.PATH_ANNOUNCEMENTS}",
    f"POST {protocol.PATH_HEARTBEAT}",
    f"POST {protocol.PATH_AUDIT}",
    "GET /open311/v2/services.{fmt}",
    "GET /open311/v2/services/{service_code}.{fmt}",
    "GET /open311/v2/requests.{fmt}",
    "POST /open311/v2/requests.{fmt}",
    "GET /open311/v2/requests/{service_request_id}.{fmt}",
    "GET /open311/v2/tokens/{token}.{fmt}",
]


def test_every_operation_is_fuzzed(operations: dict[str, Any]) -> None:
    assert sorted(operations) == sorted(OPERATIONS)


@pytest.mark.parametrize("name", OPERATIONS)
def test_no_input_makes_a_server_error(name: str, operations: dict[str, Any], fleet: Fleet) -> None:
    operation = operations[name]
    # valid inputs, and inputs that break the schema on purpose (out of range, wrong types)
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        case = data.draw(strategy)
        answer = fleet.send(case.as_transport_kwargs(base_url="http://testserver"))
        seen.add(answer.status_code)
        assert answer.status_code < 500, (case.method, case.path, answer.status_code, answer.text)

    seen: set[int] = set()
    fuzz()
    if operation.path in SIGNED:  # the signing hook works: generated input reached the handler
        assert seen - {401}, seen
    if name == "POST /open311/v2/requests.{fmt}":  # forms were sent, and parsed
        assert seen - {415}, seen


def test_the_coverage_cases_make_no_server_error(operations: dict[str, Any], fleet: Fleet) -> None:
    """Schemathesis's coverage phase: boundary values, missing and extra parameters, wrong
    types and unexpected methods, for every operation (a few hundred requests)."""
    failures = []
    for operation in operations.values():
        schema = operation.schema
        cases = schema.iter_coverage_cases(
            operation,
            generation_modes=list(GenerationMode),
            generation_config=schema.config.generation_for(operation=operation),
        )
        for case in cases:
            answer = fleet.send(case.as_transport_kwargs(base_url="http://testserver"))
            if answer.status_code >= 500:
                failures.append((case.method, case.path, case.query, answer.text[:200]))
    assert failures == []
