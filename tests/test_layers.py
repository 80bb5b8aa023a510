"""The layers hold: the core never imports PySide6 or requests; sync (with the card terminals'
adapters, sync.terminals) never imports PySide6."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI_CATALOG

ROOT = Path(__file__).resolve().parent.parent

# package -> top-level modules it must never import (anywhere in the file)
FORBIDDEN = {
    "kiosk": {"PySide6", "shiboken6", "requests", "fastapi", "uvicorn"},
    "sync": {"PySide6", "shiboken6", "fastapi", "uvicorn", "ui", "cityserver"},
    "ui": {"requests", "fastapi", "uvicorn", "cityserver"},
    "cityserver": {"PySide6", "shiboken6"},
}
# what kiosk/ may only import lazily, inside a function (the CLI starting the UI or a sync)
LAZY_ONLY = {"kiosk": {"ui", "sync", "cityserver"}}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(top-level module, imported at module level?) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top_level_nodes = set(map(id, tree.body))
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            found.append((name.split(".")[0], id(node) in top_level_nodes))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_imports(package: str) -> None:
    folder = ROOT / package
    if not folder.exists():
        pytest.skip(f"{package}/ does not exist yet")
    problems = []
    for path in sorted(folder.rglob("*.py")):
        for module, at_top in _imports(path):
            if module in FORBIDDEN[package]:
                problems.append(f"{path.relative_to(ROOT)} imports {module}")
            if module in LAZY_ONLY.get(package, set()) and at_top:
                problems.append(f"{path.relative_to(ROOT)} imports {module} at module level")
    assert problems == []


BLOCKER = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'shiboken6', 'requests'}:
            raise ImportError(f'blocked for this test: {name}')
        return None
sys.meta_path.insert(0, Block())
"""


def test_core_imports_and_works_without_qt_and_requests(tmp_path: Path) -> None:
    """Every core module imports, and a submission goes through, with PySide6 and requests gone."""
    script = (
        BLOCKER
        + f"""
import pkgutil, importlib, kiosk
for info in pkgutil.walk_packages(kiosk.__path__, 'kiosk.'):
    if info.name != 'kiosk.__main__':  # that one runs the CLI
        importlib.import_module(info.name)
from kiosk.cli import main
rc = main(['--data-dir', {str(tmp_path)!r}, 'submit', '--service', 'street-lights',
           '--answer', 'district=2', '--answer', 'address=Vali-Asr St, near Tajrish square',
           '--answer', 'problem=off', '--answer', 'follow_up=no'])
assert rc == 0, rc
assert 'PySide6' not in sys.modules and 'requests' not in sys.modules
print('core ok')
"""
    )
    env = {**os.environ, "KIOSK_CATALOG_PATH": str(MINI_CATALOG), "KIOSK_STATION_NUMBER": "5"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "core ok" in result.stdout
