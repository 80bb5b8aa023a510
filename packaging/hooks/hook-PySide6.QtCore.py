"""PySide6.QtCore for the kiosk build: PyInstaller's own hook, keeping only Qt's Persian strings.

The stock hook collects Qt's ``qt_*.qm`` and ``qtbase_*.qm`` translations for every language
Qt ships (about 4 MB). ``build.spec`` names the ones the kiosk loads (``ui.appsetup`` loads
``qtbase_fa`` from ``QLibraryInfo``'s translations path) in
``hooksconfig["kiosk-qt"]["translations"]``; the rest are left out.
"""

from pathlib import Path

from PyInstaller.utils.hooks import get_hook_config
from PyInstaller.utils.hooks.qt import add_qt6_dependencies


def hook(hook_api):
    hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
    keep = set(get_hook_config(hook_api, "kiosk-qt", "translations") or ())
    datas = [
        (src, dest) for src, dest in datas if not src.endswith(".qm") or Path(src).stem in keep
    ]
    hook_api.add_imports(*hiddenimports)
    hook_api.add_binaries(binaries)
    hook_api.add_datas(datas)
