"""Kiosk fleet and Open311 clients: ``token``, ``kiosk`` and ``apikey`` commands."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from cityserver import apikeys, audit_witness, kiosks
from cityserver.cli.common import (
    CliError,
    Commands,
    add_json,
    database,
    human_bytes,
    now,
    print_json,
    print_table,
    when,
)
from cityserver.models import Kiosk
from cityserver.settings import Settings
from kiosk.text import escape_controls
from kiosk.timeutil import iso


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    token = commands.add_parser("token", help="enrollment tokens").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    create = token.add_parser("create", parents=[common], help="a one-time enrollment token")
    create.add_argument("--name", required=True, help="the kiosk's name, e.g. 'District 2 hall'")
    create.add_argument("--ttl-hours", default=None, help="lifetime (default 24 hours)")
    add_json(create)
    create.set_defaults(handler=cmd_token_create)

    kiosk = commands.add_parser("kiosk", help="enrolled kiosks").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    listing = kiosk.add_parser("list", parents=[common], help="kiosks with their health")
    add_json(listing)
    listing.set_defaults(handler=cmd_kiosk_list)
    revoke = kiosk.add_parser("revoke", parents=[common], help="revoke one kiosk's credential")
    revoke.add_argument("kiosk", metavar="ID|NUMBER")
    revoke.set_defaults(handler=cmd_kiosk_revoke)

    apikey = commands.add_parser("apikey", help="API keys of Open311 clients").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    key_create = apikey.add_parser("create", parents=[common], help="a new key (shown once)")
    key_create.add_argument("--name", required=True, help="who uses it")
    add_json(key_create)
    key_create.set_defaults(handler=cmd_apikey_create)
    key_revoke = apikey.add_parser("revoke", parents=[common], help="revoke a key")
    key_revoke.add_argument("key_id", metavar="ID")
    key_revoke.set_defaults(handler=cmd_apikey_revoke)


def _name(raw: str) -> str:
    name = raw.strip()
    if not 1 <= len(name) <= 100:
        raise CliError("--name must be 1-100 characters")
    return name


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    hours = settings.token_ttl_hours
    with database(settings) as db, db.write() as session:
        token = kiosks.create_token(session, _name(args.name), timedelta(hours=hours), now())
    if args.json:
        print_json({"token": token.token, "name": token.name, "expires_at": iso(token.expires_at)})
    else:
        print(token.token)
        print(f"one-time enrollment token for {token.name!r}, valid until {iso(token.expires_at)}")
        print("on the kiosk: kiosk enroll --server URL --token TOKEN")
    return 0


def cmd_kiosk_list(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as db, db.read() as session:
        witnessed = audit_witness.fleet(session, now())
        rows = [
            {**kiosks.kiosk_summary(k), **_audit_summary(witnessed.get(k.id))}
            for k in session.execute(select(Kiosk).order_by(Kiosk.number)).scalars()
        ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no kiosks enrolled; make a token with: cityserver token create --name NAME")
        return 0
    print_table(
        [
            "NUM",
            "NAME",
            "ID",
            "LAST SEEN",
            "HEARTBEAT",
            "QUEUE",
            "OLDEST UNSENT",
            "LAST ERROR",
            "VERSION",
            "FREE DISK",
            "AUDIT",
            "FAILED SIGN-INS 1H/24H",
            "REVOKED",
        ],
        [
            [
                r["number"],
                r["name"],
                r["id"],
                when(r["last_seen_at"]),
                when(r["last_heartbeat_at"]),
                r["queue_depth"],
                when(r["oldest_unsent_at"]),
                (r["last_error"] or "-")[:40],
                r["app_version"],
                human_bytes(r["free_disk_bytes"]),
                _audit_cell(r),
                f"{r['sign_in_failures_1h']}/{r['sign_in_failures_24h']}",
                when(r["revoked_at"]) if r["revoked_at"] else "no",
            ]
            for r in rows
        ],
    )
    return 0


def _audit_summary(witness: audit_witness.Witness | None) -> dict[str, Any]:
    """The kiosk's audit chain as the server witnessed it, for ``kiosk list``."""
    if witness is None:
        witness = audit_witness.Witness(0, 0, None, 0, 0)
    first = witness.first_divergence
    return {
        "audit_entries": witness.entries,
        "audit_diverged_at": None if first is None else first.seq,
        "sign_in_failures_1h": witness.sign_in_failures_1h,
        "sign_in_failures_24h": witness.sign_in_failures_24h,
    }


def _audit_cell(row: dict[str, Any]) -> str:
    if row["audit_diverged_at"] is not None:
        return f"DIVERGED at entry {row['audit_diverged_at']}"
    return f"ok ({row['audit_entries']})" if row["audit_entries"] else "-"


def cmd_kiosk_revoke(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as db, db.write() as session:
        row = kiosks.revoke(session, args.kiosk, now())
        if row is None:
            raise CliError(f"no kiosk with id or number {args.kiosk!r}", status=1)
        number, name, revoked = row.number, row.name, row.revoked_at
    print(
        f"kiosk {number} ({escape_controls(name)}) revoked at {when(revoked)}; "
        "it must be enrolled again"
    )
    return 0


def cmd_apikey_create(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as db, db.write() as session:
        row, key = apikeys.create(session, _name(args.name), now())
        key_id, name = row.id, row.name
    if args.json:
        print_json({"id": key_id, "name": name, "api_key": key})
    else:
        print(key)
        print(f"API key {key_id} for {name!r}: store it now, it is not shown again")
    return 0


def cmd_apikey_revoke(args: argparse.Namespace, settings: Settings) -> int:
    if not args.key_id.isdigit():
        raise CliError(f"ID must be the key's number, got {args.key_id!r}")
    with database(settings) as db, db.write() as session:
        row = apikeys.revoke(session, int(args.key_id), now())
        if row is None:
            raise CliError(f"no API key {args.key_id}", status=1)
        name = row.name
    print(f"API key {args.key_id} ({escape_controls(name)}) revoked")
    return 0
