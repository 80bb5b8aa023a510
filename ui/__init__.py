"""Everything on screen: the citizen kiosk in PySide6 (Qt Widgets).

Reaches the core (``kiosk``) through its API and the sync engine only through a small status and
command interface. Database work and anything slow runs off the UI thread (``ui.worker``).
"""
