"""``python -m cityserver`` is the ``cityserver`` command."""

from __future__ import annotations

import sys

from cityserver.cli import main

sys.exit(main())
