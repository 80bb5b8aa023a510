"""The kiosk side of the sync protocol: message shapes and signing, the HTTP client, the engine.

Imports ``kiosk`` and requests; never PySide6 (``tests/test_layers.py`` checks).
"""
