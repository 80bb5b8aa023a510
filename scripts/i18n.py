#!/usr/bin/env python3
"""The Babel loop for the kiosk's translations: extract, update, compile.

python scripts/i18n.py extract   # kiosk/, ui/, sync/ -> locales/messages.pot
python scripts/i18n.py update    # messages.pot -> locales/{fa,en}/LC_MESSAGES/messages.po
python scripts/i18n.py compile   # *.po -> *.mo (committed; a test checks they are current)
python scripts/i18n.py all       # the three in order
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"
LANGS = ("fa", "en")
KEYWORDS = ["-k", "N_", "-k", "Text", "-k", "tr", "-k", "t", "-k", "translate:2"]


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def extract() -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        *KEYWORDS,
        "--no-location",
        "--sort-output",
        "--project",
        "municipal-kiosk",
        "--copyright-holder",
        "municipal-kiosk contributors",
        "-o",
        str(POT.relative_to(ROOT)),
        ".",
    )


def update() -> None:
    for lang in LANGS:
        po = LOCALES / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(LOCALES),
                "-l",
                lang,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            pybabel("init", "-i", str(POT), "-d", str(LOCALES), "-l", lang)


def compile_() -> None:
    pybabel("compile", "-d", str(LOCALES), "--statistics")


def main() -> None:
    steps = {
        "extract": [extract],
        "update": [update],
        "compile": [compile_],
        "all": [extract, update, compile_],
    }
    if len(sys.argv) != 2 or sys.argv[1] not in steps:
        sys.exit(__doc__)
    for step in steps[sys.argv[1]]:
        step()


if __name__ == "__main__":
    main()
