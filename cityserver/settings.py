"""Settings of the city server, from the command line, then the environment, then defaults.

Everything is validated at start: a wrong value stops the server with one line that names the
setting and the form it expects, instead of failing on the first request.

| setting | option | environment | default |
| --- | --- | --- | --- |
| database | ``--db URL`` | ``CITYSERVER_DB`` | SQLite ``cityserver.db`` in the data dir |
| data dir | – | ``CITYSERVER_DATA_DIR`` | platformdirs user data dir ``municipal-cityserver`` |
| host, port | ``--host``, ``--port`` | ``CITYSERVER_HOST``, ``CITYSERVER_PORT`` | 127.0.0.1, 8311 |
| enrollment token lifetime | ``--ttl-hours`` | ``CITYSERVER_TOKEN_TTL_HOURS`` | 24 |
| clock skew allowed | – | ``CITYSERVER_MAX_CLOCK_SKEW_S`` | protocol ``MAX_CLOCK_SKEW_S`` |
| requests a kiosk may make per minute | ``--max-requests-per-minute`` | ``..._PER_MINUTE`` | 600 |
| unsigned requests per address per minute | ``--max-public-...`` | ``..._PUBLIC_...`` | 300 |
| interactive API docs at ``/docs`` | ``--docs`` | ``CITYSERVER_DOCS`` | off |
| maintenance (503 on the sync API) | ``--maintenance`` | ``CITYSERVER_MAINTENANCE`` | off |

(``..._PER_MINUTE`` is ``CITYSERVER_MAX_REQUESTS_PER_MINUTE``, ``..._PUBLIC_...``
``CITYSERVER_MAX_PUBLIC_REQUESTS_PER_MINUTE``; 0 turns a limit off.) The
database URL with a password belongs in ``CITYSERVER_DB`` or a pgpass file, not on the command
line, where every user of the machine sees it (``ps``): ``cityserver`` warns about that.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from platformdirs import user_data_dir
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from sync.protocol import MAX_CLOCK_SKEW_S

APP_NAME: Final = "municipal-cityserver"
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8311
DEFAULT_TOKEN_TTL_HOURS: Final = 24.0
DEFAULT_KIOSK_RATE: Final = 600  # a kiosk syncs a few requests every 30 s; a drain, ~10 per s
DEFAULT_PUBLIC_RATE: Final = 300
DB_FORMS: Final = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE"
_TRUE: Final = frozenset({"1", "true", "yes", "on"})
_FALSE: Final = frozenset({"0", "false", "no", "off", ""})


class SettingsError(ValueError):
    """A setting has a wrong value; the message names it and the expected form."""


@dataclass(frozen=True)
class Settings:
    db_url: str
    data_dir: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token_ttl_hours: float = DEFAULT_TOKEN_TTL_HOURS
    max_clock_skew_s: int = MAX_CLOCK_SKEW_S
    max_requests_per_minute: int = DEFAULT_KIOSK_RATE  # 0: no limit
    max_public_requests_per_minute: int = DEFAULT_PUBLIC_RATE  # per client address; 0: none
    docs: bool = False  # /docs and /redoc (Swagger UI and ReDoc load scripts from a CDN)
    maintenance: bool = False
    retry_after_s: int = 30  # what 429 and 503 answers ask the kiosk to wait

    @property
    def nonce_ttl_s(self) -> int:
        """A nonce must be remembered as long as its timestamp could still be accepted."""
        return 2 * self.max_clock_skew_s


def default_data_dir(environ: Mapping[str, str]) -> Path:
    configured = environ.get("CITYSERVER_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path(user_data_dir(APP_NAME, appauthor=False))


def load_settings(
    *,
    db: str | None = None,
    host: str | None = None,
    port: int | str | None = None,
    token_ttl_hours: float | str | None = None,
    max_requests_per_minute: int | str | None = None,
    max_public_requests_per_minute: int | str | None = None,
    docs: bool | None = None,
    maintenance: bool | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from explicit values (the command line), then ``environ``, then defaults."""
    env = os.environ if environ is None else environ
    data_dir = default_data_dir(env)
    if db is not None:
        db_url = normalize_db_url(db, "--db")
    elif env.get("CITYSERVER_DB"):
        db_url = normalize_db_url(env["CITYSERVER_DB"], "CITYSERVER_DB")
    else:
        db_url = f"sqlite:///{data_dir / 'cityserver.db'}"
    return Settings(
        db_url=db_url,
        data_dir=data_dir,
        host=_host(host if host is not None else env.get("CITYSERVER_HOST", DEFAULT_HOST)),
        port=int_setting(
            *_pick(port, "--port", env, "CITYSERVER_PORT", DEFAULT_PORT),
            low=1,
            high=65535,
            form="a port number 1-65535",
        ),
        token_ttl_hours=float_setting(
            *_pick(
                token_ttl_hours,
                "--ttl-hours",
                env,
                "CITYSERVER_TOKEN_TTL_HOURS",
                DEFAULT_TOKEN_TTL_HOURS,
            ),
            low=1 / 60,
            high=24 * 365,
            form="hours between 1/60 and 8760",
        ),
        max_clock_skew_s=int_setting(
            *_pick(None, "", env, "CITYSERVER_MAX_CLOCK_SKEW_S", MAX_CLOCK_SKEW_S),
            low=5,
            high=86_400,
            form="seconds between 5 and 86400",
        ),
        max_requests_per_minute=int_setting(
            *_pick(
                max_requests_per_minute,
                "--max-requests-per-minute",
                env,
                "CITYSERVER_MAX_REQUESTS_PER_MINUTE",
                DEFAULT_KIOSK_RATE,
            ),
            low=0,
            high=1_000_000,
            form="a whole number of requests, 0 for no limit",
        ),
        max_public_requests_per_minute=int_setting(
            *_pick(
                max_public_requests_per_minute,
                "--max-public-requests-per-minute",
                env,
                "CITYSERVER_MAX_PUBLIC_REQUESTS_PER_MINUTE",
                DEFAULT_PUBLIC_RATE,
            ),
            low=0,
            high=1_000_000,
            form="a whole number of requests, 0 for no limit",
        ),
        docs=docs if docs is not None else _bool(env, "CITYSERVER_DOCS"),
        maintenance=maintenance if maintenance is not None else _bool(env),
    )


