"""Card terminals: the adapters behind the core's ``kiosk.payments.terminal.PaymentTerminal``.

A terminal is a device next to the kiosk, not the city server, so its adapters live here and
not in ``sync/``: Sadad's local PC-POS service (:mod:`terminals.sadad`, over HTTP with
requests), and the terminal simulator (:mod:`terminals.simulator`), a separate process that
speaks the same REST surface for tests and demonstrations. This package may import ``kiosk``,
requests and the standard library; never PySide6, ``ui``, ``sync`` or ``cityserver``. The
core never imports it: the CLI and the application build a terminal here
(:func:`terminals.factory.terminal_from_settings`) and hand it to the core.
"""
