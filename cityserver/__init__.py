"""The reference city server: the kiosks' sync API, Open311 GeoReport v2, and staff commands.

FastAPI over SQLAlchemy 2, on SQLite (the embedded default) or PostgreSQL (production, several
processes sharing one database). The protocol it speaks is :mod:`sync.protocol`;
``docs/protocol.md`` describes it in prose.
"""

from __future__ import annotations
