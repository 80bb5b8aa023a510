"""What the README says about the ``kiosk`` command, checked against the program.

The two commands themselves run in ``tests/e2e/test_demo.py`` (``./scripts/run demo`` under
Xvfb) and by CI (``./scripts/test``); this file checks the claims of the text: every command and
option in the command table exists, the PINs it says are refused are, the error reasons it names
are the ones the command line gives, and the PostgreSQL variable is the one the tests read.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from kiosk.cli import build_parser
from kiosk.staff import StaffError, check_new_pin
from tests.cityserver.conftest import PG_ENV

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def kiosk_table_rows() -> list[str]:
    """The first cell of every row of the ``kiosk`` command table."""
    table = README.split("| command | what it does |")[1]
    rows = []
    for line in table.splitlines()[2:]:
        if not line.startswith("| `"):
            break
        rows.append(line.split(" | ")[0])
    return rows


def subparser(parser: argparse.ArgumentParser, words: list[str]) -> argparse.ArgumentParser:
    for word in words:
        actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not actions or word not in actions[0].choices:
            break
        parser = actions[0].choices[word]
    return parser


def test_every_command_and_option_in_the_table_exists() -> None:
    rows = kiosk_table_rows()
    assert any("kiosk run --counter" in row for row in rows)
    checked = 0
    for row in rows:
        for usage in re.findall(r"`([^`]+)`", row):
            words = [w.split("|")[0] for w in usage.replace("\\|", "|").split()]
            if words[0] == "kiosk":
                words = words[1:]
            command = [w for w in words if re.fullmatch(r"[a-z][a-z-]*", w)][:2]
            parser = subparser(build_parser(), command)
            known = {s for a in parser._actions for s in a.option_strings}
            for option in re.findall(r"--[a-z][a-z-]*", usage):
                assert option in known, f"{usage}: {option} is not an option of {parser.prog}"
                checked += 1
    assert checked > 20


def test_global_options_named_in_the_readme_exist() -> None:
    line = next(s for s in README.splitlines() if s.startswith("Global options go before"))
    known = {s for a in build_parser()._actions for s in a.option_strings}
    for option in re.findall(r"--[a-z][a-z-]*", line):
        assert option in known


def test_the_pins_the_readme_says_are_refused_are() -> None:
    row = next(r for r in README.splitlines() if "kiosk staff add NAME" in r and "PIN is" in r)
    refused = re.findall(r"\(`(\d+)`\)|`(\d{4,})`", row)
    pins = [a or b for a, b in refused]
    assert {"0000", "1234", "9876"} <= set(pins)
    for pin in pins:
        with pytest.raises(StaffError):
            check_new_pin(pin)
    assert check_new_pin("4826") == "4826"  # and a PIN that is not one of those is taken


def test_the_error_reasons_the_readme_names_are_the_ones_given() -> None:
    paragraph = README.split("With `--json` that line is one JSON object")[1].split("```")[0]
    named = set(re.findall(r"`([a-z_]+)`", paragraph)) - {"message", "reason", "errors"}
    source = "".join(p.read_text() for p in (ROOT / "kiosk" / "cli").glob("*.py"))
    given = set(re.findall(r'reason="([a-z_]+)"', source)) | {"usage"}  # usage: the default
    assert named
    assert named <= given, named - given


def test_the_postgresql_variable_is_the_one_the_tests_read() -> None:
    assert f"{PG_ENV}=postgresql+psycopg://" in README


def test_the_intro_says_what_works_now() -> None:
    intro = README.split("## Two commands")[0]
    assert "once the sync engine lands" not in intro
    assert "delivers that queue to the city server exactly once" in intro
