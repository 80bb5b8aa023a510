"""Settings: a TOML file, ``KIOSK_*`` environment overrides and command-line options.

Precedence, lowest first: built-in defaults, the config file, the settings overrides, the
environment, the command line.
Every value is checked when the kiosk starts; an error names the key (or variable) and the form
it expects, so IT staff can fix it without reading code. The same code runs from a source
checkout, an installed wheel and a PyInstaller build: nothing here depends on where the program
file is.

* data dir: ``--data-dir``, else ``KIOSK_DATA_DIR``, else the platform's per-machine data
  directory when it is writable (``/var/lib/municipal-kiosk`` on Linux, ``%PROGRAMDATA%`` on
  Windows), else the per-user one;
* config file: ``--config``, else ``KIOSK_CONFIG``, else ``kiosk.toml`` in the data dir (optional);
* settings overrides: ``settings.toml`` in the data dir (optional), written by the admin panel
  with :func:`write_overrides`. The packaged kiosk's config file in ``/etc`` is read-only for the
  service (``ProtectSystem=strict``), so what staff change on the kiosk lives in the data dir;
* a setting ``key`` in section ``[section]`` is overridden by ``KIOSK_SECTION_KEY``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import json
import os
import sys
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

APP_NAME: Final = "municipal-kiosk"
CONFIG_FILENAME: Final = "kiosk.toml"
OVERRIDES_FILENAME: Final = "settings.toml"
ENV_PREFIX: Final = "KIOSK_"
ENV_DATA_DIR: Final = "KIOSK_DATA_DIR"
ENV_CONFIG: Final = "KIOSK_CONFIG"


class ConfigError(ValueError):
    """A setting is malformed. The message names where it came from and what is expected."""


Parser = Callable[[object], Any]


def _setting(default: Any, parse: Parser, doc: str) -> Any:
    return field(default=default, metadata={"parse": parse, "doc": doc})


def _int_range(lo: int, hi: int) -> Parser:
    def parse(value: object) -> int:
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise ValueError(f"a whole number from {lo} to {hi}") from None
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ValueError(f"a whole number from {lo} to {hi}")
        return value

    return parse


def _float_range(lo: float, hi: float, unit: str) -> Parser:
    def parse(value: object) -> float:
        expected = f"a number of {unit} from {lo:g} to {hi:g}"
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise ValueError(expected) from None
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise ValueError(expected)
        return float(value)

    return parse


def _one_of(*choices: str) -> Parser:
    def parse(value: object) -> str:
        if not isinstance(value, str) or value.strip() not in choices:
            raise ValueError("one of: " + ", ".join(repr(c) for c in choices))
        return value.strip()

    return parse


def _text(max_len: int) -> Parser:
    def parse(value: object) -> str:
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > max_len:
            raise ValueError(f"a non-empty text of at most {max_len} characters")
        return value.strip()

    return parse


def _resolution(value: object) -> tuple[int, int]:
    expected = "a screen resolution like '1920x1080'"
    if isinstance(value, str):
        parts = value.lower().replace("×", "x").split("x")
        if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
            w, h = (int(p) for p in parts)
            if 320 <= w <= 16384 and 240 <= h <= 16384:
                return w, h
    raise ValueError(expected)


def _optional_path(value: object) -> Path | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("a file path (a string)")
    return Path(value).expanduser()


def _optional_url(value: object) -> str | None:
    if value is None or value == "":
        return None
    expected = "an http:// or https:// URL such as 'https://kiosk.city.example'"
    if not isinstance(value, str):
        raise ValueError(expected)
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(expected)
    return value.strip().rstrip("/")


def _url(value: object) -> str:
    url = _optional_url(value)
    if url is None:
        raise ValueError("an http:// or https:// URL such as 'http://localhost:8050'")
    return url


def _optional(parse: Parser) -> Parser:
    """``parse``, with an empty value allowed (as ``""``)."""
    return lambda value: "" if value in (None, "") else parse(value)


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError("true or false")


@dataclass(frozen=True)
class StationSettings:
    number: int = _setting(
        0,
        _int_range(0, 9998),
        "kiosk number (1-9998), printed in every tracking code; 0: none. Enrollment with the "
        "city server asks for this number, or is given one; a kiosk with no number files nothing",
    )
    name: str = _setting(
        "کیوسک خدمات شهری", _text(80), "display name on Persian screens and receipts"
    )
    name_en: str = _setting(
        "City services kiosk", _text(80), "display name on English screens and receipts"
    )
    city: str = _setting("تهران", _text(80), "city name on Persian receipts")
    city_en: str = _setting("Tehran", _text(80), "city name on English receipts")

    def name_in(self, lang: str) -> str:
        """The display name in ``lang`` (Persian, else English)."""
        return self.name if lang == "fa" else self.name_en

    def city_in(self, lang: str) -> str:
        return self.city if lang == "fa" else self.city_en


@dataclass(frozen=True)
class UISettings:
    language: str = _setting("fa", _one_of("fa", "en"), "language a new session starts in")
    idle_timeout: int = _setting(90, _int_range(30, 3600), "seconds without input before warning")
    idle_warning: int = _setting(30, _int_range(20, 300), "seconds of countdown in the warning")
    screen_diagonal: float = _setting(
        21.5, _float_range(7, 100, "inches"), "screen diagonal in inches (for 20 mm touch targets)"
    )
    screen_resolution: tuple[int, int] = _setting(
        (1920, 1080), _resolution, "screen resolution in pixels, 'WxH'"
    )


@dataclass(frozen=True)
class CatalogSettings:
    path: Path | None = _setting(
        None, _optional_path, "service catalog file; empty for the bundled catalog"
    )


@dataclass(frozen=True)
class SyncSettings:
    server_url: str | None = _setting(None, _optional_url, "city server URL")
    batch_size: int = _setting(100, _int_range(1, 1000), "transactions per push")
    interval: int = _setting(30, _int_range(2, 3600), "seconds between sync cycles")


@dataclass(frozen=True)
class PrinterSettings:
    kind: str = _setting(
        "pdf",
        _one_of("pdf", "escpos", "none"),
        "'pdf' writes receipts to the spool folder; 'escpos' prints them",
    )
    device: str | None = _setting(
        None,
        lambda v: None if v in (None, "") else _text(200)(v),
        "ESC/POS device, e.g. 'usb:0x04b8:0x0202' or 'tcp:10.0.0.5:9100'",
    )


def _alnum(max_len: int) -> Parser:
    def parse(value: object) -> str:
        expected = f"letters and digits (A-Z, 0-9), at most {max_len}, or empty"
        if not isinstance(value, str):
            raise ValueError(expected)
        text = value.strip()
        if len(text) > max_len or not (text.isascii() and (text.isalnum() or not text)):
            raise ValueError(expected)
        return text

    return parse


def _terminal_device(value: object) -> str:
    """How Sadad's service reaches the card reader: 'lan:IP:PORT', 'serial:PORT' or empty."""
    expected = "'lan:HOST:PORT' (e.g. 'lan:172.16.33.180:8888'), 'serial:COM1', or empty"
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ValueError(expected)
    kind, _, rest = value.strip().partition(":")
    if kind == "lan":
        host, _, port = rest.rpartition(":")
        if host and port.isdigit() and 0 < int(port) < 65536 and " " not in host:
            return value.strip()
    elif kind == "serial" and rest and " " not in rest and len(rest) <= 64:
        return value.strip()
    raise ValueError(expected)


