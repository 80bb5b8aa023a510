"""Where the bundled read-only files (assets, locales) are, from source, a wheel or a frozen build.

One lookup for every way the kiosk runs:

* a PyInstaller build unpacks them next to the executable (``sys._MEIPASS``);
* a wheel carries them inside the package as ``kiosk/_data/``;
* a source checkout or an editable install finds them at the repository root.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def resource_root() -> Path:
    """The folder that holds ``assets/`` and ``locales/``."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root)
    bundled = _PACKAGE_DIR / "_data"
    if (bundled / "assets").is_dir():
        return bundled
    return _PACKAGE_DIR.parent


def asset_path(*parts: str) -> Path:
    """A path under ``assets/``."""
    return resource_root().joinpath("assets", *parts)


def locale_dir() -> Path:
    """The gettext ``locales/`` folder."""
    return resource_root() / "locales"


def is_frozen() -> bool:
    """True inside a PyInstaller build."""
    return bool(getattr(sys, "frozen", False))
