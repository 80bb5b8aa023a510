"""PySide6.QtGui for the kiosk build: PyInstaller's own hook, with only the Qt plugins it needs.

The stock hook collects every plugin type QtGui can use (image formats, icon engines, EGL device
integrations, GTK and portal themes, input methods, all platforms...), and each plugin brings
its own libraries. ``build.spec`` lists the plugins to keep, by type, in
``hooksconfig["kiosk-qt"]["plugins"]``; a plugin type it does not name is left out entirely.
Filtering here, before PyInstaller scans the plugins' library dependencies, keeps the libraries
of the dropped plugins out too.
"""

from pathlib import Path

from PyInstaller.utils.hooks import get_hook_config
from PyInstaller.utils.hooks.qt import add_qt6_dependencies


def hook(hook_api):
    hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
    keep = get_hook_config(hook_api, "kiosk-qt", "plugins") or {}

    def wanted(src: str, dest: str) -> bool:
        parts = Path(dest).parts
        if "plugins" not in parts:
            return True  # a Qt library, not a plugin
        plugin_type = parts[parts.index("plugins") + 1]
        return Path(src).name in keep.get(plugin_type, ())

    hook_api.add_imports(*hiddenimports)
    hook_api.add_binaries([(s, d) for s, d in binaries if wanted(s, d)])
    hook_api.add_datas(datas)
