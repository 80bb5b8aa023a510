"""The admin panel: enrollment, settings, sync, logs, diagnostics and staff accounts."""
