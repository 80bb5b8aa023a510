"""Municipal service kiosk: the Qt-free core.

Nothing in this package imports PySide6 or requests; ``tests/test_layers.py`` proves it.
"""

__version__ = "0.1.0"
