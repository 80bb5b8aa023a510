"""Entry point of the frozen build: the ``kiosk`` command (``kiosk.cli:main``).

One executable for the command line and the touch kiosk: ``kiosk status``, ``kiosk run``,
and plain ``kiosk`` (which opens the kiosk). ``build.spec`` freezes this file; it lives outside
the ``kiosk`` package so that PyInstaller does not put ``kiosk/`` itself on its search path
(``kiosk/queue.py`` would shadow the standard library's ``queue``).
"""

import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main())
