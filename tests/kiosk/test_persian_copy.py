"""The words citizens read: every translation and every catalog text, checked as a careful
Persian reader would, against the rules of ``docs/glossary.md``.

- every number, code and date inside Persian text is isolated (U+2066 ... U+2069);
- one term per concept: no term the glossary says not to use, in Persian or in English;
- spelling: no written ezafe «ٔ», ZWNJ in «می‌» and «‌ها», Persian punctuation, no English quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.catalog import Catalog, LocalText, load_default_catalog
from kiosk.text import bare_numbers, strip_isolates

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
PO = ROOT / "locales" / "fa" / "LC_MESSAGES" / "messages.po"

PERSIAN_LETTER = "[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]"
SPELLING = {
    "a written ezafe «ٔ» (not written after a silent «ه»)": re.compile("\u0654"),
    "«می» or «نمی» as a word of its own (join it with ZWNJ: «می‌شود»)": re.compile(
        rf"(?<!{PERSIAN_LETTER}|\u200c)ن?می\s+(?={PERSIAN_LETTER})"
    ),
    "«ها» after a space (join it with ZWNJ: «درخواست‌ها»)": re.compile(
        r"\s(?:ها|های|هایی|هایم|هایتان|هایشان)(?=\s|$|[.،؛؟:)])"
    ),
    "an English comma, semicolon or question mark after Persian (use «،» «؛» «؟»)": re.compile(
        rf"{PERSIAN_LETTER}\u200c?\s*[,;?]"
    ),
    "English quotes (use «»)": re.compile("[\"\u201c\u201d]|'[^']+'"),
    "an Arabic letter form (use «ی» «ک»)": re.compile("[\u064a\u0649\u0643]"),
}


def glossary() -> list[tuple[str, list[str]]]:
    """(concept, terms not to use) for each row of the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("concept", "---"):
            continue
        rows.append((cells[0], re.findall(r"`([^`]+)`", cells[3])))
    return rows


def persian_forbidden() -> list[tuple[str, str]]:
    return [(c, t) for c, terms in glossary() for t in terms if re.search(PERSIAN_LETTER, t)]


def english_forbidden() -> list[tuple[str, str]]:
    return [(c, t) for c, terms in glossary() for t in terms if t.isascii()]


def translations() -> list[tuple[str, str]]:
    """(msgid, Persian) of every translated message."""
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="fa")
    out = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        out += [(str(ids[0]), str(s)) for s in strings]
    return out


def local_texts(catalog: Catalog) -> Iterator[tuple[str, LocalText]]:
    """Every text of the catalog, with where it is."""
    if catalog.city is not None:
        yield "city", catalog.city
    for d in catalog.districts:
        yield f"district {d.value}", d.label
    for g in catalog.groups:
        yield f"group {g.code}", g.title
        if g.description is not None:
            yield f"group {g.code} description", g.description
    for s in catalog.services:
        for name in ("title", "description", "help", "next_steps"):
            text = getattr(s, name)
            if text is not None:
                yield f"{s.code} {name}", text
        for f in s.fields:
            yield f"{s.code}.{f.key} label", f.label
            if f.help is not None:
                yield f"{s.code}.{f.key} help", f.help
            for c in f.choices:
                yield f"{s.code}.{f.key}={c.value}", c.label


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_default_catalog()


def test_the_glossary_is_read() -> None:
    concepts = dict(glossary())
    assert "کد پیگیری" in concepts["the code on a receipt that finds a request again"]
    assert len(persian_forbidden()) > 20
    assert len(english_forbidden()) >= 10


def test_every_number_in_a_translation_is_isolated() -> None:
    bare = [(msgid, s, bare_numbers(s)) for msgid, s in translations() if bare_numbers(s)]
    assert bare == []


def test_every_number_in_a_catalog_text_is_isolated(catalog: Catalog) -> None:
    bare = [(where, t.fa) for where, t in local_texts(catalog) if bare_numbers(t.fa)]
    assert bare == []
    district = catalog.district("6")
    assert district is not None
    assert district.label.fa == "منطقه \u2066۶\u2069"  # isolated when the file is loaded


def test_translations_use_the_glossary() -> None:
    found = [
        (concept, term, msgid)
        for msgid, text in translations()
        for concept, term in persian_forbidden()
        if term in strip_isolates(text)
    ]
    found += [
        (concept, term, msgid)
        for msgid, _text in translations()
        for concept, term in english_forbidden()
        if re.search(rf"\b{re.escape(term)}\b", msgid, re.IGNORECASE)
    ]
    assert found == []


def test_the_catalog_uses_the_glossary(catalog: Catalog) -> None:
    found = [
        (concept, term, where)
        for where, text in local_texts(catalog)
        for concept, term in persian_forbidden()
        if term in strip_isolates(text.fa)
    ]
    found += [
        (concept, term, where)
        for where, text in local_texts(catalog)
        for concept, term in english_forbidden()
        if re.search(rf"\b{re.escape(term)}\b", text.en, re.IGNORECASE)
    ]
    assert found == []


def spelling_problems(text: str) -> list[str]:
    plain = strip_isolates(text)
    return [rule for rule, pattern in SPELLING.items() if pattern.search(plain)]


def test_translations_are_spelt_and_punctuated_as_persian() -> None:
    problems = [(msgid, s, spelling_problems(s)) for msgid, s in translations()]
    assert [p for p in problems if p[2]] == []


def test_catalog_texts_are_spelt_and_punctuated_as_persian(catalog: Catalog) -> None:
    problems = [(where, t.fa, spelling_problems(t.fa)) for where, t in local_texts(catalog)]
    assert [p for p in problems if p[2]] == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("این کیوسک می شود", "«می» or «نمی»"),
        ("درخواست ها", "«ها» after a space"),
        ("شماره شما چیست?", "an English comma"),
        ('روی "ادامه" بزنید', "English quotes"),
        ("شمارهٔ همراه", "a written ezafe"),
        ("كد ملي", "an Arabic letter form"),
    ],
)
def test_the_spelling_rules_catch_what_they_name(text: str, rule: str) -> None:
    assert [r for r in spelling_problems(text) if r.startswith(rule)], text
    assert spelling_problems("این کیوسک می‌شود؛ درخواست‌ها «ادامه» را می‌زنند؟") == []