# Sadad's DeviceType values, in order (0 BlueBird ... 4 Castle)
TERMINAL_DEVICE_TYPES: Final = ("bluebird", "magic", "bitel", "pax", "castle")


@dataclass(frozen=True)
class PaymentSettings:
    """The card terminal (``kiosk.payments``; the adapters live in ``sync/terminals/``)."""

    kind: str = _setting(
        "none",
        _one_of("none", "sadad", "simulator"),
        "'sadad': Sadad's PC-POS service; 'simulator': 'kiosk terminal-sim'; 'none': no card "
        "payments",
    )
    url: str = _setting(
        "http://localhost:8050", _url, "the terminal service's URL (Sadad's default port: 8050)"
    )
    terminal_id: str = _setting("", _alnum(16), "the terminal ID the bank gave (TerminalId)")
    merchant_id: str = _setting("", _alnum(20), "the merchant ID the bank gave (MerchantId)")
    device: str = _setting(
        "",
        _terminal_device,
        "how the service reaches the card reader: 'lan:HOST:PORT' or 'serial:PORT'; empty: "
        "as the service is set up",
    )
    device_type: str = _setting(
        "",
        _optional(_one_of(*TERMINAL_DEVICE_TYPES)),
        "the card reader's make, for Sadad's service: " + ", ".join(TERMINAL_DEVICE_TYPES),
    )
    response_timeout: int = _setting(
        180,
        _int_range(2, 600),
        "seconds the terminal waits for the card, the PIN and the bank before it gives up",
    )
    status_timeout: int = _setting(
        15, _int_range(1, 120), "seconds to wait for the terminal's answer to a status question"
    )


@dataclass(frozen=True)
class PrivacySettings:
    retention_days: int = _setting(
        7, _int_range(0, 365), "days personal data is kept after the server acknowledged it"
    )


@dataclass(frozen=True)
class LogSettings:
    level: str = _setting("info", _one_of("debug", "info", "warning", "error"), "log level")


