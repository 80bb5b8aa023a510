"""Translations: every message has Persian, and the compiled catalogs match their sources."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGES, Text, is_rtl, translate
from kiosk.text import bare_numbers, isolate

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"


def po(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def test_every_message_has_a_persian_translation() -> None:
    catalog = po("fa")
    missing = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == []
    assert fuzzy == []


def test_template_is_current(tmp_path: Path) -> None:
    """Every marked string in the code is in messages.pot (run scripts/i18n.py all if not)."""
    out = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "Text",
            "-k",
            "tr",
            "-k",
            "translate:2",
            "--no-location",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with out.open("rb") as fh:
        fresh = {m.id for m in read_po(fh) if m.id}
    for lang in LANGUAGES:
        known = {m.id for m in po(lang) if m.id}
        assert fresh - known == set(), f"new strings not in {lang}/messages.po"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogs_match_their_sources(lang: str) -> None:
    buf = io.BytesIO()
    write_mo(buf, po(lang))
    mo = (LOCALES / lang / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert mo == buf.getvalue(), "run: python scripts/i18n.py compile"


def test_translate_fills_and_localises_numbers() -> None:
    assert (
        translate("en", "Enter at least {min} characters", min=12) == "Enter at least 12 characters"
    )
    # In Persian every number a parameter brings is isolated (kiosk.text.isolate_numbers).
    fa = translate("fa", "Enter at least {min} characters", min=12)
    assert fa == "دست‌کم \u2066۱۲\u2069 حرف بنویسید"
    text = Text("Select at least {min} options", {"min": 2})
    assert text.all_languages()["fa"] == "دست‌کم \u2066۲\u2069 گزینه را انتخاب کنید"
    assert text.all_languages()["en"] == "Select at least 2 options"
    when = translate("fa", "last sync {date} {time}", date="۶ آذر ۱۴۰۵", time="11:40")
    assert bare_numbers(when) == []
    # a date and a time: each number whole, and each on its own
    assert "\u2066۶\u2069 آذر \u2066۱۴۰۵\u2069" in when and "\u2066۱۱:۴۰\u2069" in when
    code = isolate("۰۱۲۳-۰۰۴۵۷۱-۳")
    assert translate("fa", "{code} is voided.", code=code).count("\u2066") == 1  # not twice
    assert is_rtl("fa")
    assert not is_rtl("en")
    with pytest.raises(ValueError, match="unsupported language"):
        translate("de", "Enter a date")
