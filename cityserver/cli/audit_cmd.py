"""``cityserver audit verify --kiosk NUMBER``: does the kiosk's audit chain still match the copy
the server witnessed? Exit status 0 when it does, 1 naming the first entry where they part."""

from __future__ import annotations

import argparse

from cityserver import audit_witness, kiosks
from cityserver.cli.common import CliError, Commands, add_json, database, print_json
from cityserver.settings import Settings
from kiosk.text import escape_controls


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    audit = commands.add_parser("audit", help="the kiosks' audit chains").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    verify = audit.add_parser(
        "verify", parents=[common], help="compare a kiosk's chain with the server's copy"
    )
    verify.add_argument("--kiosk", required=True, metavar="ID|NUMBER")
    add_json(verify)
    verify.set_defaults(handler=cmd_verify)


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as db, db.read() as session:
        kiosk = kiosks.find_kiosk(session, args.kiosk)
        if kiosk is None:
            raise CliError(f"no kiosk with id or number {args.kiosk!r}", status=1)
        number, name = kiosk.number, kiosk.name
        entries, last = audit_witness.count_entries(session, kiosk.id)
        problems = audit_witness.verify(session, kiosk.id)
        first = audit_witness.first_divergence(session, kiosk.id)
    if args.json:
        print_json(
            {
                "kiosk_number": number,
                "entries": entries,
                "last_seq": last,
                "intact": not problems,
                "first_divergence": None if first is None else first.seq,
                "problems": problems,
            }
        )
        return 1 if problems else 0
    label = f"kiosk {number} ({escape_controls(name)})"
    if problems:
        print(f"{label}: the audit chain does not match the server's copy")
        for problem in problems:
            print(f"  {escape_controls(problem)}")
        return 1
    if entries == 0:
        print(f"{label}: no audit entries witnessed yet (the kiosk ships them with each sync)")
        return 0
    print(f"{label}: {entries} audit entries witnessed (1 to {last}); the kiosk's chain matches")
    return 0
