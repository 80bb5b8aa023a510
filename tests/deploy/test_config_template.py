"""deploy/kiosk.toml.example and docs/deploy.md name every setting, with its true default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.config import describe_settings, load_settings
from tests.deploy.conftest import ROOT, TEMPLATE

DEPLOY_DOC = ROOT / "docs" / "deploy.md"
SETTINGS = describe_settings()


def test_template_as_installed_is_valid_and_changes_nothing(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, config_file=TEMPLATE, environ={})
    defaults = load_settings(data_dir=tmp_path, environ={})
    assert settings.config_file == TEMPLATE
    assert {k: v for k, v in vars(settings).items() if k != "config_file"} == {
        k: v for k, v in vars(defaults).items() if k != "config_file"
    }


def test_uncommented_template_shows_the_true_defaults(tmp_path: Path) -> None:
    # Every "#key = value" line, uncommented, must be valid and equal to the built-in default.
    uncommented = re.sub(r"(?m)^#(\w+ = )", r"\1", TEMPLATE.read_text())
    config = tmp_path / "kiosk.toml"
    config.write_text(uncommented)
    settings = load_settings(data_dir=tmp_path, config_file=config, environ={})
    for dotted, _env, default, _doc in SETTINGS:
        section, key = dotted.split(".")
        assert getattr(getattr(settings, section), key) == default, dotted


@pytest.mark.parametrize(("dotted", "env"), [(s[0], s[1]) for s in SETTINGS])
def test_template_names_every_setting(dotted: str, env: str) -> None:
    section, key = dotted.split(".")
    text = TEMPLATE.read_text()
    assert f"[{section}]" in text
    assert re.search(rf"(?m)^#{key} = ", text), f"{dotted} is missing from {TEMPLATE.name}"
    assert env in text


@pytest.mark.parametrize(("dotted", "env"), [(s[0], s[1]) for s in SETTINGS])
def test_deploy_doc_names_every_setting(dotted: str, env: str) -> None:
    text = DEPLOY_DOC.read_text()
    assert f"`{dotted}`" in text, f"{dotted} is missing from docs/deploy.md"
    assert f"`{env}`" in text
