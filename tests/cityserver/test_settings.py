"""Settings: command line, then environment, then defaults; wrong values named at start."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityserver.settings import SettingsError, load_settings
from sync import protocol


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(environ={"CITYSERVER_DATA_DIR": str(tmp_path)})
    assert settings.db_url == f"sqlite:///{tmp_path / 'cityserver.db'}"
    assert (settings.host, settings.port) == ("127.0.0.1", 8311)
    assert settings.token_ttl_hours == 24
    assert settings.max_clock_skew_s == protocol.MAX_CLOCK_SKEW_S
    assert settings.nonce_ttl_s == protocol.NONCE_TTL_S
    assert settings.max_requests_per_minute == 600 and settings.maintenance is False
    assert settings.max_public_requests_per_minute == 300 and settings.docs is False


def test_platformdirs_default_data_dir() -> None:
    settings = load_settings(environ={})
    assert "municipal-cityserver" in settings.db_url


def test_command_line_beats_environment() -> None:
    env = {
        "CITYSERVER_DB": "sqlite:////tmp/env.db",
        "CITYSERVER_PORT": "9000",
        "CITYSERVER_MAINTENANCE": "yes",
        "CITYSERVER_MAX_REQUESTS_PER_MINUTE": "60",
    }
    from_env = load_settings(environ=env)
    assert (from_env.db_url, from_env.port, from_env.maintenance) == (
        "sqlite:////tmp/env.db",
        9000,
        True,
    )
    assert from_env.max_requests_per_minute == 60
    given = load_settings(db="sqlite:////tmp/cli.db", port="9100", environ=env)
    assert (given.db_url, given.port) == ("sqlite:////tmp/cli.db", 9100)


def test_postgresql_urls_get_psycopg_3() -> None:
    for raw in ("postgresql://u:p@h/db", "postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"):
        assert load_settings(db=raw, environ={}).db_url == "postgresql+psycopg://u:p@h/db"


@pytest.mark.parametrize(
    ("kwargs", "env", "needle"),
    [
        ({"db": "mysql://u@h/db"}, {}, "--db: unsupported database 'mysql'"),
        ({"db": "::"}, {}, "--db: '::' is not a database URL"),
        ({"db": "sqlite://"}, {}, "in-memory"),
        ({"db": "postgresql+psycopg2://u@h/db"}, {}, "psycopg 3"),
        ({"db": "postgresql://u@h"}, {}, "names no database"),
        ({}, {"CITYSERVER_DB": "oracle://x/y"}, "CITYSERVER_DB: unsupported"),
        ({"port": "http"}, {}, "--port must be a port number 1-65535, got 'http'"),
        ({}, {"CITYSERVER_PORT": "70000"}, "CITYSERVER_PORT must be a port number"),
        ({"token_ttl_hours": "0"}, {}, "--ttl-hours must be hours"),
        ({}, {"CITYSERVER_MAX_CLOCK_SKEW_S": "1"}, "CITYSERVER_MAX_CLOCK_SKEW_S must be seconds"),
        ({}, {"CITYSERVER_MAINTENANCE": "maybe"}, "CITYSERVER_MAINTENANCE must be 1 or 0"),
        ({"host": "a b"}, {}, "--host must be"),
    ],
)
def test_wrong_values_are_named(kwargs: dict[str, str], env: dict[str, str], needle: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ=env, **kwargs)  # type: ignore[arg-type]
    assert needle in str(caught.value)
    assert "\n" not in str(caught.value)
