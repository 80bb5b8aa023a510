#!/usr/bin/env python3
"""Write translations from a Python dict file into a .po catalog (for batch translation work).

python scripts/fill_po.py fa translations.py   # the file defines FA = {msgid: msgstr}
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    lang, source = sys.argv[1], sys.argv[2]
    table: dict[str, str] = runpy.run_path(source)[lang.upper()]
    po_path = ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    filled = 0
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.id in table:
            message.string = table[message.id]
            filled += 1
    with po_path.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, sort_output=True, width=100)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{po_path.relative_to(ROOT)}: filled {filled}, untranslated {len(missing)}")
    for msgid in missing:
        print(f"  untranslated: {msgid!r}")


if __name__ == "__main__":
    main()
