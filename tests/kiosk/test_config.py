"""Settings: file, environment and options, each validated with a message that names the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import (
    ConfigError,
    describe_settings,
    ensure_data_dir,
    load_settings,
    read_overrides,
    write_overrides,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path: Path) -> None:
    s = load_settings(data_dir=tmp_path, environ={})
    assert s.data_dir == tmp_path
    assert s.config_file is None
    assert s.station.number == 0
    assert s.ui.language == "fa"
    assert s.ui.idle_timeout == 90
    assert s.ui.screen_diagonal == 21.5
    assert s.ui.screen_resolution == (1920, 1080)
    assert s.privacy.retention_days == 7
    assert s.database_path == tmp_path / "queue.db"


def test_file_then_environment_then_options(tmp_path: Path) -> None:
    write(
        tmp_path / "d" / "kiosk.toml",
        """
[station]
number = 42
name = "کیوسک میدان تجریش"

[ui]
idle_timeout = 120
screen_resolution = "1366x768"
""",
    )
    env = {"KIOSK_DATA_DIR": str(tmp_path / "d"), "KIOSK_UI_IDLE_TIMEOUT": "60"}
    s = load_settings(environ=env)
    assert s.config_file == tmp_path / "d" / "kiosk.toml"
    assert s.station.number == 42
    assert s.station.name == "کیوسک میدان تجریش"
    assert s.ui.idle_timeout == 60  # the environment beats the file
    assert s.ui.screen_resolution == (1366, 768)
    s2 = load_settings(data_dir=tmp_path / "other", environ=env)
    assert s2.data_dir == tmp_path / "other"  # --data-dir beats KIOSK_DATA_DIR
    assert s2.station.number == 0


def test_explicit_config_file(tmp_path: Path) -> None:
    cfg = write(tmp_path / "etc" / "k.toml", "[sync]\nserver_url = 'https://city.example/'\n")
    s = load_settings(data_dir=tmp_path, config_file=cfg, environ={})
    assert s.sync.server_url == "https://city.example"
    s = load_settings(data_dir=tmp_path, environ={"KIOSK_CONFIG": str(cfg)})
    assert s.sync.server_url == "https://city.example"
    with pytest.raises(ConfigError, match=r"config file .*nope\.toml does not exist"):
        load_settings(data_dir=tmp_path, config_file=tmp_path / "nope.toml", environ={})


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[ui]\nidle_timeout = 'soon'\n",
            "kiosk.toml: [ui] idle_timeout: expected a whole number from 30 to 3600, got 'soon'",
        ),
        ("[ui]\nidle_timeout = 5\n", "expected a whole number from 30 to 3600, got 5"),
        ("[ui]\nlanguage = 'de'\n", "[ui] language: expected one of: 'fa', 'en', got 'de'"),
        ("[ui]\nscreen_resolution = 'big'\n", "expected a screen resolution like '1920x1080'"),
        ("[station]\nnumber = 10000\n", "[station] number: expected a whole number from 0 to 9998"),
        ("[sync]\nserver_url = 'ftp://x'\n", "[sync] server_url: expected an http:// or https://"),
        (
            "[ui]\nidle_timout = 90\n",
            "[ui] idle_timout: unknown key (did you mean 'idle_timeout'?)",
        ),
        ("[screen]\nsize = 1\n", "unknown section [screen]"),
        ("[ui\n", "kiosk.toml: not valid TOML"),
        ("ui = 3\n", "ui must be a [section] table"),
    ],
)
def test_bad_file_values_name_the_key(tmp_path: Path, toml: str, message: str) -> None:
    write(tmp_path / "kiosk.toml", toml)
    with pytest.raises(ConfigError) as info:
        load_settings(data_dir=tmp_path, environ={})
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KIOSK_UI_IDLE_TIMEOUT": "abc"}, "KIOSK_UI_IDLE_TIMEOUT: expected a whole number"),
        (
            {"KIOSK_UI_IDLE_TIMOUT": "90"},
            "KIOSK_UI_IDLE_TIMOUT is not a kiosk setting (did you mean KIOSK_UI_IDLE_TIMEOUT?)",
        ),
        ({"KIOSK_PRINTER_KIND": "laser"}, "KIOSK_PRINTER_KIND: expected one of: 'pdf'"),
        ({"KIOSK_DATA_DIR": " "}, "KIOSK_DATA_DIR: expected a directory path"),
    ],
)
def test_bad_environment_names_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ=env)
    assert message in str(info.value)


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    f = write(tmp_path / "file", "x")
    with pytest.raises(ConfigError, match="exists and is not a directory"):
        load_settings(data_dir=f, environ={})


def test_unwritable_data_dir(tmp_path: Path) -> None:
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        s = load_settings(data_dir=parent / "d", environ={})
        import os

        if os.geteuid() == 0:
            pytest.skip("root can write anywhere")
        with pytest.raises(ConfigError, match="cannot create data directory"):
            ensure_data_dir(s)
    finally:
        parent.chmod(0o700)


def test_default_data_dir_without_overrides() -> None:
    s = load_settings(environ={})
    assert s.data_dir.is_absolute()
    assert "kiosk" in str(s.data_dir)


def test_every_setting_is_documented() -> None:
    rows = describe_settings()
    assert len(rows) >= 12
    for key, env, _default, doc in rows:
        assert env == "KIOSK_" + key.replace(".", "_").upper()
        assert doc


# -- the settings overrides (written by the admin panel) -------------------------------------


def test_overrides_sit_between_the_file_and_the_environment(tmp_path: Path) -> None:
    write(tmp_path / "kiosk.toml", "[ui]\nidle_timeout = 120\nidle_warning = 40\n")
    write_overrides(tmp_path, {"ui.idle_timeout": 200, "station.name": "کیوسک تجریش"})
    s = load_settings(data_dir=tmp_path, environ={})
    assert s.ui.idle_timeout == 200  # the override beats the file
    assert s.ui.idle_warning == 40  # the file still counts where nothing overrides it
    assert s.station.name == "کیوسک تجریش"
    assert s.overrides_path == tmp_path / "settings.toml"
    s = load_settings(data_dir=tmp_path, environ={"KIOSK_UI_IDLE_TIMEOUT": "60"})
    assert s.ui.idle_timeout == 60  # the environment beats the override


def test_overrides_also_beat_an_explicit_config_file(tmp_path: Path) -> None:
    cfg = write(tmp_path / "etc" / "kiosk.toml", "[printer]\nkind = 'none'\n")
    data = tmp_path / "data"
    write_overrides(data, {"printer.kind": "escpos", "printer.device": "tcp:10.0.0.5:9100"})
    s = load_settings(data_dir=data, config_file=cfg, environ={})
    assert (s.printer.kind, s.printer.device) == ("escpos", "tcp:10.0.0.5:9100")


def test_write_overrides_round_trips_every_kind_of_value(tmp_path: Path) -> None:
    written = write_overrides(
        tmp_path,
        {
            "ui.language": "en",
            "ui.screen_diagonal": "15.6",
            "ui.screen_resolution": "1366x768",
            "station.name": 'A "quoted" name\\ with\ttab',
            "printer.device": "",
        },
    )
    assert written["ui"] == {
        "language": "en",
        "screen_diagonal": 15.6,
        "screen_resolution": "1366x768",
    }
    assert read_overrides(tmp_path) == written
    s = load_settings(data_dir=tmp_path, environ={})
    assert s.ui.screen_resolution == (1366, 768)
    assert s.ui.screen_diagonal == 15.6
    assert s.station.name == 'A "quoted" name\\ with\ttab'
    assert s.printer.device is None
    # None removes an override; the default (or the config file) applies again
    write_overrides(tmp_path, {"ui.language": None, "ui.screen_diagonal": None})
    s = load_settings(data_dir=tmp_path, environ={})
    assert (s.ui.language, s.ui.screen_diagonal) == ("fa", 21.5)
    assert s.ui.screen_resolution == (1366, 768)  # kept


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"ui.idle_timeout": "soon"},
            "settings.toml: [ui] idle_timeout: expected a whole number from 30 to 3600, got 'soon'",
        ),
        ({"ui.language": "de"}, "settings.toml: [ui] language: expected one of: 'fa', 'en'"),
        ({"ui.idle_timout": 90}, "settings.toml: ui.idle_timout: not a kiosk setting"),
        ({"screen.size": 1}, "settings.toml: screen.size: not a kiosk setting"),
    ],
)
def test_write_overrides_checks_before_writing(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    write_overrides(tmp_path, {"ui.idle_timeout": 100})
    before = (tmp_path / "settings.toml").read_bytes()
    with pytest.raises(ConfigError) as info:
        write_overrides(tmp_path, {"ui.idle_warning": 25, **changes})
    assert message in str(info.value)
    assert (tmp_path / "settings.toml").read_bytes() == before  # nothing written
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]  # no temporary file left


def test_a_bad_overrides_file_names_the_file_and_key(tmp_path: Path) -> None:
    write(tmp_path / "settings.toml", "[ui]\nidle_timeout = 5\n")
    with pytest.raises(ConfigError, match=r"settings\.toml: \[ui\] idle_timeout: expected"):
        load_settings(data_dir=tmp_path, environ={})
    write(tmp_path / "settings.toml", "[ui]\nidle_timout = 90\n")
    with pytest.raises(ConfigError, match=r"settings\.toml: \[ui\] idle_timout: unknown key"):
        load_settings(data_dir=tmp_path, environ={})