SECTIONS: Final[Mapping[str, type]] = {
    "station": StationSettings,
    "ui": UISettings,
    "catalog": CatalogSettings,
    "sync": SyncSettings,
    "printer": PrinterSettings,
    "payment": PaymentSettings,
    "privacy": PrivacySettings,
    "log": LogSettings,
}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    config_file: Path | None
    station: StationSettings = field(default_factory=StationSettings)
    ui: UISettings = field(default_factory=UISettings)
    catalog: CatalogSettings = field(default_factory=CatalogSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    payment: PaymentSettings = field(default_factory=PaymentSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    log: LogSettings = field(default_factory=LogSettings)
    explicit: frozenset[str] = frozenset()  # "section.key" of the settings given, not defaults

    @property
    def database_path(self) -> Path:
        return self.data_dir / "queue.db"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def spool_dir(self) -> Path:
        return self.data_dir / "receipts"

    @property
    def overrides_path(self) -> Path:
        """The settings overrides written by the admin panel (see :func:`write_overrides`)."""
        return self.data_dir / OVERRIDES_FILENAME

    @property
    def catalog_dir(self) -> Path:
        """The catalog synced from the city server."""
        return self.data_dir / "catalog"


def env_name(section: str, key: str) -> str:
    return f"{ENV_PREFIX}{section}_{key}".upper()


def known_env_names() -> set[str]:
    names = {ENV_DATA_DIR, ENV_CONFIG}
    for section, cls in SECTIONS.items():
        names.update(env_name(section, f.name) for f in dataclasses.fields(cls))
    return names


def default_data_dir() -> Path:
    """The per-machine data directory if this user may write there, else the per-user one."""
    import platformdirs

    if sys.platform.startswith("linux"):
        machine = Path("/var/lib") / APP_NAME
    else:
        machine = Path(platformdirs.site_data_dir("MunicipalKiosk", appauthor=False))
    if _writable(machine):
        return machine
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def _writable(path: Path) -> bool:
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)


def load_settings(
    *,
    data_dir: str | Path | None = None,
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build the settings from every source, or raise :class:`ConfigError`."""
    env = os.environ if environ is None else environ
    _check_env_names(env)

    if data_dir is not None:
        resolved_dir = _data_dir_from("--data-dir", str(data_dir))
    elif env.get(ENV_DATA_DIR):
        resolved_dir = _data_dir_from(ENV_DATA_DIR, env[ENV_DATA_DIR])
    else:
        resolved_dir = default_data_dir()

    explicit = config_file is not None or bool(env.get(ENV_CONFIG))
    source = str(config_file) if config_file is not None else env.get(ENV_CONFIG, "")
    cfg_path = Path(source).expanduser() if explicit else resolved_dir / CONFIG_FILENAME
    file_values: dict[str, Any] = {}
    if cfg_path.exists():
        file_values = _read_toml(cfg_path)
    elif explicit:
        raise ConfigError(f"config file {cfg_path} does not exist")

    overrides_path = resolved_dir / OVERRIDES_FILENAME
    override_values = _read_toml(overrides_path) if overrides_path.exists() else {}

    sections: dict[str, Any] = {}
    given: set[str] = set()
    for section, cls in SECTIONS.items():
        layers = [  # highest first
            (overrides_path.name, override_values.get(section, {})),
            (cfg_path.name, file_values.get(section, {})),
        ]
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            parse: Parser = f.metadata["parse"]
            name = env_name(section, f.name)
            if name in env:
                values[f.name] = _parse(parse, env[name], name, env[name])
            else:
                for source, raw_section in layers:
                    if f.name in raw_section:
                        where = f"{source}: [{section}] {f.name}"
                        raw = raw_section[f.name]
                        values[f.name] = _parse(parse, raw, where, raw)
                        break
            if f.name in values:
                given.add(f"{section}.{f.name}")
        sections[section] = cls(**values)

    return Settings(
        data_dir=resolved_dir,
        config_file=cfg_path if cfg_path.exists() else None,
        explicit=frozenset(given),
        **sections,
    )


def _parse(parse: Parser, value: object, where: str, shown: object) -> Any:
    try:
        return parse(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: expected {exc}, got {shown!r}") from None


def _data_dir_from(where: str, value: str) -> Path:
    if not value.strip():
        raise ConfigError(f"{where}: expected a directory path, got an empty value")
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{where}: {path} exists and is not a directory")
    return path.absolute()


def _check_env_names(env: Mapping[str, str]) -> None:
    known = known_env_names()
    for name in env:
        if name.startswith(ENV_PREFIX) and name not in known:
            hint = difflib.get_close_matches(name, sorted(known), n=1)
            suffix = f" (did you mean {hint[0]}?)" if hint else ""
            raise ConfigError(f"{name} is not a kiosk setting{suffix}")


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML file at ``path``, checked: whatever is in it (any encoding, any bytes) or in
    its place (a folder, no permission), the answer is its data or one :class:`ConfigError`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark, as some editors write
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path.name}: not valid TOML: the file is not UTF-8 text (byte {exc.start + 1} is "
            f"0x{raw[exc.start]:02x}); save it as UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason = " ".join(str(exc).split())  # one line
        raise ConfigError(f"{path.name}: not valid TOML: {reason}") from None
    for section, value in data.items():
        if section not in SECTIONS:
            hint = difflib.get_close_matches(section, list(SECTIONS), n=1)
            suffix = f" (did you mean [{hint[0]}]?)" if hint else ""
            raise ConfigError(
                f"{path.name}: unknown section [{section}]{suffix}; "
                f"known sections: {', '.join(SECTIONS)}"
            )
        if not isinstance(value, dict):
            raise ConfigError(f"{path.name}: {section} must be a [section] table")
        keys = [f.name for f in dataclasses.fields(SECTIONS[section])]
        for key in value:
            if key not in keys:
                hint = difflib.get_close_matches(key, keys, n=1)
                suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise ConfigError(
                    f"{path.name}: [{section}] {key}: unknown key{suffix}; "
                    f"known keys: {', '.join(keys)}"
                )
    return data


# -- the settings overrides (the admin panel's settings) ---------------------------------------


def read_overrides(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The overrides in ``data_dir`` as written (``{}`` when there are none); checked like the
    config file, so a malformed one raises :class:`ConfigError` naming it."""
    path = data_dir / OVERRIDES_FILENAME
    if not path.exists():
        return {}
    return {section: dict(values) for section, values in _read_toml(path).items()}


def write_overrides(data_dir: Path, changes: Mapping[str, object]) -> dict[str, dict[str, Any]]:
    """Merge ``changes`` (``{"ui.idle_timeout": 120, ...}``; ``None`` removes an override) into
    the overrides file of ``data_dir``, atomically (a temporary file, then ``os.replace``).

    Every value is checked with the setting's own parser first, and nothing is written when one
    is wrong: :class:`ConfigError` names the file and the key. Returns the overrides now in force.
    """
    current = read_overrides(data_dir)
    for dotted, value in changes.items():
        section, _, key = dotted.partition(".")
        cls = SECTIONS.get(section)
        fields = {f.name: f for f in dataclasses.fields(cls)} if cls is not None else {}
        if key not in fields:
            raise ConfigError(f"{OVERRIDES_FILENAME}: {dotted}: not a kiosk setting")
        if value is None:
            current.get(section, {}).pop(key, None)
            continue
        where = f"{OVERRIDES_FILENAME}: [{section}] {key}"
        parsed = _parse(fields[key].metadata["parse"], value, where, value)
        current.setdefault(section, {})[key] = _plain(parsed)
    current = {s: values for s, values in current.items() if values}
    _write_atomically(data_dir / OVERRIDES_FILENAME, _dump_toml(current))
    return current


def _plain(value: Any) -> str | int | float | bool:
    """A parsed setting in the form its parser reads back."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot write a setting of type {type(value).__name__}")


def _toml_value(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    # JSON's escapes are TOML's, except that TOML also wants DEL escaped
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _dump_toml(data: Mapping[str, Mapping[str, Any]]) -> str:
    lines = [
        "# Settings changed on this kiosk (admin panel). They override the config file and are",
        "# overridden by KIOSK_* environment variables. Written by the kiosk: edit with care.",
    ]
    for section in SECTIONS:
        values = data.get(section)
        if not values:
            continue
        lines += ["", f"[{section}]"]
        lines += [f"{key} = {_toml_value(values[key])}" for key in sorted(values)]
    return "\n".join(lines) + "\n"


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if os.name == "posix":
        with contextlib.suppress(OSError):
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def data_dir_writable(settings: Settings) -> bool:
    """Whether this user may make (or write in) the data dir, without making it."""
    return _writable(settings.data_dir)


def ensure_data_dir(settings: Settings) -> None:
    """Create the data dir and its folders, or raise :class:`ConfigError` saying why not;
    make what the kiosk keeps there readable by the kiosk user only (``kiosk.files``)."""
    for path in (settings.data_dir, settings.log_dir, settings.spool_dir):
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"cannot create data directory {path}: {exc.strerror or exc}"
            ) from exc
    if not os.access(settings.data_dir, os.W_OK):
        raise ConfigError(f"data directory {settings.data_dir} is not writable by this user")
    from kiosk.files import tighten

    tighten(settings.data_dir)  # what an older version or a copy left readable by others


def describe_settings() -> list[tuple[str, str, Any, str]]:
    """Every setting as (section.key, environment variable, default, description)."""
    rows = []
    for section, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            rows.append(
                (f"{section}.{f.name}", env_name(section, f.name), f.default, f.metadata["doc"])
            )
    return rows