def _pick(
    value: object, option: str, env: Mapping[str, str], name: str, default: object
) -> tuple[object, str]:
    if value is not None:
        return value, option
    if env.get(name):
        return env[name], name
    return default, name


def int_setting(value: object, source: str, *, low: int, high: int, form: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise SettingsError(f"{source} must be {form}, got {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(f"{source} must be {form}, got {number}")
    return number


def float_setting(value: object, source: str, *, low: float, high: float, form: str) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise SettingsError(f"{source} must be {form}, got {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(f"{source} must be {form}, got {value}")
    return number


def _bool(env: Mapping[str, str], name: str = "CITYSERVER_MAINTENANCE") -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (true/false), got {raw!r}")


def has_password(url: str) -> bool:
    """Whether a database URL carries a password (which then shows in ``ps``)."""
    try:
        return make_url(url).password is not None
    except ArgumentError:
        return False


def _host(value: str) -> str:
    value = value.strip()
    if not value or any(c.isspace() or c in "/?#" for c in value):
        raise SettingsError(f"--host must be a host name or IP address, got {value!r}")
    return value


def normalize_db_url(raw: str, source: str) -> str:
    """Check a database URL and give PostgreSQL URLs the psycopg 3 driver."""
    raw = raw.strip()
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingsError(
            f"{source}: {raw!r} is not a database URL; expected {DB_FORMS}"
        ) from None
    backend, _, driver = url.drivername.partition("+")
    if backend == "sqlite":
        if driver not in ("pysqlite", ""):
            raise SettingsError(f"{source}: use sqlite:///PATH (the pysqlite driver)")
        if not url.database or url.database == ":memory:":
            raise SettingsError(
                f"{source}: an in-memory SQLite database would lose every request; "
                "give a file: sqlite:///PATH"
            )
        return url.render_as_string(hide_password=False)
    if backend in ("postgresql", "postgres"):
        if url.drivername not in ("postgresql", "postgres", "postgresql+psycopg"):
            raise SettingsError(
                f"{source}: the PostgreSQL driver must be psycopg 3: postgresql+psycopg://..."
            )
        if not url.database:
            raise SettingsError(f"{source}: the URL names no database; expected {DB_FORMS}")
        fixed: URL = url.set(drivername="postgresql+psycopg")
        return fixed.render_as_string(hide_password=False)
    raise SettingsError(f"{source}: unsupported database {backend!r}; expected {DB_FORMS}")
