"""Fixtures for the deployment files in ``deploy/``: a build to install, and the paths."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALL = DEPLOY / "install.sh"
UNIT = DEPLOY / "municipal-kiosk.service"
TEMPLATE = DEPLOY / "kiosk.toml.example"

# A stand-in for the PyInstaller build (dist/kiosk): the install script only needs an
# executable ``kiosk`` that answers ``--version`` and ``status``, next to ``_internal/``.
FAKE_KIOSK = """#!/bin/sh
case "$1" in
--version) echo "kiosk 0.0.0-test" ;;
status) mkdir -p "$KIOSK_DATA_DIR/logs" && : >"$KIOSK_DATA_DIR/queue.db" && echo ok ;;
*) echo "kiosk: error: the test build knows only --version and status" >&2; exit 2 ;;
esac
"""


@pytest.fixture
def fake_build(tmp_path: Path) -> Path:
    build = tmp_path / "build" / "kiosk"
    (build / "_internal" / "assets").mkdir(parents=True)
    (build / "_internal" / "assets" / "marker.txt").write_text("bundled\n")
    kiosk = build / "kiosk"
    kiosk.write_text(FAKE_KIOSK)
    kiosk.chmod(kiosk.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return build


@pytest.fixture
def build(fake_build: Path) -> Path:
    """The real build when ``FROZEN_KIOSK`` names one, else the stand-in."""
    frozen = os.environ.get("FROZEN_KIOSK")
    return Path(frozen).absolute().parent if frozen else fake_build
