"""What the city publishes to the kiosks: ``catalog`` and ``announce`` commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from cityserver import announcements, catalogs
from cityserver.catalogs import CatalogStore
from cityserver.cli.common import (
    CliError,
    Commands,
    add_json,
    database,
    now,
    parse_iso,
    print_json,
    when,
)
from cityserver.settings import Settings
from kiosk.catalog import CatalogError
from kiosk.text import escape_controls


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    catalog = commands.add_parser("catalog", help="the service catalog").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    publish = catalog.add_parser("publish", parents=[common], help="validate and publish a file")
    publish.add_argument("file", metavar="FILE", type=Path)
    publish.set_defaults(handler=cmd_catalog_publish)
    show = catalog.add_parser("show", parents=[common], help="the current catalog")
    add_json(show)
    show.set_defaults(handler=cmd_catalog_show)

    announce = commands.add_parser("announce", help="announcements").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    add = announce.add_parser("add", parents=[common], help="publish an announcement")
    for name in ("--title-fa", "--title-en", "--body-fa", "--body-en"):
        add.add_argument(name, required=True)
    add.add_argument("--expires", metavar="ISO", help="when it stops showing")
    add_json(add)
    add.set_defaults(handler=cmd_announce_add)
    remove = announce.add_parser("remove", parents=[common], help="withdraw an announcement")
    remove.add_argument("announcement_id", metavar="ID")
    remove.set_defaults(handler=cmd_announce_remove)
    listing = announce.add_parser("list", parents=[common], help="every announcement")
    add_json(listing)
    listing.set_defaults(handler=cmd_announce_list)


def cmd_catalog_publish(args: argparse.Namespace, settings: Settings) -> int:
    try:
        raw = args.file.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    with database(settings) as db:
        try:
            with db.write() as session:
                doc, changed = catalogs.publish(session, raw, now())
        except CatalogError as exc:
            lines = "\n".join(f"  {p}" for p in exc.problems)
            raise CliError(
                f"{args.file} refused ({len(exc.problems)} problem(s)); the current catalog "
                f"stays:\n{lines}"
            ) from None
        except catalogs.CatalogConflict as exc:
            raise CliError(str(exc)) from None
    state = "published" if changed else "already current"
    print(
        f"catalog {doc.version} {state} ({len(doc.catalog.services)} services, "
        f"sha256 {doc.digest[:12]})"
    )
    return 0


def cmd_catalog_show(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as db, db.read() as session:
        doc = CatalogStore().current(session)
    info = {
        "version": doc.version,
        "digest": doc.digest,
        "published_at": when(doc.published_at) if doc.published_at else None,
        "bundled_default": doc.published_at is None,
        "services": [s.code for s in doc.catalog.services],
    }
    if args.json:
        print_json(info)
        return 0
    source = (
        "bundled default (nothing published)"
        if doc.published_at is None
        else (f"published {info['published_at']}")
    )
    print(f"catalog {doc.version}: {source}; sha256 {doc.digest}")
    for service in doc.catalog.services:
        print(f"  {service.code:36} {service.kind.value:13} {service.title.en}")
    return 0


def cmd_announce_add(args: argparse.Namespace, settings: Settings) -> int:
    expires = parse_iso(args.expires, "--expires") if args.expires else None
    with database(settings) as db, db.write() as session:
        try:
            row = announcements.add(
                session,
                {"fa": args.title_fa, "en": args.title_en},
                {"fa": args.body_fa, "en": args.body_en},
                now(),
                expires,
            )
        except ValueError as exc:
            raise CliError(str(exc)) from None
        wire = announcements.wire(row)
    if args.json:
        print_json(wire)
    else:
        print(f"announcement {wire['id']} published")
    return 0


def cmd_announce_remove(args: argparse.Namespace, settings: Settings) -> int:
    if not args.announcement_id.isdigit():
        raise CliError(f"ID must be the announcement's number, got {args.announcement_id!r}")
    with database(settings) as db, db.write() as session:
        row = announcements.remove(session, int(args.announcement_id))
        if row is None:
            raise CliError(f"no announcement {args.announcement_id}", status=1)
    print(f"announcement {args.announcement_id} removed; kiosks drop it at their next sync")
    return 0


def cmd_announce_list(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as db, db.read() as session:
        rows = [announcements.wire(r) for r in announcements.listing(session)]
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        state = "removed" if r["deleted"] else f"expires {r['expires_at'] or 'never'}"
        print(f"{r['id']:>4}  {r['published_at']}  {state:28}  {escape_controls(r['title']['en'])}")
    return 0
