"""``kiosk audit verify|list`` and ``kiosk privacy purge``.

``audit verify`` prints ``OK`` with the number of entries, or every problem found, one per line,
and exits with 1. The database modules are imported inside the commands.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.output import fail, print_json, shown, table, when
from kiosk.cli.staff_cmd import cli_actor
from kiosk.config import Settings
from kiosk.i18n import N_
from kiosk.jsonutil import dumps

EXIT_PROBLEMS = 1


def register(sub: Any) -> None:
    p = sub.add_parser("audit", help="the audit trail of staff actions")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser("verify", help="check the hash chain; exit 1 on any problem")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_verify)
    ls = asub.add_parser("list", help="the entries, oldest first")
    ls.add_argument("--limit", type=_positive, default=None, help="only the last N entries")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    q = sub.add_parser("privacy", help="personal data kept on this kiosk")
    qsub = q.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    pp = qsub.add_parser(
        "purge", help="remove personal answers acknowledged more than [privacy] retention_days ago"
    )
    pp.add_argument(
        "--wait",
        type=_seconds,
        default=10.0,
        metavar="SECONDS",
        help="how long to wait for other readers of the database to finish (default 10)",
    )
    pp.add_argument("--json", action="store_true")
    pp.set_defaults(func=cmd_purge)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return int(value)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise argparse.ArgumentTypeError(f"expected seconds from 0 to 3600, got {value!r}")
    return seconds


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.audit import AuditLog
    from kiosk.core import open_core

    core = open_core(settings)
    try:
        audit = AuditLog(core.db)
        problems = audit.verify()
        count = audit.count()
    finally:
        core.close()
    if args.json:
        print_json({"ok": not problems, "entries": count, "problems": problems})
    elif problems:
        for problem in problems:
            print(shown(problem))
    else:
        print(f"OK: {count} {'entry' if count == 1 else 'entries'}, the chain is intact")
    return EXIT_PROBLEMS if problems else 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.audit import AuditLog
    from kiosk.core import open_core

    core = open_core(settings)
    try:
        entries = AuditLog(core.db).entries(limit=args.limit)
    finally:
        core.close()
    if args.json:
        print_json([e.to_json() for e in entries])
    elif not entries:
        print("the audit log is empty")
    else:
        rows = [
            [str(e.seq), when(e.time), e.actor, e.action, dumps(e.details) if e.details else ""]
            for e in entries
        ]
        print(table(rows, ["SEQ", "TIME", "ACTOR", "ACTION", "DETAILS"]))
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.audit import AuditLog
    from kiosk.core import open_core
    from kiosk.privacy import purge
    from kiosk.timeutil import utcnow

    retention = settings.privacy.retention_days
    core = open_core(settings)
    try:
        result = purge(
            core.db,
            core.catalog,
            retention,
            utcnow(),
            AuditLog(core.db),
            actor=cli_actor(),
            wait_s=args.wait,
        )
    finally:
        core.close()
    count = result.purged
    if args.json:
        print_json({"purged": count, "retention_days": retention, "complete": result.complete})
    else:
        print(
            f"purged the personal answers of {count} transaction"
            f"{'' if count == 1 else 's'} (retention: {retention} days)"
        )
        if result.finished_earlier:
            print("the old content of an earlier purge is gone from the database file now")
    if not result.complete:
        fail(
            N_(
                "the purged answers are still in the database file: another program is reading "
                "it; run 'kiosk privacy purge' again when it is done (the running kiosk retries "
                "by itself)"
            ),
            reason="purge_incomplete",
            status=EXIT_PROBLEMS,
        )
    return 0
