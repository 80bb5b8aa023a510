"""The city's side of a request: ``cityserver requests list|show|update``."""

from __future__ import annotations

import argparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityserver import casework
from cityserver.cli.common import (
    CliError,
    Commands,
    add_json,
    database,
    now,
    print_json,
    print_table,
    when,
)
from cityserver.models import Kiosk, Request
from cityserver.settings import Settings
from kiosk.text import escape_controls
from kiosk.tracking import InvalidTrackingCode
from sync import protocol


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    requests = commands.add_parser("requests", help="citizen requests").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    listing = requests.add_parser("list", parents=[common], help="newest first")
    listing.add_argument("--status", choices=protocol.STATUSES)
    listing.add_argument("--limit", type=int, default=100, help="at most this many (100)")
    add_json(listing)
    listing.set_defaults(handler=cmd_list)
    show = requests.add_parser("show", parents=[common], help="one request, with its answers")
    show.add_argument("ref", metavar="TRACKING", help="tracking code (dashes optional) or UUID")
    add_json(show)
    show.set_defaults(handler=cmd_show)
    update = requests.add_parser(
        "update", parents=[common], help="set the status (it flows back to the kiosk)"
    )
    update.add_argument("ref", metavar="TRACKING", help="tracking code (dashes optional) or UUID")
    update.add_argument("--status", required=True, choices=protocol.STATUSES)
    update.add_argument("--note", default="", help="what the citizen sees with the status")
    add_json(update)
    update.set_defaults(handler=cmd_update)


def _kiosk_names(session: Session, rows: list[Request]) -> dict[str, str]:
    ids = {r.kiosk_id for r in rows if r.kiosk_id}
    if not ids:
        return {}
    found = session.execute(select(Kiosk.id, Kiosk.name).where(Kiosk.id.in_(ids)))
    return {kiosk_id: name for kiosk_id, name in found}


def _find(session: Session, ref: str) -> list[Request]:
    try:
        rows = casework.find_requests(session, ref)
    except InvalidTrackingCode as exc:
        raise CliError(f"{ref!r} is not a tracking code or request id: {exc}") from None
    if not rows:
        raise CliError(f"no request {ref!r}", status=1)
    return rows


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    if not 1 <= args.limit <= 100_000:
        raise CliError("--limit must be 1-100000")
    with database(settings) as db, db.read() as session:
        rows = list(session.execute(casework.list_query(args.status, args.limit)).scalars())
        names = _kiosk_names(session, rows)
        items = [casework.summary(r, names.get(r.kiosk_id or "")) for r in rows]
    if args.json:
        print_json(items)
        return 0
    if not items:
        print("no requests")
        return 0
    print_table(
        ["TRACKING", "SERVICE", "FROM", "STATUS", "RECEIVED", "NOTE"],
        [
            [
                i["display_code"],
                i["service_code"],
                i["kiosk_name"] or i["channel"],
                i["status"],
                when(i["received_at"]),
                (i["status_note"] or "")[:40],
            ]
            for i in items
        ],
    )
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as db, db.read() as session:
        rows = _find(session, args.ref)
        names = _kiosk_names(session, rows)
        items = [
            casework.detail(r, casework.history(session, r.id), names.get(r.kiosk_id or ""))
            for r in rows
        ]
    if args.json:
        print_json(items if len(items) > 1 else items[0])
        return 0
    for item in items:  # answers, notes and kiosk names through escape_controls(): never raw
        print(
            f"{escape_controls(item['display_code'])}  {item['service_code']}  ({item['status']})"
        )
        print(f"  id: {item['id']}   server ref: {item['server_ref']}")
        print(
            f"  from: {escape_controls(item['kiosk_name'] or item['channel'])} "
            f"(kiosk {item['kiosk_number']}), "
            f"filed {item['created_at']}, received {item['received_at']}"
        )
        for key, value in item["answers"].items():
            print(f"  {escape_controls(str(key))}: {escape_controls(str(value))}")
        for event in item["history"]:
            note = f" - {escape_controls(event['note'])}" if event["note"] else ""
            print(f"  [{event['changed_at']}] {event['status']}{note}")
    return 0


def cmd_update(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as db, db.write() as session:
        rows = _find(session, args.ref)
        if len(rows) > 1:
            ids = ", ".join(r.id for r in rows)
            raise CliError(f"{args.ref!r} names {len(rows)} requests ({ids}); give the UUID")
        try:
            event = casework.set_status(session, rows[0], args.status, args.note.strip(), now())
        except ValueError as exc:
            raise CliError(str(exc)) from None
        result = casework.summary(rows[0])
        result["event_seq"] = event.seq
    if args.json:
        print_json(result)
    else:
        print(f"{result['display_code']} is now {args.status}; the kiosk sees it at its next sync")
    return 0
