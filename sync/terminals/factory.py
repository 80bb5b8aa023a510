"""The terminal the settings name (``[payment] kind``), for the CLI and the application."""

from __future__ import annotations

from kiosk.config import PaymentSettings
from kiosk.payments.terminal import PaymentTerminal
from sync.terminals.sadad import SadadTerminal
from sync.terminals.simulated import SimulatorTerminal


class NoTerminal(ValueError):
    """``[payment] kind = "none"``: this kiosk takes no card payments."""


def terminal_from_settings(settings: PaymentSettings) -> PaymentTerminal:
    """A new terminal adapter (nothing is asked of the terminal yet)."""
    if settings.kind == "none":
        raise NoTerminal("card payments are not set up on this kiosk ([payment] kind = none)")
    cls = SimulatorTerminal if settings.kind == "simulator" else SadadTerminal
    return cls(
        settings.url,
        terminal_id=settings.terminal_id,
        merchant_id=settings.merchant_id,
        device=settings.device,
        device_type=settings.device_type,
        response_timeout_s=settings.response_timeout,
        status_timeout_s=settings.status_timeout,
    )
