"""The ``cityserver`` command: run the server, and the staff commands on its database.

Every subcommand takes ``--db URL`` (before or after the subcommand), falling back to
``CITYSERVER_DB`` and then to SQLite in the data dir, so staff commands work on the same database
as the running server. Bad input gives one line on stderr and exit status 2; "not found" gives
exit status 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from cityserver.cli import audit_cmd, cases, content, fleet, serve
from cityserver.cli.common import CliError
from cityserver.db import DatabaseUnavailable, restrict_dir
from cityserver.migrations import SchemaTooNew
from cityserver.settings import SettingsError, has_password, load_settings

PROG = "cityserver"


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (and lets :func:`main` exit with 2)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> Parser:
    parser = Parser(prog=PROG, description="The reference city server of the municipal kiosks.")
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="database URL (default: $CITYSERVER_DB, else SQLite in the data dir)",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (serve, fleet, cases, content, audit_cmd):
        module.register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Everything the server writes (the SQLite database, its WAL, logs) is for its user only.
    os.umask(0o077)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        settings = load_settings(
            db=args.db,
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
            token_ttl_hours=getattr(args, "ttl_hours", None),
            max_requests_per_minute=getattr(args, "max_requests_per_minute", None),
            max_public_requests_per_minute=getattr(args, "max_public_requests_per_minute", None),
            docs=getattr(args, "docs", None),
            maintenance=getattr(args, "maintenance", None) or None,
        )
    except SettingsError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    restrict_dir(settings.data_dir)
    if args.db is not None and has_password(args.db):
        print(
            f"{PROG}: warning: the --db URL holds a password, which every user of this "
            "machine can read in the process list; put the URL in CITYSERVER_DB, or the "
            "password in a pgpass file (PGPASSFILE)",
            file=sys.stderr,
        )
    verbose = args.command in ("run", "migrate")  # staff commands print only their answer
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        status: int = args.handler(args, settings)
    except CliError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.status
    except (DatabaseUnavailable, SchemaTooNew, SettingsError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    return status
